/**
 * Per-parent metrics of docs/models.md section 8 with the arrival rule, the opportunity cost of the unfilled rest
 * and the decomposition of 8.1. s = +1 buy, -1 sell; positive = worse for us; prices in price units,
 * quantities shares, costs basis points (1e-4). Fill i: q_i at replay price p_i with overlay o_i per share,
 * data best b_i (on the side it takes) and mid m_i of the book it executed against; K = 1e4 / (S m0).
 *
 *   IS_bps          = s (p_eff - m0) / m0 x 1e4 over the N executed shares, p_eff = sum q (p + s o) / N
 *   fee_bps         = sum fee_i / (N m0) x 1e4: taker fees minus maker rebates (rebate_bps: the rebates alone)
 *   opportunity_bps = K [U s (m~_end - m0) + U (h_end + f_end) + max(W_end(U), C_own(U; Y_end))]: completing
 *                     the unfilled rest U = S - N in one market block at T_last (impacted mid, half-spread,
 *                     taker fee, the larger of its walk on the data book and the overlay's own jump)
 *   total_cost_bps  = (N / S)(IS_bps + fee_bps) + opportunity_bps                    per PARENT share
 *   decomposition   tc_spread = K sum_mkt q s (b - m) + K sum_lim q s (p - m); tc_walk = K sum_mkt q s (p - b)
 *                   (= walk_cost_bps); tc_impact = K sum q o (= impact_cost_bps); tc_timing = K sum q s (m - m0);
 *                   tc_fees = K sum fee; tc_opportunity = opportunity_bps; their sum is total_cost_bps
 *   reversion_bps   = s (m~(T_last) - m~(T_last + 5 min)) / m0 x 1e4: positive when the price comes back after
 *                     our trading; NaN (NULL) when the data ends before T_last + 5 min
 *   participation   = N / (V_mkt + our aggressive fills) over [t0, T_last] (<= 1)
 *
 * total_cost_bps is per parent share so that a strategy cannot look cheap by not trading; is_bps stays over
 * executed shares. A `no_data` parent (no two-sided book in its window) has NaN costs and is excluded from
 * every statistic.
 */
import { ModelError } from "../core/errors.ts";
import type { ArrivalMid, ArrivalSource } from "./arrival.ts";
import { type ExecutionMetrics, type MetricsFill, orderMetrics } from "./orderMetrics.ts";

/** Markout horizons after each fill, seconds (docs/models.md 8; the fills table's markout_{h}s_bps columns). */
export const MARKOUT_HORIZONS_S = [1, 10, 60, 300] as const;

/** Post-trade reversion is measured this long after the end of the window, ns (5 min). */
export const REVERSION_DELAY_NS = 300_000_000_000n;

export interface ParentMetricsInput {
  readonly side: 1 | -1;
  /** Parent order size S, shares (> 0). */
  readonly parentQty: number;
  /** m0 and its source (`arrivalMid` / `ArrivalMidTracker`). */
  readonly arrival: ArrivalMid;
  /**
   * Fills at their replay price; `impactUsd` = the overlay per share (side-adjusted, absent = 0); `bestUsd` and
   * `midUsd` = the data's best on the side the fill takes and mid of the book it executed against (absent: NaN,
   * and the decomposition of that fill is unknown).
   */
  readonly fills: readonly (MetricsFill & {
    readonly impactUsd?: number;
    readonly bestUsd?: number;
    readonly midUsd?: number;
  })[];
  /** Market VWAP over [t0, t0 + T] ($); NaN when the market did not trade. */
  readonly marketVwapUsd: number;
  /**
   * m~_end: the mid when the unfilled rest was cancelled (including the owner's impact, docs/models.md 6.6).
   * Only used when U = S - N > 0.
   */
  readonly cancelMidUsd: number;
  /**
   * At the cancel, what one market block completing U would pay (price units): the half-spread, the taker fee
   * per share at the best, the walk W_end(U) beyond the best (total) and the overlay's own jump C_own(U; Y_end)
   * (total). Absent = 0 (only the mid move counts).
   */
  readonly completion?:
    | {
        readonly halfSpreadUsd: number;
        readonly takerFeeUsd: number;
        readonly walkUsd: number;
        readonly ownJumpUsd: number;
      }
    | undefined;
  /** Impacted mid at T_last = the later of t0 + T and the last fill. */
  readonly midAtEndUsd: number;
  /** Impacted mid at T_last + 5 min; ignored when the data ends before then. */
  readonly midAfterUsd: number;
  /** T_last, ns since the epoch. */
  readonly endNs: bigint;
  /** Market volume over [t0, T_last] (shares; NaN when unknown) and our aggressive fills' shares. */
  readonly marketVolume?: number;
  readonly aggressiveQty?: number;
  /** Timestamp of the last record of the data (the replay's end), ns since the epoch. */
  readonly lastRecordNs: bigint;
  /** Child orders that sent a positive quantity (catch-up orders not counted). */
  readonly childCount: number;
  /** Highest participation over the decision intervals, a fraction. */
  readonly maxParticipation: number;
}

