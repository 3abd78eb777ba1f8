/**
 * Per-order execution metrics (docs/models.md section 8). s = +1 buy, -1 sell; every cost is written so that
 * positive = worse for us. Prices dollars, quantities shares, costs basis points (1e-4).
 * Here totalCostBps is per EXECUTED share and there is no arrival rule or opportunity cost: `parentMetrics`
 * (parentMetrics.ts) is the docs/models.md 8 contract, built on this function, and replaces it in the task.
 */

export interface MetricsFill {
  readonly priceUsd: number;
  /** Shares, > 0. */
  readonly qty: number;
  /** Total fee of the fill in dollars: + paid, - rebate received (as in sim Fill.feeUsd). */
  readonly feeUsd: number;
  /** Passive (resting limit order) fill. */
  readonly maker: boolean;
  /** Fill of a catch-up market order sent at a router horizon (docs/models.md 6.4). */
  readonly catchUp: boolean;
}

export interface OrderMetricsInput {
  readonly side: 1 | -1;
  /** Parent order size, shares. */
  readonly parentQty: number;
  /** National mid at t0, m0 ($). */
  readonly arrivalMidUsd: number;
  readonly fills: readonly MetricsFill[];
  /** Market VWAP over [t0, t0 + T] ($); NaN when the market did not trade. */
  readonly marketVwapUsd: number;
  /** Mid at the end of the horizon, t0 + T ($). */
  readonly midAtEndUsd: number;
  /** Mid at t0 + T + 5 min ($). */
  readonly midAfterUsd: number;
  /** Number of child orders: decisions that sent a positive quantity (catch-up orders are not counted). */
  readonly childCount: number;
  /** Highest participation (our executed / market volume) over the decision intervals, a fraction. */
  readonly maxParticipation: number;
}

export interface ExecutionMetrics {
  /** Executed shares. */
  readonly executedQty: number;
  /** Average execution price p = sum(price x qty) / executed ($); NaN when nothing executed. */
  readonly avgPriceUsd: number;
  /** Implementation shortfall vs the arrival mid: s (p - m0) / m0 x 1e4. */
  readonly isBps: number;
  /** Fees paid, positive: sum(max(fee, 0)) / (executed x m0) x 1e4. */
  readonly feeBps: number;
  /** Rebates received, positive: sum(max(-fee, 0)) / (executed x m0) x 1e4. */
  readonly rebateBps: number;
  /** isBps + feeBps - rebateBps. */
  readonly totalCostBps: number;
  /** s (p - VWAP) / VWAP x 1e4. */
  readonly vwapSlippageBps: number;
  /** executed / parentQty. */
  readonly fillRate: number;
  /** Maker-fill shares / executed. */
  readonly passiveShare: number;
  /** Catch-up shares / executed. */
  readonly catchUpShare: number;
  readonly childCount: number;
  readonly maxParticipation: number;
  /**
   * s (mid(T + 5 min) - mid(T)) / m0 x 1e4. Positive: the price kept moving in our trading direction after
   * the end (information / permanent impact); negative: it reverted (temporary impact decaying).
   */
  readonly reversionBps: number;
}

/**
 * Metrics of one parent order x strategy x parameter set. Fees and rebates are expressed as a share of the
 * executed notional valued at the arrival mid (executed x m0), so that they add to IS_bps on the same base.
 * With nothing executed, price-based metrics are NaN and fill_rate, shares are 0.
 */
export function orderMetrics(input: OrderMetricsInput): ExecutionMetrics {
  const s = input.side;
  const m0 = input.arrivalMidUsd;
  let qty = 0;
  let notional = 0;
  let fees = 0;
  let rebates = 0;
  let passive = 0;
  let catchUp = 0;
  for (const f of input.fills) {
    qty += f.qty;
    notional += f.priceUsd * f.qty;
    if (f.feeUsd > 0) fees += f.feeUsd;
    else rebates -= f.feeUsd;
    if (f.maker) passive += f.qty;
    if (f.catchUp) catchUp += f.qty;
  }
  const p = qty > 0 ? notional / qty : Number.NaN;
  const base = qty * m0;
  const isBps = qty > 0 ? (s * (p - m0) * 1e4) / m0 : Number.NaN;
  const feeBps = qty > 0 ? (fees / base) * 1e4 : Number.NaN;
  const rebateBps = qty > 0 ? (rebates / base) * 1e4 : Number.NaN;
  return {
    executedQty: qty,
    avgPriceUsd: p,
    isBps,
    feeBps,
    rebateBps,
    totalCostBps: isBps + feeBps - rebateBps,
    vwapSlippageBps: (s * (p - input.marketVwapUsd) * 1e4) / input.marketVwapUsd,
    fillRate: input.parentQty > 0 ? qty / input.parentQty : 0,
    passiveShare: qty > 0 ? passive / qty : 0,
    catchUpShare: qty > 0 ? catchUp / qty : 0,
    childCount: input.childCount,
    maxParticipation: input.maxParticipation,
    reversionBps: (s * (input.midAfterUsd - input.midAtEndUsd) * 1e4) / m0,
  };
}
