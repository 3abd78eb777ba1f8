/**
 * Per-parent metrics of docs/models.md section 8 with the arrival rule, the opportunity cost of unfilled shares
 * (Perold) and edge-of-data reversion. s = +1 buy, -1 sell; positive = worse for us; prices dollars,
 * quantities shares, costs basis points (1e-4).
 *
 *   IS_bps          = s (p - m0) / m0 x 1e4                     over the E executed shares, p including the
 *                     own-impact overlay (docs/models.md 6.6): a fill's effective price is price + s impact_usd
 *   impact_cost_bps = sum(q impact_usd) / (E m0) x 1e4          the overlay's part of IS_bps
 *   fee_bps, rebate_bps                                          of the executed notional E m0
 *   opportunity_bps = s (m_end - m0) / m0 x 1e4 x U / S          U = S - E unfilled, m_end = mid at the cancel
 *   total_cost_bps  = (E / S)(IS_bps + fee_bps - rebate_bps) + opportunity_bps     per PARENT share
 *   reversion_bps   = s (mid(T + 5 min) - mid(T)) / m0 x 1e4,  NaN (NULL) when the data ends before T + 5 min
 *
 * total_cost_bps is per parent share so that a strategy cannot look cheap by not trading; is_bps stays over
 * executed shares. A `no_data` parent (no two-sided book in its window) has NaN costs and is excluded from
 * every statistic.
 */
import { ModelError } from "../core/errors.ts";
import type { ArrivalMid, ArrivalSource } from "./arrival.ts";
import { type ExecutionMetrics, type MetricsFill, orderMetrics } from "./orderMetrics.ts";

/** Post-trade reversion is measured this long after the end of the window, ns (5 min). */
export const REVERSION_DELAY_NS = 300_000_000_000n;

export interface ParentMetricsInput {
  readonly side: 1 | -1;
  /** Parent order size S, shares (> 0). */
  readonly parentQty: number;
  /** m0 and its source (`arrivalMid` / `ArrivalMidTracker`). */
  readonly arrival: ArrivalMid;
  /** Fills at their replay price; `impactUsd` = the overlay per share (side-adjusted $, >= 0; absent = 0). */
  readonly fills: readonly (MetricsFill & { readonly impactUsd?: number })[];
  /** Market VWAP over [t0, t0 + T] ($); NaN when the market did not trade. */
  readonly marketVwapUsd: number;
  /**
   * m_end: the mid when the unfilled rest was cancelled ($, including the owner's impact, docs/models.md 6.6).
   * Only used when U = S - E > 0.
   */
  readonly cancelMidUsd: number;
  /** Mid at the end of the window t0 + T ($). */
  readonly midAtEndUsd: number;
  /** Mid at t0 + T + 5 min ($); ignored when the data ends before then. */
  readonly midAfterUsd: number;
  /** End of the window t0 + T, ns since the epoch. */
  readonly endNs: bigint;
  /** Timestamp of the last record of the data (the replay's end), ns since the epoch. */
  readonly lastRecordNs: bigint;
  /** Child orders that sent a positive quantity (catch-up orders not counted). */
  readonly childCount: number;
  /** Highest participation over the decision intervals, a fraction. */
  readonly maxParticipation: number;
}

export interface ParentMetrics
  extends Omit<ExecutionMetrics, "totalCostBps" | "reversionBps" | "isBps" | "feeBps" | "rebateBps"> {
  /** "no_data": no two-sided book in the window; every cost is NaN and the parent is left out of statistics. */
  readonly status: "ok" | "no_data";
  /** Where m0 came from; null for no_data. */
  readonly arrivalSource: ArrivalSource | null;
  /** m0 ($); NaN for no_data. */
  readonly arrivalMidUsd: number;
  /** U = max(S - E, 0), shares. */
  readonly unfilledQty: number;
  /** s (p - m0) / m0 x 1e4 over executed shares; NaN when nothing executed. */
  readonly isBps: number;
  /** Own-impact overlay paid / (E m0) x 1e4, part of isBps; NaN when nothing executed. */
  readonly impactCostBps: number;
  /** Fees paid / (E m0) x 1e4; NaN when nothing executed. */
  readonly feeBps: number;
  /** Rebates received / (E m0) x 1e4; NaN when nothing executed. */
  readonly rebateBps: number;
  /** IS_bps + fee_bps - rebate_bps, per EXECUTED share; NaN when nothing executed. */
  readonly executionCostBps: number;
  /** s (m_end - m0) / m0 x 1e4 x U / S (0 when everything executed). */
  readonly opportunityBps: number;
  /** (E / S) execution_cost_bps + opportunity_bps, per PARENT share. */
  readonly totalCostBps: number;
  /** NaN (written as NULL) when the data ends before T + 5 min, never 0. */
  readonly reversionBps: number;
}

/**
 * s (mid(T + 5 min) - mid(T)) / m0 x 1e4 (bps), or NaN when the last record is before T + 5 min (the mid
 * after the data ends is unknown, not unchanged).
 */
export function reversionBps(
  side: 1 | -1,
  m0: number,
  midAtEndUsd: number,
  midAfterUsd: number,
  endNs: bigint,
  lastRecordNs: bigint,
): number {
  if (lastRecordNs < endNs + REVERSION_DELAY_NS) return Number.NaN;
  return (side * (midAfterUsd - midAtEndUsd) * 1e4) / m0;
}

/** Metrics of one parent order x strategy x parameter set (see the module doc). */
export function parentMetrics(input: ParentMetricsInput): ParentMetrics {
  const s = input.parentQty;
  if (!(s > 0) || !Number.isFinite(s))
    throw new ModelError(`parent order size must be > 0 shares, got ${input.parentQty}`);
  const a = input.arrival;
  const m0 = a.status === "ok" ? a.midUsd : Number.NaN;
  let impactUsd = 0;
  const fills = input.fills.map((f) => {
    const add = f.impactUsd ?? 0;
    impactUsd += add * f.qty;
    // the overlay is paid on top of the replay price: a buy pays more, a sell receives less
    return add === 0 ? f : { ...f, priceUsd: f.priceUsd + input.side * add };
  });
  const m = orderMetrics({
    side: input.side,
    parentQty: s,
    arrivalMidUsd: m0,
    fills,
    marketVwapUsd: input.marketVwapUsd,
    midAtEndUsd: input.midAtEndUsd,
    midAfterUsd: input.midAfterUsd,
    childCount: input.childCount,
    maxParticipation: input.maxParticipation,
  });
  const { totalCostBps: executionCostBps, reversionBps: _unused, ...rest } = m;
  const e = m.executedQty;
  const unfilled = Math.max(s - e, 0);
  const opportunityBps =
    unfilled === 0 ? 0 : ((input.side * (input.cancelMidUsd - m0) * 1e4) / m0) * (unfilled / s);
  const executed = e === 0 ? 0 : (e / s) * executionCostBps;
  return {
    ...rest,
    status: a.status,
    arrivalSource: a.source,
    arrivalMidUsd: m0,
    unfilledQty: unfilled,
    impactCostBps: e === 0 ? Number.NaN : (impactUsd * 1e4) / (e * m0),
    executionCostBps,
    opportunityBps: a.status === "ok" ? opportunityBps : Number.NaN,
    totalCostBps: a.status === "ok" ? executed + opportunityBps : Number.NaN,
    reversionBps: reversionBps(
      input.side,
      m0,
      input.midAtEndUsd,
      input.midAfterUsd,
      input.endNs,
      input.lastRecordNs,
    ),
  };
}
