/**
 * l3_fifo (docs/models.md 6.7): our resting order in the real FIFO queue of hand-built MBO records, replayed as
 * the simulator replays an MBO input (MboReplayStream: the derived MBP-10 with the MBO records behind each row).
 * Our sell of 2 joins the asks at 100.00 third in queue, behind orders 11 (5) and 12 (3). Then the simulator's
 * l3_fifo against the queue check's exact FIFO fill times (the one rule, two callers), order by order.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { newYorkClockToUtcNs } from "../../lib/core/session.ts";
import { MboReplayStream } from "../../lib/importers/mbo/replayStream.ts";
import { mboSource } from "../../lib/importers/mbo/source.ts";
import type { MboBatch } from "../../lib/mbo/schema.ts";
import { ExecutionSim } from "../../lib/sim/executionSim.ts";
import { flatFees } from "../../lib/sim/fees.ts";
import { l3FifoQueue } from "../../lib/sim/l3Queue.ts";
import { queueCheck } from "../../lib/sim/queueCheck.ts";
import { QUEUE_MODELS } from "../../lib/sim/registry.ts";
import type { Fill } from "../../lib/sim/types.ts";
import { generateMbo } from "../../lib/synth/mbo.ts";
import { haveSharedData, SHARED_DATA } from "../helpers/sharedData.ts";
import { type MboRow, mboBatch } from "../mbo/helpers.ts";

/** The book before we arrive at t = 3000: bid 99.99 x 10, asks 100.00: 11 (5), 12 (3). */
const OPEN: MboRow[] = [
  { t: 1000, a: "A", s: "B", px: 99.99, sz: 10, id: 1 },
  { t: 1000, a: "A", s: "A", px: 100, sz: 5, id: 11 },
  { t: 2000, a: "A", s: "A", px: 100, sz: 3, id: 12 },
];
/** Joins behind us. */
const BEHIND: MboRow = { t: 4000, a: "A", s: "A", px: 100, sz: 4, id: 13 };

/** A buy aggressor (id 99) trading `fills` against resting asks at 100.00 at time t. */
function trade(t: number, fills: readonly [id: number, size: number, left: number][]): MboRow[] {
  const total = fills.reduce((a, f) => a + f[1], 0);
  const rows: MboRow[] = [{ t, a: "T", s: "B", px: 100, sz: total, id: 99, f: 0 }];
  for (const [id, size] of fills) rows.push({ t, a: "F", s: "A", px: 100, sz: size, id, f: 0 });
  fills.forEach(([id, size, left], j) => {
    const last = j === fills.length - 1 ? 0x80 : 0;
    rows.push(
      left > 0
        ? { t, a: "M", s: "A", px: 100, sz: left, id, f: last }
        : { t, a: "C", s: "A", px: 100, sz: size, id, f: last },
    );
  });
  return rows;
}

interface Run {
  fills: Fill[];
  /** queue_ahead of our order after each record (ts -> ahead). */
  ahead: Map<number, number>;
}

/** Replay `rows` with our sell of 2 at 100.00 arriving at t = 3000, through the registry's l3_fifo entry. */
async function run(rows: readonly MboRow[], queue = "l3_fifo"): Promise<Run> {
  const b = mboBatch(rows);
  const stream = MboReplayStream.fromBatches(
    async function* () {
      yield b;
    },
    b.length,
    { symbol: "X", capacity: 4 }, // several derived batches: the feed follows batch boundaries
  );
  const fills: Fill[] = [];
  const sim = new ExecutionSim({
    maxVenues: 2,
    levels: 10,
    latencyNs: 1n,
    queueModel: QUEUE_MODELS.get(queue).make({ mbo: stream }),
    fees: flatFees(0, 0),
    onFill: (f) => fills.push(f),
  });
  const id = sim.submitLimit(1, 0, -1, 100, 2, 2999n);
  const ahead = new Map<number, number>();
  for await (const batch of stream.batches()) {
    for (let i = 0; i < batch.length; i++) {
      sim.onRecord(batch, i);
      ahead.set(Number(batch.tsRecv[i]!), sim.queueAhead(id));
    }
    sim.books.settle();
  }
  return { fills, ahead };
}

