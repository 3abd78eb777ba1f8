import path from "node:path";
import { describe, expect, it } from "vitest";
import { seedFrom } from "../../lib/core/rng.ts";
import { newYorkClockToUtcNs } from "../../lib/core/session.ts";
import { DbnReader } from "../../lib/importers/dbn/decoder.ts";
import { importDbn } from "../../lib/importers/dbn/import.ts";
import { Mbp10Deriver } from "../../lib/importers/mbo/deriveMbp10.ts";
import { ASK, BID } from "../../lib/mbo/fifoBook.ts";
import type { MboBatch } from "../../lib/mbo/schema.ts";
import { cancelPosition, generateMbo } from "../../lib/synth/mbo.ts";
import { writeMboDbn } from "../../lib/synth/mboDbn.ts";
import { tempDir } from "../helpers/tmp.ts";

const flat = (bs: Iterable<MboBatch>) => {
  const rows: string[] = [];
  for (const b of bs) {
    for (let i = 0; i < b.length; i++) {
      rows.push(
        `${b.tsRecv[i]} ${b.action[i]} ${b.side[i]} ${b.price[i]} ${b.size[i]} ${b.orderId[i]} ${b.flags[i]}`,
      );
    }
  }
  return rows;
};

describe("synthetic MBO", () => {
  it("is deterministic, its FIFO book is never crossed at F_LAST, and every C/M/F names a live order", () => {
    const a = flat(generateMbo({ seed: 5, events: 5_000, cancelLaw: "front", capacity: 1_000 }));
    const b = flat(generateMbo({ seed: 5, events: 5_000, cancelLaw: "front" }));
    expect(a).toEqual(b);
    expect(a.length).toBeGreaterThan(5_000);
    const d = new Mbp10Deriver("SYN");
    let crossed = 0;
    let lastBooks = 0;
    for (const m of generateMbo({ seed: 5, events: 5_000, cancelLaw: "front" })) {
      for (let r = 0; r < m.length; r++) {
        d.push(m, r);
        if (m.action[r] === 70) expect(d.book.sideOf(m.orderId[r]!)).toBeGreaterThanOrEqual(0);
        if (m.flags[r]! & 0x80) {
          lastBooks++;
          if (d.book.levelKey(BID, 0) >= d.book.levelKey(ASK, 0)) crossed++;
        }
      }
    }
    expect(d.unknownOrders).toBe(0);
    expect(lastBooks).toBeGreaterThan(4_000);
    expect(crossed).toBe(0);
  });

  it("cancel-position laws: uniform mean 1/2, front-biased mean 1/4, back-biased mean 3/4", () => {
    const mean = (law: "uniform" | "front" | "back") => {
      let s = 0;
      for (let i = 0; i < 1000; i++) s += cancelPosition(law, (i + 0.5) / 1000);
      return s / 1000;
    };
    expect(mean("uniform")).toBeCloseTo(0.5, 6);
    expect(mean("front")).toBeCloseTo(0.25, 4);
    expect(mean("back")).toBeCloseTo(0.75, 4);
  });

  it("round-trips through a DBN MBO file: msor import dbn reads back the generated records", async () => {
    const dir = tempDir();
    const file = path.join(dir, "syn.mbo.dbn");
    const gen = () => generateMbo({ seed: 2, events: 3_000, cancelLaw: "uniform", symbol: "SYN" });
    const n = await writeMboDbn(file, gen(), "SYN", 1704205800000000000n);
    const reader = await DbnReader.open(file);
    expect(reader.metadata.schema).toBe(0);
    const back: MboBatch[] = [];
    for await (const x of reader.mboBatches("SYN")) back.push(x);
    expect(flat(back)).toEqual(flat(gen()));
    const s = await importDbn({ input: file, out: path.join(dir, "syn.mbo.parquet") });
    expect(s.records).toBe(n);
    expect(s.symbol).toBe("SYN");
  });
});

