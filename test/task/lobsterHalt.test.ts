/**
 * A LOBSTER trading halt end to end (issue 15): a hand-made message/orderbook pair with a type-7 halt in the
 * middle of a parent's window, imported with the LOBSTER importer (the halt becomes a clear record, the
 * records until the trading resume carry an empty book) and run through runTask. With
 * `risk.suspend_on_halt` no decision and no fill falls in the halt; `halted_s` is the halt's length with
 * and without it.
 */

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NO_PRIOR } from "../../lib/calibration/params.ts";
import { newYorkClockToUtcNs } from "../../lib/core/session.ts";
import { importLobster, lobsterBatches, newLobsterStats } from "../../lib/importers/lobster/import.ts";
import { Action, Flag } from "../../lib/mbp10/schema.ts";
import { fileSource } from "../../lib/ports/fileSource.ts";
import { parseTaskSpec } from "../../lib/specs/taskSpec.ts";
import { runTask, type TaskResult } from "../../lib/task/runTask.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();
const DATE = "2024-03-04"; // EST (UTC-5)
const OPEN_S = 34_200; // 09:30:00 after New York midnight
const HALT_S = 36_090; // 10:01:30 trading halt (type 7, price -1)
const QUOTING_S = 36_300; // 10:05:00 quoting resumes (price 0)
const RESUME_S = 36_330; // 10:05:30 trading resumes (price 1); a message at the same second follows it
const END_S = 37_800; // 10:30:00
const HALT_LEN_S = RESUME_S - HALT_S; // 240
const BID = 1_000_000; // 100.00 $ x 1e4
const ASK = 1_000_200; // 100.02 $ x 1e4

/**
 * A 1-level book bid 100.00 x 5000 / ask 100.02 x 5000; every second an add of 100 at the bid, the next
 * second its delete (so the book never leaves two-sided), with the three type-7 messages in between. Order-
 * book row i = book after message i (a type-7 row repeats the previous book, as LOBSTER writes it).
 */
function writePair(): { messagePath: string; orderbookPath: string } {
  const msgs: string[] = [];
  const books: string[] = [];
  let bidSz = 0;
  let askSz = 0;
  const push = (t: number, type: number, id: number, size: number, price: number, dir: number) => {
    msgs.push(`${t},${type},${id},${size},${price},${dir}`);
    const ask = askSz > 0 ? `${ASK},${askSz}` : "9999999999,0";
    const bid = bidSz > 0 ? `${BID},${bidSz}` : "-9999999999,0";
    books.push(`${ask},${bid}`);
  };
  bidSz = 5000;
  push(OPEN_S, 1, 1, 5000, BID, 1);
  askSz = 5000;
  push(OPEN_S, 1, 2, 5000, ASK, -1);
  for (let t = OPEN_S + 1; t < END_S; t++) {
    if (t === HALT_S) push(t, 7, 0, 0, -1, -1);
    if (t === QUOTING_S) push(t, 7, 0, 0, 0, -1);
    if (t === RESUME_S) push(t, 7, 0, 0, 1, -1);
    const add = t % 2 === 1;
    bidSz += add ? 100 : -100;
    push(t, add ? 1 : 3, add ? t : t - 1, 100, BID, 1);
  }
  const messagePath = join(dir, `HALT_${DATE}_34200000_57600000_message_1.csv`);
  const orderbookPath = join(dir, `HALT_${DATE}_34200000_57600000_orderbook_1.csv`);
  writeFileSync(messagePath, `${msgs.join("\n")}\n`);
  writeFileSync(orderbookPath, `${books.join("\n")}\n`);
  return { messagePath, orderbookPath };
}

const pair = writePair();
const nyNs = (s: number) => newYorkClockToUtcNs(DATE, "00:00") + BigInt(s) * 1_000_000_000n;
const inHalt = (ns: unknown) => BigInt(ns as bigint) >= nyNs(HALT_S) && BigInt(ns as bigint) < nyNs(RESUME_S);

async function run(name: string, risk: Record<string, unknown> | undefined): Promise<TaskResult> {
  const file = join(dir, `${name}.parquet`);
  await importLobster({ ...pair, date: DATE, symbol: "HALT", out: file });
  return runTask({
    symbol: "HALT",
    date: DATE,
    sources: [await fileSource(file)],
    spec: parseTaskSpec({
      // decisions every 60 s from 10:00 to 10:09: 10:02, 10:03, 10:04 and 10:05 fall in the halt
      orders: [{ side: "buy", shares: 1000, start_times: ["10:00"], horizon_min: 10 }],
      strategies: [{ strategy: "twap", exec: "market" }],
      sim: { impact: "none" },
      ...(risk ? { risk } : {}),
    }),
    prior: NO_PRIOR,
  });
}

