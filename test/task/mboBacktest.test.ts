/**
 * A backtest on MBO input (docs/models.md 6.7), end to end on the real ESH4 fixture: import to MBO Parquet, then
 * runTask with sim.queue_model l3_fifo (the exact FIFO queue) and with prob2 on the same records' derived MBP-10.
 * The test reads the fixture (the first 30 minutes of a Globex evening session, 18:00 New York) on the equity
 * calendar (09:30-16:00 New York), as written before the ES calendar existed (`instrument: ES` reads it as the
 * evening of trading day 2023-12-26): it moves the records' clock 16 hours later (10:00 the next day; the book
 * snapshot, stamped midnight UTC, to the open first); the order-level content is untouched.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { NO_PRIOR } from "../../lib/calibration/params.ts";
import { instrumentPreset } from "../../lib/core/instrument.ts";
import { importDbn } from "../../lib/importers/dbn/import.ts";
import { deriveMbp10 } from "../../lib/importers/mbo/deriveMbp10.ts";
import { writeImport } from "../../lib/importers/output.ts";
import { readMboBatches } from "../../lib/mbo/reader.ts";
import type { MboBatch } from "../../lib/mbo/schema.ts";
import { writeMboFile } from "../../lib/mbo/writer.ts";
import { groupInputs, runLocalBacktest } from "../../lib/pipeline/localBacktest.ts";
import { fileSource } from "../../lib/ports/fileSource.ts";
import { parseTaskSpec } from "../../lib/specs/taskSpec.ts";
import { calibrateDay } from "../../lib/task/calibrateDay.ts";
import { type InputFormat, runTask } from "../../lib/task/runTask.ts";
import { runMain } from "../helpers/cli.ts";
import { haveSharedData, SHARED_DATA } from "../helpers/sharedData.ts";
import { tempDir } from "../helpers/tmp.ts";

const ESH4 = path.join(
  SHARED_DATA,
  "databento",
  "GLBX.MDP3",
  "esh4-glbx-mdp3-20231225-to-2330utc.mbo.dbn.zst",
);
const HAVE = haveSharedData(ESH4, "the l3_fifo backtest on the real ESH4 MBO");
const dir = tempDir();
const SHIFT_NS = 16n * 3_600_000_000_000n;
const DATE = "2023-12-26";

/** The MBO file `from` rewritten with `edit` applied to every batch. */
async function rewrite(from: string, to: string, edit: (b: MboBatch) => void): Promise<void> {
  const src = await fileSource(from);
  async function* edited() {
    for await (const b of readMboBatches(src, "ESH4")) {
      edit(b);
      yield b;
    }
  }
  try {
    await writeMboFile(to, edited());
  } finally {
    await src.close?.();
  }
}

/** The session opens at 23:00 UTC; the snapshot before it is stamped midnight UTC: it moves to the open. */
const OPEN_NS = 1_703_545_200_000_000_000n;
const later = (b: MboBatch) => {
  for (let i = 0; i < b.length; i++) {
    b.tsRecv[i] = (b.tsRecv[i]! < OPEN_NS ? OPEN_NS : b.tsRecv[i]!) + SHIFT_NS;
    b.tsEvent[i] = (b.tsEvent[i]! < OPEN_NS ? OPEN_NS : b.tsEvent[i]!) + SHIFT_NS;
  }
};
/** Mirror image: p -> 9600 - p, bids <-> asks (aggressor sides too). */
const mirror = (b: MboBatch) => {
  for (let i = 0; i < b.length; i++) {
    if (!Number.isNaN(b.price[i]!)) b.price[i] = 9600 - b.price[i]!;
    const s = b.side[i]!;
    b.side[i] = s === 65 ? 66 : s === 66 ? 65 : s;
  }
};

/** `impact`: the own-impact overlay (none for the mirror: the linear one is proportional to the price level). */
const spec = (queue: string, impact = "linear") =>
  parseTaskSpec({
    orders: [
      { side: "buy", shares: 100, start_times: ["10:02", "10:10"], horizon_min: 8 },
      { side: "sell", shares: 100, start_times: ["10:02", "10:10"], horizon_min: 8 },
    ],
    strategies: [{ strategy: "twap", exec: "sor" }],
    sim: { queue_model: queue, impact: [impact] },
    router: { samples: 200 },
  });

async function run(file: string, format: InputFormat, queue: string, impact?: string) {
  return runTask({
    symbol: "ESH4",
    date: DATE,
    sources: [await fileSource(file)],
    spec: spec(queue, impact),
    prior: NO_PRIOR,
    format,
  });
}

