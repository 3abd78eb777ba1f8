/**
 * The venue scorecard of a task (the venue_stats table, docs/models.md 8): per strategy x venue, over the task's
 * parents with status ok, the limit orders posted and how they filled (fill rate, the wait from submission to
 * the first fill, the size-weighted 10-s and 60-s markouts of the passive fills), the shares taken there, and the
 * fees paid and rebates earned: what a user needs to judge the router's venue choice.
 */
import { MARKOUT_HORIZONS_S } from "../metrics/parentMetrics.ts";
import type { CellValue } from "../results/schema.ts";
import type { ParentExecution } from "./execution.ts";

type Row = Record<string, CellValue>;

interface Acc {
  parents: Set<ParentExecution>;
  limitOrders: number;
  limitShares: number;
  limitFilled: number;
  takerShares: number;
  waitSumS: number;
  waitN: number;
  mk10: number;
  mk10W: number;
  mk60: number;
  mk60W: number;
  feesUsd: number;
  rebatesUsd: number;
}

const K10 = MARKOUT_HORIZONS_S.indexOf(10);
const K60 = MARKOUT_HORIZONS_S.indexOf(60);

/**
 * Rows of the venue scorecard. `markoutBps(e, i, k)` is fill i's markout at horizon index k (NaN when NULL);
 * `ok(e)` tells a parent with status ok (no_data parents are left out).
 */
export function venueStatsRows(
  symbol: string,
  executions: readonly ParentExecution[],
  venues: readonly string[],
  ok: (e: ParentExecution) => boolean,
  markoutBps: (e: ParentExecution, i: number, k: number) => number,
  /** The instrument's multiplier: fees and rebates in currency = price units x multiplier. */
  multiplier = 1,
): Row[] {
  const accs = new Map<string, { strategy: string; venue: string; acc: Acc }>();
  const accOf = (strategy: string, v: number): Acc => {
    const venue = venues[v] ?? `venue ${v}`;
    const key = `${strategy}\u0000${venue}`;
    let a = accs.get(key);
    if (!a) {
      a = {
        strategy,
        venue,
        acc: {
          parents: new Set(),
          limitOrders: 0,
          limitShares: 0,
          limitFilled: 0,
          takerShares: 0,
          waitSumS: 0,
          waitN: 0,
          mk10: 0,
          mk10W: 0,
          mk60: 0,
          mk60W: 0,
          feesUsd: 0,
          rebatesUsd: 0,
        },
      };
      accs.set(key, a);
    }
    return a.acc;
  };
  for (const e of executions) {
    if (!ok(e)) continue;
    const strategy = e.strategy.label;
    for (const lo of e.limitOrders) {
      const a = accOf(strategy, lo.venue);
      a.parents.add(e);
      a.limitOrders++;
      a.limitShares += lo.qty;
      if (lo.firstFillNs !== undefined) {
        a.waitSumS += Number(lo.firstFillNs - lo.sentNs) / 1e9;
        a.waitN++;
      }
    }
    e.fills.forEach((f, i) => {
      const a = accOf(strategy, f.venue);
      a.parents.add(e);
      if (f.maker) {
        a.limitFilled += f.qty;
        a.rebatesUsd += -f.feeUsd;
        const m10 = markoutBps(e, i, K10);
        const m60 = markoutBps(e, i, K60);
        if (Number.isFinite(m10)) {
          a.mk10 += f.qty * m10;
          a.mk10W += f.qty;
        }
        if (Number.isFinite(m60)) {
          a.mk60 += f.qty * m60;
          a.mk60W += f.qty;
        }
      } else {
        a.takerShares += f.qty;
        a.feesUsd += f.feeUsd;
      }
    });
  }
  const nan = Number.NaN;
  return [...accs.values()]
    .sort((x, y) => (x.strategy < y.strategy ? -1 : x.strategy > y.strategy ? 1 : x.venue < y.venue ? -1 : 1))
    .map(({ strategy, venue, acc: a }) => ({
      symbol,
      strategy,
      venue,
      parents: a.parents.size,
      limit_orders: a.limitOrders,
      limit_shares: a.limitShares,
      limit_filled_shares: a.limitFilled,
      limit_orders_filled: a.waitN,
      limit_fill_rate: a.limitShares > 0 ? a.limitFilled / a.limitShares : nan,
      taker_shares: a.takerShares,
      passive_share:
        a.limitFilled + a.takerShares > 0 ? a.limitFilled / (a.limitFilled + a.takerShares) : nan,
      mean_queue_wait_s: a.waitN > 0 ? a.waitSumS / a.waitN : nan,
      passive_markout_10s_bps: a.mk10W > 0 ? a.mk10 / a.mk10W : nan,
      passive_markout_60s_bps: a.mk60W > 0 ? a.mk60 / a.mk60W : nan,
      fees_usd: a.feesUsd * multiplier,
      rebates_usd: a.rebatesUsd * multiplier,
    }));
}