describe("a LOBSTER trading halt through the importer and runTask", () => {
  it("imports the halt as a clear with an empty book; records until the trading resume carry an empty book", async () => {
    const stats = newLobsterStats();
    const rows: { ts: bigint; action: number; last: boolean; bid: number; ask: number }[] = [];
    for await (const b of lobsterBatches({ ...pair, date: DATE, symbol: "HALT" }, stats))
      for (let r = 0; r < b.length; r++)
        rows.push({
          ts: b.tsRecv[r]!,
          action: b.action[r]!,
          last: (b.flags[r]! & Flag.LAST) !== 0,
          bid: b.bidPx[0]![r]!,
          ask: b.askPx[0]![r]!,
        });
    const messages = 2 + (END_S - OPEN_S - 1) + 3;
    // one clear for the halt, no record for the two resumes; the 239 messages from 10:01:31 to 10:05:29
    // (the one at 10:01:30 is after the halt too) are written with an empty book
    expect(stats).toMatchObject({ rows: messages, halts: 1, resumes: 2, haltedRows: HALT_LEN_S });
    expect(stats.records).toBe(messages - 2);
    const clear = rows.findIndex((r) => r.action === Action.Clear);
    expect(rows[clear]).toMatchObject({ ts: nyNs(HALT_S), last: true });
    expect(Number.isNaN(rows[clear]!.bid) && Number.isNaN(rows[clear]!.ask)).toBe(true);
    const during = rows.filter((r) => inHalt(r.ts));
    expect(during).toHaveLength(1 + HALT_LEN_S);
    for (const r of during) expect(Number.isNaN(r.bid) && Number.isNaN(r.ask)).toBe(true);
    const back = rows.find((r) => r.ts === nyNs(RESUME_S))!;
    expect([back.bid, back.ask, back.last]).toEqual([100, 100.02, true]);
    for (const r of rows.filter((r) => !inHalt(r.ts) && r.ts > nyNs(OPEN_S)))
      expect([r.bid, r.ask]).toEqual([100, 100.02]);
  });

  it("with suspend_on_halt: no decision and no fill in the halt, halted_s = the halt's length", async () => {
    const r = await run("suspend", { suspend_on_halt: true });
    const [e] = r.executions;
    expect(e).toMatchObject({ status: "ok", halt_skips: 4, fill_rate: 1, executed_qty: 1000 });
    expect(e!.halted_s).toBeCloseTo(HALT_LEN_S, 9);
    // k = 2..5 fall in the halt: their 4 x 100 shares carry to k = 6 (10:06)
    expect(r.childOrders.map((c) => [c.child_index, c.qty])).toEqual([
      [0, 100],
      [1, 100],
      [6, 500],
      [7, 100],
      [8, 100],
      [9, 100],
    ]);
    for (const c of r.childOrders) expect(inHalt(c.ts_ns), `child ${c.child_index}`).toBe(false);
    expect(r.fills.length).toBeGreaterThan(0);
    for (const f of r.fills) expect(inHalt(f.ts_ns)).toBe(false);
  });

  it("without suspend_on_halt the halt is measured: halted_s = the halt's length; the empty book sends nothing", async () => {
    const r = await run("measure", undefined);
    const [e] = r.executions;
    expect(e).toMatchObject({ status: "ok", halt_skips: 0 });
    expect(e!.halted_s).toBeCloseTo(HALT_LEN_S, 9);
    // the halt empties the book: the four decisions inside it see no two-sided book and send nothing
    // (docs/models.md 8); their shares carry to the first decision after it
    expect(r.childOrders.map((c) => c.child_index)).toEqual([0, 1, 6, 7, 8, 9]);
    expect(r.childOrders.filter((c) => inHalt(c.ts_ns))).toHaveLength(0);
    const qty = (k: number) => Number(r.childOrders.find((c) => c.child_index === k)!.qty);
    expect(qty(6)).toBeGreaterThan(qty(1));
    // the book is empty while halted: nothing fills there either
    for (const f of r.fills) expect(inHalt(f.ts_ns)).toBe(false);
  });
});
