/**
 * Edge-of-data rules of MODELS.md 8 (issue 9, bugs 3 and 4 and no_data): the arrival mid of a parent starting
 * at the first record, reversion when the data ends before T + 5 min, and a parent whose window has no book.
 */

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NO_PRIOR } from "../../lib/calibration/params.ts";
import { newYorkClockToUtcNs } from "../../lib/core/session.ts";
import { writeMbp10File } from "../../lib/mbp10/writer.ts";
import { fileSource } from "../../lib/ports/fileSource.ts";
import { parseTaskSpec } from "../../lib/specs/taskSpec.ts";
import { runTask, type TaskResult } from "../../lib/task/runTask.ts";
import { fullBatch, type Row } from "../helpers/fullBatch.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();
const DATE = "2024-03-04";
const MID = (100 + 100.02) / 2;
const at = (clock: string, plusMs = 0) => newYorkClockToUtcNs(DATE, clock) + BigInt(plusMs) * 1_000_000n;

/** A flat two-sided book (bid 100.00 x 5000, ask 100.02 x 5000) quoted every second over [from, to). */
function quotes(from: bigint, to: bigint): Row[] {
  const rows: Row[] = [];
  for (let t = from; t < to; t += 1_000_000_000n)
    rows.push({ t, bids: [[100, 5000]], asks: [[100.02, 5000]] });
  return rows;
}

async function run(
  name: string,
  rows: Row[],
  orders: unknown[],
  strategies: unknown[] = [{ strategy: "immediate", exec: "market" }],
): Promise<TaskResult> {
  const p = join(dir, `${name}.parquet`);
  await writeMbp10File(p, [fullBatch(rows)]);
  return runTask({
    symbol: "TEST",
    date: DATE,
    sources: [await fileSource(p)],
    // the pure replay (sim.impact none): these rules are about the replayed book; the overlay has its own tests
    spec: parseTaskSpec({
      orders,
      strategies,
      sim: { impact: "none" },
    }),
    prior: NO_PRIOR,
  });
}