export interface ParentMetrics
  extends Omit<ExecutionMetrics, "totalCostBps" | "reversionBps" | "isBps" | "feeBps" | "rebateBps"> {
  /** Replay walk beyond the data's best of the market fills, per PARENT share (bps of S m0). */
  readonly walkCostBps: number;
  /** Decomposition of total_cost_bps (docs/models.md 8.1), each per PARENT share; they sum to totalCostBps. */
  readonly tcSpreadBps: number;
  readonly tcWalkBps: number;
  readonly tcImpactBps: number;
  readonly tcTimingBps: number;
  readonly tcFeesBps: number;
  readonly tcOpportunityBps: number;
  /** N / (V_mkt + our aggressive fills) over [t0, T_last]; NaN when nothing traded. */
  readonly participation: number;
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
  /** Own-impact overlay paid per PARENT share (bps of S m0); 0 when nothing executed. */
  readonly impactCostBps: number;
  /** Taker fees minus maker rebates / (N m0) x 1e4; NaN when nothing executed. */
  readonly feeBps: number;
  /** Rebates received / (N m0) x 1e4 (already netted in fee_bps); NaN when nothing executed. */
  readonly rebateBps: number;
  /** IS_bps + fee_bps, per EXECUTED share; NaN when nothing executed. */
  readonly executionCostBps: number;
  /** The cost of completing the unfilled rest at the cancel, per parent share (0 when everything executed). */
  readonly opportunityBps: number;
  /** (E / S) execution_cost_bps + opportunity_bps, per PARENT share. */
  readonly totalCostBps: number;
  /** NaN (written as NULL) when the data ends before T + 5 min, never 0. */
  readonly reversionBps: number;
}

/**
 * s (m~(T_last) - m~(T_last + 5 min)) / m0 x 1e4 (bps): positive when the price comes back after our trading;
 * NaN when the last record is before T_last + 5 min (the mid after the data ends is unknown, not unchanged).
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
  return (side * (midAtEndUsd - midAfterUsd) * 1e4) / m0;
}

/** Metrics of one parent order x strategy x parameter set (see the module doc). */
export function parentMetrics(input: ParentMetricsInput): ParentMetrics {
  const S = input.parentQty;
  if (!(S > 0) || !Number.isFinite(S))
    throw new ModelError(`parent order size must be > 0 shares, got ${input.parentQty}`);
  const a = input.arrival;
  const side = input.side;
  const m0 = a.status === "ok" ? a.midUsd : Number.NaN;
  let impactUsd = 0;
  let spreadUsd = 0;
  let walkUsd = 0;
  let timingUsd = 0;
  let feesUsd = 0;
  const fills = input.fills.map((f) => {
    const o = f.impactUsd ?? 0;
    const b = f.bestUsd ?? Number.NaN;
    const m = f.midUsd ?? Number.NaN;
    impactUsd += o * f.qty;
    feesUsd += f.feeUsd;
    timingUsd += f.qty * side * (m - m0);
    if (f.maker) spreadUsd += f.qty * side * (f.priceUsd - m);
    else {
      spreadUsd += f.qty * side * (b - m);
      walkUsd += f.qty * side * (f.priceUsd - b);
    }
    // the overlay is paid on top of the replay price: a buy pays more, a sell receives less
    return o === 0 ? f : { ...f, priceUsd: f.priceUsd + side * o };
  });
  const m = orderMetrics({
    side,
    parentQty: S,
    arrivalMidUsd: m0,
    fills,
    marketVwapUsd: input.marketVwapUsd,
    midAtEndUsd: input.midAtEndUsd,
    midAfterUsd: input.midAfterUsd,
    childCount: input.childCount,
    maxParticipation: input.maxParticipation,
  });
  const { totalCostBps: _gross, reversionBps: _unused, feeBps: _paid, ...rest } = m;
  const n = m.executedQty;
  const unfilled = Math.max(S - n, 0);
  const K = 1e4 / (S * m0);
  const c = input.completion;
  const opportunityBps =
    unfilled === 0
      ? 0
      : K *
        (unfilled * side * (input.cancelMidUsd - m0) +
          unfilled * ((c?.halfSpreadUsd ?? 0) + (c?.takerFeeUsd ?? 0)) +
          Math.max(c?.walkUsd ?? 0, c?.ownJumpUsd ?? 0));
  const feeBps = n > 0 ? (feesUsd * 1e4) / (n * m0) : Number.NaN;
  const executionCostBps = m.isBps + feeBps;
  const executed = n === 0 ? 0 : (n / S) * executionCostBps;
  const ok = a.status === "ok";
  const nan = Number.NaN;
  const volume = input.marketVolume ?? nan;
  const participationDenom = volume + (input.aggressiveQty ?? 0);
  return {
    ...rest,
    status: a.status,
    arrivalSource: a.source,
    arrivalMidUsd: m0,
    unfilledQty: unfilled,
    feeBps,
    impactCostBps: ok ? K * impactUsd : nan,
    walkCostBps: ok ? K * walkUsd : nan,
    executionCostBps,
    opportunityBps: ok ? opportunityBps : nan,
    totalCostBps: ok ? executed + opportunityBps : nan,
    tcSpreadBps: ok ? K * spreadUsd : nan,
    tcWalkBps: ok ? K * walkUsd : nan,
    tcImpactBps: ok ? K * impactUsd : nan,
    tcTimingBps: ok ? K * timingUsd : nan,
    tcFeesBps: ok ? K * feesUsd : nan,
    tcOpportunityBps: ok ? opportunityBps : nan,
    participation: participationDenom > 0 ? n / participationDenom : nan,
    reversionBps: reversionBps(
      side,
      m0,
      input.midAtEndUsd,
      input.midAfterUsd,
      input.endNs,
      input.lastRecordNs,
    ),
  };
}
