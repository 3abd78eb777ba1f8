/**
 * Saved SQL for transaction cost analysis (docs/models.md 8 and 8.1), the same text in Athena and DuckDB (see
 * queries.ts for the dialect rules: one `?` = the run_id, status = 'ok' parents only, calibration sources apart).
 * Costs in bps of the arrival notional per PARENT share, positive = cost.
 */
import type { SavedQuery } from "./savedQuery.ts";

/** The decomposition columns of executions; their sum is total_cost_bps. */
const TC = ["spread", "walk", "impact", "timing", "fees", "opportunity"] as const;

export const TCA_DECOMPOSITION: SavedQuery = {
  name: "tca_decomposition",
  description:
    "Where each basis point went, per strategy: the mean of each tc_* component (spread, walk, own impact, timing, fees, opportunity; they sum to total_cost_bps) and each component's paired difference to twap/market on the same parent orders (negative = the strategy pays less of it than TWAP)",
  sql: `WITH e AS (
  SELECT symbol, "date", order_id, strategy, calibration_source, total_cost_bps,
    ${TC.map((c) => `tc_${c}_bps`).join(", ")}
  FROM executions
  WHERE run_id = ? AND status = 'ok'
),
b AS (
  SELECT symbol, "date", order_id, ${TC.map((c) => `tc_${c}_bps AS twap_${c}`).join(", ")}
  FROM e WHERE strategy = 'twap/market'
)
SELECT
  e.strategy,
  e.calibration_source,
  count(*) AS orders,
  avg(e.total_cost_bps) AS total_cost_bps,
  ${TC.map((c) => `avg(e.tc_${c}_bps) AS ${c}_bps`).join(",\n  ")},
  ${TC.map((c) => `avg(e.tc_${c}_bps - b.twap_${c}) AS ${c}_vs_twap_bps`).join(",\n  ")}
FROM e
LEFT JOIN b ON e.symbol = b.symbol AND e."date" = b."date" AND e.order_id = b.order_id
GROUP BY e.strategy, e.calibration_source
ORDER BY e.calibration_source DESC, e.strategy`,
};

export const TCA_IDENTITY_CHECK: SavedQuery = {
  name: "tca_identity_check",
  description:
    "Parents whose decomposition does not sum to total_cost_bps within 1e-9 bps: returns no row when the identity holds",
  sql: `SELECT symbol, "date", order_id, strategy, total_cost_bps,
  ${TC.map((c) => `tc_${c}_bps`).join(" + ")} AS components_bps
FROM executions
WHERE run_id = ? AND status = 'ok'
  AND abs(${TC.map((c) => `tc_${c}_bps`).join(" + ")} - total_cost_bps) > 1e-9
ORDER BY symbol, "date", order_id, strategy`,
};

export const MARKOUT_CURVE: SavedQuery = {
  name: "markout_curve",
  description:
    "Size-weighted markouts per strategy, passive and aggressive fills apart, at 1 s, 10 s, 60 s and 300 s after the fill: the price paid against the impacted mid h later, bps of the arrival mid (positive = adverse); fills whose horizon is past the data's end are left out of that horizon",
  sql: `SELECT
  strategy,
  CASE WHEN maker THEN 'passive' ELSE 'aggressive' END AS kind,
  count(*) AS fills,
  sum(qty) AS shares,
  sum(qty * markout_1s_bps) / sum(CASE WHEN markout_1s_bps IS NULL THEN 0 ELSE qty END) AS markout_1s_bps,
  sum(qty * markout_10s_bps) / sum(CASE WHEN markout_10s_bps IS NULL THEN 0 ELSE qty END) AS markout_10s_bps,
  sum(qty * markout_60s_bps) / sum(CASE WHEN markout_60s_bps IS NULL THEN 0 ELSE qty END) AS markout_60s_bps,
  sum(qty * markout_300s_bps) / sum(CASE WHEN markout_300s_bps IS NULL THEN 0 ELSE qty END) AS markout_300s_bps
FROM fills
WHERE run_id = ?
GROUP BY strategy, CASE WHEN maker THEN 'passive' ELSE 'aggressive' END
ORDER BY strategy, kind`,
};

export const VENUE_SCORECARD: SavedQuery = {
  name: "venue_scorecard",
  description:
    "Per strategy and venue over the run: limit orders and shares posted, limit fill rate, passive share, mean queue wait to the first fill, size-weighted 10-s and 60-s markouts of the passive fills (positive = adverse), fees paid and rebates earned",
  sql: `SELECT
  strategy,
  venue,
  sum(limit_orders) AS limit_orders,
  sum(limit_shares) AS limit_shares,
  sum(limit_filled_shares) AS limit_filled_shares,
  sum(taker_shares) AS taker_shares,
  CAST(sum(limit_filled_shares) AS DOUBLE) / nullif(sum(limit_shares), 0) AS limit_fill_rate,
  CAST(sum(limit_filled_shares) AS DOUBLE) / nullif(sum(limit_filled_shares) + sum(taker_shares), 0) AS passive_share,
  sum(mean_queue_wait_s * limit_orders_filled) / nullif(sum(limit_orders_filled), 0) AS mean_queue_wait_s,
  sum(passive_markout_10s_bps * limit_filled_shares) / nullif(sum(CASE WHEN passive_markout_10s_bps IS NULL THEN 0 ELSE limit_filled_shares END), 0) AS passive_markout_10s_bps,
  sum(passive_markout_60s_bps * limit_filled_shares) / nullif(sum(CASE WHEN passive_markout_60s_bps IS NULL THEN 0 ELSE limit_filled_shares END), 0) AS passive_markout_60s_bps,
  sum(fees_usd) AS fees_usd,
  sum(rebates_usd) AS rebates_usd
FROM venue_stats
WHERE run_id = ?
GROUP BY strategy, venue
ORDER BY strategy, venue`,
};

export const TCA_QUERIES: readonly SavedQuery[] = [
  TCA_DECOMPOSITION,
  TCA_IDENTITY_CHECK,
  MARKOUT_CURVE,
  VENUE_SCORECARD,
];