describe("edges of the data (MODELS.md 8)", () => {
  it("a parent at the first record of the session takes the first two-sided book after t0 (bug 3); reversion is NULL when the data ends before T + 5 min (bug 4)", async () => {
    // the data starts 500 ms after the open and ends at 09:52
    const r = await run("open", quotes(at("09:30", 500), at("09:52")), [
      { side: "buy", shares: 100, start_times: ["09:30"], horizon_min: 5 },
      { side: "sell", shares: 100, start_times: ["09:40"], horizon_min: 10 },
    ]);
    const [first, late] = r.executions;
    expect(first).toMatchObject({ status: "ok", arrival_source: "first_after", arrival_mid: MID });
    expect(first!.fill_rate).toBe(1);
    // bought 100 at the ask 100.02 against the mid 100.01, plus the taker fee 0.003 $/share
    expect(Number(first!.is_bps)).toBeCloseTo(((100.02 - MID) / MID) * 1e4, 9);
    expect(Number(first!.total_cost_bps)).toBeCloseTo(((100.02 - MID + 0.003) / MID) * 1e4, 9);
    expect(first!.opportunity_bps).toBe(0);
    // T + 5 min = 09:40 is inside the data: the flat book did not move
    expect(first!.reversion_bps).toBe(0);
    expect(late).toMatchObject({ status: "ok", arrival_source: "at_or_before", arrival_mid: MID });
    // T + 5 min = 09:55 is after the last record (09:52): unknown, not 0
    expect(Number.isNaN(Number(late!.reversion_bps ?? Number.NaN))).toBe(true);
    expect(r.taskQuality[0]).toMatchObject({ no_data_parents: 0, book_levels: 10 });
  });

  it("a parent whose window has no two-sided book is status no_data with NULL costs, counted in task_quality", async () => {
    // the file starts at 12:22: the 10:00 parent never sees a book
    const r = await run("late", quotes(at("12:22"), at("12:40")), [
      { side: "buy", shares: 100, start_times: ["10:00", "12:25"], horizon_min: 5 },
    ]);
    const [early, ok] = r.executions;
    expect(early).toMatchObject({ status: "no_data", arrival_source: null, fill_rate: 0 });
    for (const k of ["arrival_mid", "is_bps", "total_cost_bps", "opportunity_bps"])
      expect(Number.isNaN(Number(early![k] ?? Number.NaN)), k).toBe(true);
    expect(ok).toMatchObject({ status: "ok", arrival_source: "at_or_before", fill_rate: 1 });
    // the longest stretch of the session without data: from the last record (12:39:59) to the close (16:00);
    // the other one, from the open to 12:22, is 2 h 52 min
    expect(r.taskQuality[0]).toMatchObject({ no_data_parents: 1, max_gap_s: (3 * 60 + 20) * 60 + 1 });
  });

  it("a no_data parent sends nothing: no child order of any strategy", async () => {
    const r = await run(
      "late-twap",
      quotes(at("12:22"), at("12:40")),
      [{ side: "buy", shares: 10_000, start_times: ["10:00"], horizon_min: 30 }],
      [
        { strategy: "twap", exec: "market" },
        { strategy: "ow", exec: "sor" },
      ],
    );
    expect(r.executions.map((e) => e.status)).toEqual(["no_data", "no_data"]);
    expect(r.childOrders).toHaveLength(0);
    expect(r.fills).toHaveLength(0);
  });

  it("a window with no record at all is no_data, not costed against the stale book before it: data ended, or a gap covers it", async () => {
    // the data: 10:00-11:00, a hole 11:00-13:00, then 13:00-13:30 (a partial day)
    const rows = [...quotes(at("10:00"), at("11:00")), ...quotes(at("13:00"), at("13:30"))];
    const r = await run(
      "stale",
      rows,
      [{ side: "buy", shares: 100, start_times: ["10:30", "11:30", "12:50", "14:00"], horizon_min: 20 }],
      [{ strategy: "twap", exec: "market" }],
    );
    const byStart = new Map(r.executions.map((e) => [String(e.order_id), e]));
    // 10:30: inside the data; 12:50: the book is back at 13:00, inside its window (it waits for it)
    expect(byStart.get("buy-100-10:30")).toMatchObject({ status: "ok", fill_rate: 1 });
    expect(byStart.get("buy-100-12:50")).toMatchObject({ status: "ok", fill_rate: 1 });
    // 11:30-11:50 in the hole and 14:00-14:20 after the data ended: the book standing at t0 is hours old
    for (const id of ["buy-100-11:30", "buy-100-14:00"]) {
      const e = byStart.get(id)!;
      expect(e, id).toMatchObject({ status: "no_data", arrival_source: null, fill_rate: 0 });
      for (const k of ["arrival_mid", "total_cost_bps", "opportunity_bps"])
        expect(Number.isNaN(Number(e[k] ?? Number.NaN)), `${id} ${k}`).toBe(true);
    }
    expect(r.taskQuality[0]).toMatchObject({ no_data_parents: 2 });
  });

  it("a window that starts before the data starts its schedule at the first two-sided book with what is left of T", async () => {
    // data from 10:00; the parent runs 09:55-10:05: twap's five remaining minutes, not ten children queued at once
    const r = await run(
      "before",
      quotes(at("10:00"), at("10:20")),
      [{ side: "buy", shares: 1000, start_times: ["09:55"], horizon_min: 10 }],
      [{ strategy: "twap", exec: "market" }],
    );
    const e = r.executions[0]!;
    expect(e).toMatchObject({ status: "ok", arrival_source: "first_after", fill_rate: 1 });
    const kids = r.childOrders.map((c) => [BigInt(c.ts_ns as bigint), Number(c.qty)] as const);
    expect(kids.map(([t]) => t)).toEqual(
      [0, 1, 2, 3, 4].map((k) => at("10:00") + BigInt(k) * 60_000_000_000n),
    );
    expect(kids.map(([, q]) => q)).toEqual([200, 200, 200, 200, 200]);
  });

  it("no decision is sent while the book is one-sided: its shares carry to the next decision", async () => {
    // asks vanish from 10:01:30 to 10:03:30: the 10:02 and 10:03 decisions see a one-sided book
    const rows = quotes(at("09:59"), at("10:20")).map((r) =>
      r.t >= at("10:01", 30_000) && r.t < at("10:03", 30_000) ? { ...r, asks: [] } : r,
    );
    const r = await run(
      "onesided",
      rows,
      [{ side: "buy", shares: 1000, start_times: ["10:00"], horizon_min: 5 }],
      [{ strategy: "twap", exec: "market" }],
    );
    const kids = r.childOrders.map((c) => [BigInt(c.ts_ns as bigint), Number(c.qty)] as const);
    const minute = (k: number) => at("10:00") + BigInt(k) * 60_000_000_000n;
    expect(kids.map(([t]) => t)).toEqual([minute(0), minute(1), minute(4)]);
    expect(kids.reduce((a, [, q]) => a + q, 0)).toBe(1000);
    expect(r.executions[0]).toMatchObject({ fill_rate: 1 });
  });

  it("markouts of a market fill at the touch on a flat book are + the half-spread at every horizon; NULL past the data's end", async () => {
    // data 09:59-10:10; a buy at 10:00 fills at the ask 100.02 against the mid 100.01
    const r = await run("markouts", quotes(at("09:59"), at("10:10")), [
      { side: "buy", shares: 100, start_times: ["10:00"], horizon_min: 5 },
    ]);
    const f = r.fills[0]!;
    const half = ((100.02 - MID) / MID) * 1e4;
    expect(Number(f.markout_1s_bps)).toBeCloseTo(half, 9);
    expect(Number(f.markout_10s_bps)).toBeCloseTo(half, 9);
    expect(Number(f.markout_60s_bps)).toBeCloseTo(half, 9);
    expect(Number(f.markout_300s_bps)).toBeCloseTo(half, 9);
    expect(f.best_price).toBe(100.02);
    expect(Number(f.mid)).toBeCloseTo(MID, 12);
    // benchmarks on a flat book: the interval TWAP of the mid and the close are the mid; no trade, no PWP
    const e = r.executions[0]!;
    expect(Number(e.twap_mid)).toBeCloseTo(MID, 9);
    expect(Number(e.close_mid)).toBeCloseTo(MID, 12);
    expect(Number(e.twap_slippage_bps)).toBeCloseTo(Number(e.is_bps), 9);
    expect(Number(e.close_slippage_bps)).toBeCloseTo(Number(e.is_bps), 9);
    expect(Number.isNaN(Number(e.pwp_price ?? Number.NaN))).toBe(true);
    // a fill at 10:09:30 has no 60-s or 300-s mid in data ending at 10:10
    const late = await run("markouts-late", quotes(at("09:59"), at("10:10")), [
      { side: "sell", shares: 100, start_times: ["10:09"], horizon_min: 1 },
    ]);
    const g = late.fills[0]!;
    expect(Number(g.markout_10s_bps)).toBeCloseTo(half, 9); // a sell at the bid 100.00: s (p - m) = +0.01
    expect(g.markout_300s_bps).toBeNull();
  });

  it("a book one-sided from before T to the cancel still prices the unfilled rest: the last two-sided book seen", async () => {
    // asks vanish at 10:02:30 for good: the 10:03 and 10:04 decisions send nothing, 400 of 1000 shares stay unfilled
    const rows = quotes(at("09:59"), at("10:20")).map((r) =>
      r.t >= at("10:02", 30_000) ? { ...r, asks: [] } : r,
    );
    const r = await run(
      "onesided-end",
      rows,
      [{ side: "buy", shares: 1000, start_times: ["10:00"], horizon_min: 5 }],
      [{ strategy: "twap", exec: "market" }],
    );
    const e = r.executions[0]!;
    expect(e.status).toBe("ok");
    expect(Number(e.unfilled_qty)).toBe(400);
    // the last two-sided book (mid 100.01, half-spread 0.01) and the taker fee 0.003: (400 / 1000) (h + f) / m0
    expect(Number(e.opportunity_bps)).toBeCloseTo((0.4 * (0.01 + 0.003) * 1e4) / MID, 9);
    expect(Number.isFinite(Number(e.total_cost_bps))).toBe(true);
  });
});
