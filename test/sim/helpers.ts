/**
 * Test helpers: build an Mbp10Batch from readable rows and drive an ExecutionSim over it.
 * Row time `t` is in milliseconds (ns = round(t * 1e6)). Books not given on a row are carried over from the
 * venue's previous row (what an MBP-10 record does for a change elsewhere in the book).
 */
import { allocFullBatch, Flag, type Mbp10Batch } from "../../lib/mbp10/schema.ts";
import { ExecutionSim } from "../../lib/sim/executionSim.ts";
import { flatFees } from "../../lib/sim/fees.ts";
import { riskAverse } from "../../lib/sim/queueModels.ts";
import type { Fill, QueueModel } from "../../lib/sim/types.ts";

export const LAST = Flag.LAST;
export type Level = readonly [number, number];

export interface Row {
  t: number;
  v?: number;
  action?: "A" | "C" | "M" | "R" | "T" | "F" | "N";
  side?: "A" | "B" | "N";
  depth?: number;
  price?: number;
  size?: number;
  /** default LAST */
  flags?: number;
  bids?: readonly Level[];
  asks?: readonly Level[];
}

export const ms = (t: number): bigint => BigInt(Math.round(t * 1e6));

export function batch(rows: readonly Row[], levels = 3): Mbp10Batch {
  const b = allocFullBatch(rows.length, levels, "TEST");
  const lastBids = new Map<number, readonly Level[]>();
  const lastAsks = new Map<number, readonly Level[]>();
  rows.forEach((r, i) => {
    const v = r.v ?? 0;
    const bids = r.bids ?? lastBids.get(v) ?? [];
    const asks = r.asks ?? lastAsks.get(v) ?? [];
    lastBids.set(v, bids);
    lastAsks.set(v, asks);
    b.tsRecv[i] = ms(r.t);
    b.venue[i] = v;
    b.action[i] = (r.action ?? "N").charCodeAt(0);
    b.side[i] = (r.side ?? "N").charCodeAt(0);
    b.depth[i] = r.depth ?? 0;
    b.price[i] = r.price ?? Number.NaN;
    b.size[i] = r.size ?? 0;
    b.flags[i] = r.flags ?? LAST;
    for (let l = 0; l < levels; l++) {
      b.bidPx[l]![i] = bids[l]?.[0] ?? Number.NaN;
      b.bidSz[l]![i] = bids[l]?.[1] ?? 0;
      b.askPx[l]![i] = asks[l]?.[0] ?? Number.NaN;
      b.askSz[l]![i] = asks[l]?.[1] ?? 0;
    }
  });
  return b;
}

export interface Harness {
  sim: ExecutionSim;
  fills: Fill[];
  /** Feed records [from, to) of `b`. */
  feed(b: Mbp10Batch, from?: number, to?: number): void;
}

export const TAKER = 0.003;
export const REBATE = 0.002;

export function harness(
  opts: { queueModel?: QueueModel; maxVenues?: number; levels?: number; latencyNs?: bigint } = {},
): Harness {
  const fills: Fill[] = [];
  const sim = new ExecutionSim({
    maxVenues: opts.maxVenues ?? 2,
    levels: opts.levels ?? 3,
    latencyNs: opts.latencyNs ?? 1_000_000n,
    queueModel: opts.queueModel ?? riskAverse(),
    fees: flatFees(TAKER, REBATE),
    onFill: (f) => fills.push(f),
  });
  return {
    sim,
    fills,
    feed(b, from = 0, to = b.length) {
      for (let i = from; i < to; i++) sim.onRecord(b, i);
    },
  };
}

/** Fills reduced to [orderId, venue, price, qty, maker] for exact comparisons. */
export const brief = (fills: readonly Fill[]) =>
  fills.map((f) => [f.orderId, f.venue, f.priceUsd, f.qty, f.maker]);