describe.runIf(HAVE)("l3_fifo backtest on the real ESH4 MBO", () => {
  const raw = path.join(dir, "raw.mbo.parquet");
  const mbo = path.join(dir, "esh4.mbo.parquet");
  const mbp10 = path.join(dir, "esh4.mbp10.parquet");
  const mirrored = path.join(dir, "esh4-mirror.mbo.parquet");
  const ready = (async () => {
    await importDbn({ input: ESH4, out: raw } as never);
    await rewrite(raw, mbo, later);
    await rewrite(mbo, mirrored, mirror);
    const src = await fileSource(mbo);
    try {
      await writeImport(
        mbp10,
        deriveMbp10(readMboBatches(src, "ESH4"), "ESH4"),
        { priceEncoding: "float" },
        () => {
          throw new Error("no records");
        },
      );
    } finally {
      await src.close?.();
    }
  })();

  it("runs with plausible fills; an L2 model on MBO input replays exactly the derived MBP-10", async () => {
    await ready;
    const l3 = await run(mbo, "mbo", "l3_fifo");
    const l2 = await run(mbo, "mbo", "prob2");
    const l2File = await run(mbp10, "mbp10", "prob2");
    // the same books: prob2 on the MBO input is prob2 on the MBP-10 file derived from it, row for row
    expect(l2.executions).toEqual(l2File.executions);
    expect(l2.fills).toEqual(l2File.fills);
    for (const e of l3.executions) {
      expect(e.status).toBe("ok");
      expect(e.executed_qty).toBe(100);
      // the router rests most of each parent at the best; ES trades through it within minutes
      expect(Number(e.passive_share)).toBeGreaterThanOrEqual(0.5);
      expect(Number(e.passive_share)).toBeLessThanOrEqual(1);
    }
    const maker = (r: typeof l3) => r.fills.filter((f) => f.maker);
    const makerQty = (r: typeof l3) => maker(r).reduce((a, f) => a + Number(f.qty), 0);
    expect(makerQty(l3)).toBeGreaterThan(200);
    // the exact queue fills at other times than prob2's guess (same parents, other passive fills)
    expect(maker(l3).map((f) => f.ts_ns)).not.toEqual(maker(l2).map((f) => f.ts_ns));
  }, 120_000);

  it("refuses l3_fifo on MBP-10 input, saying what to do", async () => {
    await ready;
    await expect(run(mbp10, "mbp10", "l3_fifo")).rejects.toThrow(/l3_fifo needs MBO input.*msor import dbn/);
    // msor backtest refuses before any work
    await expect(
      runLocalBacktest({
        paths: [mbo, mbp10].slice(1),
        spec: spec("l3_fifo"),
        outDir: path.join(dir, "bt-refused"),
        runId: "r",
        includeUncalibrated: true,
      }),
    ).rejects.toThrow(/l3_fifo needs MBO input.*esh4\.mbp10\.parquet.*is MBP-10/);
  });

  it("msor backtest tells an MBO file by its columns and replays it (the same rows as runTask)", async () => {
    await ready;
    const bt = await runLocalBacktest({
      paths: [mbo],
      spec: spec("l3_fifo"),
      outDir: path.join(dir, "bt"),
      runId: "mbo",
      includeUncalibrated: true,
    });
    expect(bt.days.map((d) => [d.symbol, d.date, d.warm_up])).toEqual([["ESH4", DATE, false]]);
    const direct = await run(mbo, "mbo", "l3_fifo");
    expect(bt.executions.map(({ date: _, ...e }) => e)).toEqual(direct.executions);
  }, 120_000);

  it("buy mirrors sell: a buy on the mirrored book is the sell on the original", async () => {
    await ready;
    const a = await run(mbo, "mbo", "l3_fifo", "none");
    const m = await run(mirrored, "mbo", "l3_fifo", "none");
    const key = (e: Record<string, unknown>) => String(e.order_id).replace(/^(buy|sell)/, "");
    for (const e of a.executions) {
      const twin = m.executions.find((x) => key(x) === key(e) && x.side !== e.side)!;
      expect(twin.executed_qty).toBe(e.executed_qty);
      expect(twin.passive_share).toBe(e.passive_share);
      expect(twin.child_count).toBe(e.child_count);
      // the same cost in dollars per contract (bps are of mirrored prices)
      const usd = (x: Record<string, unknown>) => (Number(x.is_bps) * Number(x.arrival_mid)) / 1e4;
      expect(usd(twin)).toBeCloseTo(usd(e), 9);
    }
    expect(m.fills.filter((f) => f.maker).length).toBe(a.fills.filter((f) => f.maker).length);
  }, 120_000);
});

describe.runIf(HAVE)("the real ESH4 MBO on the ES calendar: one trading day everywhere", () => {
  // the file opens with a snapshot stamped 00:00 UTC 2023-12-25 (19:00 New York on Christmas Eve: trading day
  // 2023-12-25, a holiday) and trades from 23:00 UTC (18:00 New York on the 25th): trading day 2023-12-26, which
  // its last record dates it by
  const raw = path.join(dir, "es-cal.mbo.parquet");
  const derived = path.join(dir, "es-cal.mbp10.parquet");
  const ready = (async () => {
    await importDbn({ input: ESH4, out: raw, mbp10Out: derived } as never);
  })();
  const ES = instrumentPreset("ES").calendar;

  it("msor backtest groups it, and calibrate dates its MBO and its derived MBP-10, as 2023-12-26", async () => {
    await ready;
    const days = await groupInputs([raw], undefined, () => ES);
    expect(days.map((d) => [d.symbol, d.date, d.format])).toEqual([["ESH4", DATE, "mbo"]]);
    expect((await groupInputs([derived], undefined, () => ES)).map((d) => d.date)).toEqual([DATE]);
    const fromMbo = await calibrateDay([await fileSource(raw)], { format: "mbo", calendar: ES });
    const fromMbp10 = await calibrateDay([await fileSource(derived)], { calendar: ES });
    for (const r of [fromMbo, fromMbp10]) {
      expect(r.date).toBe(DATE);
      expect(r.tradeCount).toBeGreaterThan(100); // its session's trades, not an empty holiday
    }
  }, 120_000);

  it("msor queue-check --instrument ES writes its rows under date=2023-12-26 and refuses the holiday as --date", async () => {
    await ready;
    const out = path.join(dir, "qc");
    const args = ["queue-check", raw, "--orders", "40", "--instrument", "ES", "--out", out];
    const r = await runMain(args);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`date=${DATE}/ESH4.parquet`);
    const holiday = await runMain([...args, "--date", "2023-12-25"]);
    expect(holiday.code).toBe(2);
    expect(holiday.err).toMatch(
      /--date 2023-12-25 is no trading day of cme-globex-equity \(NYSE holiday Christmas Day/,
    );
  }, 120_000);
});