describe("msor generate --mbo", () => {
  it("writes synthetic MBO (DBN) and its derived MBP-10; refuses an unknown law and --mbp10-out alone", async () => {
    const { runMain } = await import("../helpers/cli.ts");
    const dir = tempDir();
    const out = path.join(dir, "g.dbn");
    const mbp10 = path.join(dir, "g.mbp10.parquet");
    const ok = await runMain([
      "generate",
      "--mbo",
      "back",
      "--symbol",
      "SYN",
      "--date",
      "2024-01-02",
      "--events",
      "3000",
      "--out",
      out,
      "--mbp10-out",
      mbp10,
      "--json",
    ]);
    expect(ok.code).toBe(0);
    const r = JSON.parse(ok.out) as { records: number; mbp10: string };
    expect(r.records).toBeGreaterThan(3000);
    const s = await importDbn({ input: out, out: path.join(dir, "g.mbo.parquet") });
    expect(s.records).toBe(r.records);
    const bad = await runMain([
      "generate",
      "--mbo",
      "sideways",
      "--symbol",
      "SYN",
      "--date",
      "2024-01-02",
      "--out",
      out,
    ]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--mbo takes a cancel-position law: uniform, front, back/);
    const alone = await runMain([
      "generate",
      "--symbol",
      "SYN",
      "--date",
      "2024-01-02",
      "--out",
      out,
      "--mbp10-out",
      mbp10,
    ]);
    expect(alone.err).toMatch(/--mbp10-out needs --mbo LAW/);
  });
});

describe("msor generate --mbo seeds", () => {
  /** A DBN file's records with times relative to its first record (the dates' 09:30 differ). */
  async function relative(file: string): Promise<string[]> {
    const reader = await DbnReader.open(file);
    const rows: string[] = [];
    let t0: bigint | undefined;
    for await (const b of reader.mboBatches("SYN")) {
      for (let i = 0; i < b.length; i++) {
        t0 ??= b.tsRecv[i]!;
        rows.push(
          `${b.tsRecv[i]! - t0} ${b.action[i]} ${b.side[i]} ${b.price[i]} ${b.size[i]} ${b.orderId[i]}`,
        );
      }
    }
    return rows;
  }

  it("without --seed each symbol-day gets its own flow (seedFrom(1, symbol, date)); --seed S is S on any day", async () => {
    const { runMain } = await import("../helpers/cli.ts");
    const dir = tempDir();
    const run = async (date: string, seed?: string) => {
      const out = path.join(dir, `${date}-${seed ?? "auto"}.dbn`);
      const args = ["generate", "--mbo", "uniform", "--symbol", "SYN", "--date", date, "--events", "2000"];
      const r = await runMain([...args, ...(seed ? ["--seed", seed] : []), "--out", out, "--json"]);
      expect(r.code).toBe(0);
      return { seed: (JSON.parse(r.out) as { seed: number }).seed, rows: await relative(out) };
    };
    const a = await run("2024-01-02");
    const b = await run("2024-01-03");
    expect(a.seed).toBe(seedFrom(1, "SYN", "2024-01-02"));
    expect(b.seed).toBe(seedFrom(1, "SYN", "2024-01-03"));
    expect(a.rows).not.toEqual(b.rows);
    // the records are generateMbo's with that seed
    const t0 = newYorkClockToUtcNs("2024-01-02", "09:30");
    const direct = flat(
      generateMbo({ seed: a.seed, events: 2000, cancelLaw: "uniform", symbol: "SYN", startNs: t0 }),
    );
    expect(a.rows.map((r) => r.split(" ").slice(1, 5).join(" "))).toEqual(
      direct.map((r) => r.split(" ").slice(1, 5).join(" ")),
    );
    // an explicit seed stays as is: the same flow on both days
    const c = await run("2024-01-02", "7");
    const d = await run("2024-01-03", "7");
    expect([c.seed, d.seed]).toEqual([7, 7]);
    expect(c.rows).toEqual(d.rows);
  }, 60_000);
});