describe("l3_fifo: our order third in the real FIFO queue", () => {
  it("fills exactly when the two ahead are filled and the trade reaches it", async () => {
    const { fills, ahead } = await run([
      ...OPEN,
      { t: 3000, a: "A", s: "B", px: 99.98, sz: 1, id: 2 }, // we arrive here
      BEHIND,
      ...trade(5000, [
        [11, 5, 0],
        [12, 3, 0],
      ]), // the two ahead, exactly: nothing reaches us
      ...trade(6000, [[13, 1, 3]]), // 1 share filled behind us: it was ours
    ]);
    expect(ahead.get(4000)).toBe(8);
    expect(ahead.get(5000)).toBe(0);
    expect(fills.map((f) => [Number(f.tsNs), f.qty, f.priceUsd, f.maker])).toEqual([[6000, 1, 100, true]]);
  });

  it("cancels BEHIND us do not advance us; cancels ahead do; a trade reaching past us fills the rest", async () => {
    const { fills, ahead } = await run([
      ...OPEN,
      { t: 3000, a: "A", s: "B", px: 99.98, sz: 1, id: 2 },
      BEHIND,
      { t: 4500, a: "C", s: "A", px: 100, sz: 4, id: 13 }, // behind: no advance
      { t: 4600, a: "A", s: "A", px: 100, sz: 6, id: 14 }, // behind us too
      ...trade(5000, [[11, 5, 0]]), // the first ahead is filled
      { t: 5500, a: "C", s: "A", px: 100, sz: 3, id: 12 }, // the second ahead cancels
      ...trade(6000, [[14, 3, 3]]), // reaches 3 behind us: our 2 fill
    ]);
    expect(ahead.get(4500)).toBe(8);
    expect(ahead.get(4600)).toBe(8);
    expect(ahead.get(5000)).toBe(3);
    expect(ahead.get(5500)).toBe(0);
    expect(fills.map((f) => [Number(f.tsNs), f.qty])).toEqual([[6000, 2]]);
  });

  it("a modify that raises an order ahead of us sends it behind us", async () => {
    const { fills, ahead } = await run([
      ...OPEN,
      { t: 3000, a: "A", s: "B", px: 99.98, sz: 1, id: 2 },
      { t: 4000, a: "M", s: "A", px: 100, sz: 7, id: 11 }, // 11 loses its place: now behind us
      ...trade(5000, [
        [12, 3, 0],
        [11, 1, 6],
      ]),
    ]);
    expect(ahead.get(4000)).toBe(3);
    expect(fills.map((f) => [Number(f.tsNs), f.qty])).toEqual([[5000, 1]]);
  });

  it("an L2 model on the same derived books guesses differently (risk_averse: cancels never advance us)", async () => {
    const rows = [
      ...OPEN,
      { t: 3000, a: "A", s: "B", px: 99.98, sz: 1, id: 2 },
      BEHIND,
      { t: 4500, a: "C", s: "A", px: 100, sz: 5, id: 11 }, // ahead of us
      ...trade(6000, [
        [12, 3, 0],
        [13, 1, 3],
      ]),
    ];
    const l3 = await run(rows);
    expect(l3.ahead.get(4500)).toBe(3);
    expect(l3.fills.map((f) => f.qty)).toEqual([1]);
    // risk_averse keeps 7 ahead (8 capped at the 7 displayed): the 4-lot trade does not reach it
    const l2 = await run(rows, "risk_averse");
    expect(l2.ahead.get(4500)).toBe(7);
    expect(l2.fills).toEqual([]);
  });

  it("needs the MBO feed: the registry refuses l3_fifo without one", () => {
    expect(() => QUEUE_MODELS.get("l3_fifo").make({})).toThrow(/needs MBO input.*msor import dbn/);
    expect(() => l3FifoQueue({ events: undefined }).onRecord?.({ length: 1 } as never, 0)).toThrow(
      /MBO input only/,
    );
  });
});

/**
 * The queue check's hypothetical 1-lot orders replayed by the simulator with l3_fifo, each its own owner,
 * arriving 1 ns after the book it was placed at: the first fill time of each within tau (null = none).
 */
async function simFillTimes(open: () => AsyncIterable<MboBatch>, tauS: number, seed: number) {
  const r = await queueCheck(open, { orders: 300, tauS, seed, keepOrders: true });
  const stream = MboReplayStream.fromBatches(open, 0);
  const first = new Map<number, bigint>();
  const sim = new ExecutionSim({
    maxVenues: 2,
    levels: 10,
    latencyNs: 1n,
    queueModel: l3FifoQueue(stream),
    fees: flatFees(0, 0),
    onFill: (f) => {
      if (!first.has(f.owner)) first.set(f.owner, f.tsNs);
    },
  });
  const orders = r.orders!;
  orders.forEach((o, k) => {
    sim.submitLimit(k, 0, o.side === 0 ? 1 : -1, o.pk / 1e6, 1, o.placedNs);
  });
  for await (const b of stream.batches()) {
    for (let i = 0; i < b.length; i++) sim.onRecord(b, i);
    sim.books.settle();
  }
  const tauNs = BigInt(Math.round(tauS * 1e9));
  return orders.map((o, k) => {
    const t = first.get(k);
    return { exact: o.exactNs, sim: t !== undefined && t <= o.placedNs + tauNs ? t : null };
  });
}

const ESH4 = path.join(
  SHARED_DATA,
  "databento",
  "GLBX.MDP3",
  "esh4-glbx-mdp3-20231225-to-2330utc.mbo.dbn.zst",
);

describe("the simulator's l3_fifo fills when the queue check's exact FIFO queue says", () => {
  it("on synthetic MBO with front-biased cancels and modifies (every order, to the nanosecond)", async () => {
    const open = () =>
      (async function* () {
        yield* generateMbo({
          seed: 4,
          events: 30_000,
          cancelLaw: "front",
          modifyRate: 0.3,
          symbol: "X",
          startNs: newYorkClockToUtcNs("2024-03-04", "09:30"),
        });
      })();
    const t = await simFillTimes(open, 30, 2);
    expect(t.filter((x) => x.exact !== null).length).toBeGreaterThan(50);
    expect(t.map((x) => x.sim)).toEqual(t.map((x) => x.exact));
  }, 60_000);

  it.runIf(haveSharedData(ESH4, "l3_fifo against the queue check on the real ESH4 MBO"))(
    "on the real ESH4 MBO (every order, to the nanosecond)",
    async () => {
      const src = await mboSource(ESH4);
      const t = await simFillTimes(() => src.open(), 60, 3);
      expect(t.filter((x) => x.exact !== null).length).toBeGreaterThan(150);
      expect(t.map((x) => x.sim)).toEqual(t.map((x) => x.exact));
    },
    60_000,
  );
});
