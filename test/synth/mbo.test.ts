import path from "node:path";
import { describe, expect, it } from "vitest";
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
