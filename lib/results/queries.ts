/**
 * Saved SQL over the result tables: the same text is an Athena saved query (infra/constructs/query.ts) and
 * runs unchanged in DuckDB over views with the table names (`duckdbViewStatements`). So it keeps to the
 * subset both engines share (Trino / DuckDB): CTEs, joins, avg, stddev_samp, count, sqrt, replace, ||,
 * CASE, double-quoted "date". Shares use CAST(1 AS DOUBLE), not 1.0: a decimal literal would make Trino's avg a
 * decimal of scale 1.
 *
 * Each query has exactly ONE parameter, `?` = the run_id: Athena partition projection declares run_id as
 * `injected`, so every query must pin it with an equality (Athena execution parameters; DuckDB prepared
 * parameters). Costs are in bps of the arrival mid, positive = cost (docs/models.md section 8). Confidence
 * intervals here are normal-approximation (mean +- 1.96 s / sqrt(n)); the run summary uses Student t.
 * Every query keeps only parents with status = 'ok' (a `no_data` parent has no costs) and groups by
 * calibration_source, so days on default parameters are never pooled with calibrated days.
 */
import { TIE_BPS } from "../metrics/index.ts";
import { CALIBRATION_TABLE } from "./calibrationSchema.ts";
import type { SavedQuery } from "./savedQuery.ts";
import type { TableSchema } from "./schema.ts";
import { RESULT_TABLES } from "./tables.ts";
import { TCA_QUERIES } from "./tcaQueries.ts";

export type { SavedQuery };

/** 95% normal-approximation half-width of the mean of `x`. */
const ci = (x: string) => `1.96 * stddev_samp(${x}) / sqrt(count(${x}))`;

const SAME_ORDER = (a: string, b: string) =>
  `${a}.symbol = ${b}.symbol AND ${a}."date" = ${b}."date" AND ${a}.order_id = ${b}.order_id`;

/**
 * Paired-difference columns, as `msor backtest` / `msor sweep` print them: mean of d = candidate - baseline
 * (negative = the candidate is cheaper: the router or the alpha saves), its CI, and the win rate (share of
 * orders where the candidate is cheaper by more than floating-point noise, `isWin` in lib/metrics).
 */
const pairedGain = (baseline: string, candidate: string, label: string) => `
  avg(${candidate} - ${baseline}) AS ${label},
  avg(${candidate} - ${baseline}) - ${ci(`${candidate} - ${baseline}`)} AS ${label}_ci_low,
  avg(${candidate} - ${baseline}) + ${ci(`${candidate} - ${baseline}`)} AS ${label}_ci_high,
  avg(CASE WHEN ${candidate} < ${baseline} - ${TIE_BPS} THEN CAST(1 AS DOUBLE) WHEN ${candidate} >= ${baseline} - ${TIE_BPS} THEN CAST(0 AS DOUBLE) END) AS win_rate`;

export const STRATEGY_COMPARISON: SavedQuery = {
  name: "strategy_comparison",
  description:
    "Per strategy: mean cost and the paired difference to twap/market on the same parent orders (negative = cheaper than twap), 95% CI (normal approximation: narrower than the Student t intervals of msor sweep and the report for a few orders), win rate",
  sql: `WITH e AS (
  SELECT symbol, "date", order_id, strategy, calibration_source, fill_rate, is_bps, total_cost_bps, passive_share
  FROM executions
  WHERE run_id = ? AND status = 'ok'
),
b AS (
  SELECT symbol, "date", order_id, total_cost_bps AS twap_bps FROM e WHERE strategy = 'twap/market'
)
SELECT
  e.strategy,
  e.calibration_source,
  count(*) AS orders,
  avg(e.fill_rate) AS fill_rate,
  avg(e.is_bps) AS is_bps,
  avg(e.total_cost_bps) AS total_cost_bps,
  stddev_samp(e.total_cost_bps) AS stdev_bps,
  avg(e.total_cost_bps - b.twap_bps) AS vs_twap_bps,
  avg(e.total_cost_bps - b.twap_bps) - ${ci("e.total_cost_bps - b.twap_bps")} AS vs_twap_ci_low,
  avg(e.total_cost_bps - b.twap_bps) + ${ci("e.total_cost_bps - b.twap_bps")} AS vs_twap_ci_high,
  avg(CASE WHEN e.total_cost_bps < b.twap_bps - ${TIE_BPS} THEN CAST(1 AS DOUBLE) WHEN e.total_cost_bps >= b.twap_bps - ${TIE_BPS} THEN CAST(0 AS DOUBLE) END) AS win_rate,
  avg(e.passive_share) AS passive_share
FROM e
LEFT JOIN b ON ${SAME_ORDER("e", "b")}
GROUP BY e.strategy, e.calibration_source
ORDER BY e.calibration_source DESC, e.strategy`,
};

export const ROUTING_GAIN: SavedQuery = {
  name: "routing_difference",
  description:
    "Routing: each sor strategy (e.g. ow/sor, myopic/sor/alpha=none) against the same schedule sent as market orders, paired on the same parent orders: sor_minus_market_bps = sor - market (negative = the router saves), 95% CI (normal approximation)",
  sql: `WITH e AS (
  SELECT symbol, "date", order_id, strategy, strategy_name, exec, calibration_source, total_cost_bps
  FROM executions
  WHERE run_id = ? AND status = 'ok'
)
SELECT
  s.strategy AS sor_strategy,
  m.strategy AS market_strategy,
  s.calibration_source,
  count(*) AS orders,
  avg(m.total_cost_bps) AS market_cost_bps,
  avg(s.total_cost_bps) AS sor_cost_bps,${pairedGain("m.total_cost_bps", "s.total_cost_bps", "sor_minus_market_bps")}
FROM e s
JOIN e m ON ${SAME_ORDER("s", "m")} AND m.strategy = replace(s.strategy, '/sor', '/market')
WHERE s.exec = 'sor' AND m.exec = 'market'
GROUP BY s.strategy, m.strategy, s.calibration_source
ORDER BY s.calibration_source DESC, s.strategy`,
};

export const ALPHA_GAIN: SavedQuery = {
  name: "alpha_difference",
  description:
    "Alpha: myopic with an alpha model against myopic without alpha (same execution), paired on the same parent orders: alpha_minus_none_bps = alpha - none (negative = the alpha saves; look_ahead = oracle upper bound), 95% CI (normal approximation)",
  sql: `WITH e AS (
  SELECT symbol, "date", order_id, strategy, strategy_name, alpha_model, look_ahead, calibration_source, total_cost_bps
  FROM executions
  WHERE run_id = ? AND strategy_name = 'myopic' AND status = 'ok'
)
SELECT
  a.strategy AS alpha_strategy,
  n.strategy AS no_alpha_strategy,
  a.calibration_source,
  a.look_ahead,
  count(*) AS orders,
  avg(n.total_cost_bps) AS no_alpha_cost_bps,
  avg(a.total_cost_bps) AS alpha_cost_bps,${pairedGain("n.total_cost_bps", "a.total_cost_bps", "alpha_minus_none_bps")}
FROM e a
JOIN e n ON ${SAME_ORDER("a", "n")} AND n.strategy = replace(a.strategy, 'alpha=' || a.alpha_model, 'alpha=none')
WHERE a.alpha_model <> 'none' AND n.alpha_model = 'none'
GROUP BY a.strategy, n.strategy, a.look_ahead, a.calibration_source
ORDER BY a.calibration_source DESC, a.strategy`,
};

export const COST_BY_ORDER_SIZE: SavedQuery = {
  name: "cost_by_order_size",
  description: "Mean cost per strategy and parent-order size bucket (shares), with the max participation",
  sql: `WITH e AS (
  SELECT
    strategy,
    calibration_source,
    parent_qty,
    CASE
      WHEN parent_qty < 1000 THEN 1
      WHEN parent_qty < 10000 THEN 2
      WHEN parent_qty < 100000 THEN 3
      ELSE 4
    END AS size_bucket,
    total_cost_bps,
    fill_rate,
    max_participation
  FROM executions
  WHERE run_id = ? AND status = 'ok'
)
SELECT
  strategy,
  calibration_source,
  size_bucket,
  CASE size_bucket WHEN 1 THEN '< 1k' WHEN 2 THEN '1k - 10k' WHEN 3 THEN '10k - 100k' ELSE '>= 100k' END AS size_shares,
  count(*) AS orders,
  avg(parent_qty) AS mean_parent_qty,
  avg(total_cost_bps) AS total_cost_bps,
  stddev_samp(total_cost_bps) AS stdev_bps,
  avg(fill_rate) AS fill_rate,
  avg(max_participation) AS max_participation
FROM e
GROUP BY strategy, calibration_source, size_bucket
ORDER BY calibration_source DESC, strategy, size_bucket`,
};

export const PER_SYMBOL: SavedQuery = {
  name: "per_symbol",
  description:
    "Per symbol and strategy: days, orders, mean cost and the paired difference to twap/market (negative = cheaper)",
  sql: `WITH e AS (
  SELECT symbol, "date", order_id, strategy, calibration_source, total_cost_bps, fill_rate
  FROM executions
  WHERE run_id = ? AND status = 'ok'
),
b AS (
  SELECT symbol, "date", order_id, total_cost_bps AS twap_bps FROM e WHERE strategy = 'twap/market'
)
SELECT
  e.symbol,
  e.strategy,
  e.calibration_source,
  count(DISTINCT e."date") AS days,
  count(*) AS orders,
  avg(e.total_cost_bps) AS total_cost_bps,
  avg(e.total_cost_bps - b.twap_bps) AS vs_twap_bps,
  avg(e.fill_rate) AS fill_rate
FROM e
LEFT JOIN b ON ${SAME_ORDER("e", "b")}
GROUP BY e.symbol, e.strategy, e.calibration_source
ORDER BY e.symbol, e.calibration_source DESC, e.strategy`,
};

export const SAVED_QUERIES: readonly SavedQuery[] = [
  STRATEGY_COMPARISON,
  ROUTING_GAIN,
  ALPHA_GAIN,
  COST_BY_ORDER_SIZE,
  PER_SYMBOL,
  ...TCA_QUERIES,
];

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** Where each table's files live under a results root, as a read_parquet glob (Hive partitions). */
function tableGlob(root: string, table: TableSchema): string {
  const base = root.replace(/\/+$/, "");
  if (table.name === CALIBRATION_TABLE.name) return `${base}/calibration/*/*/*/calibration.parquet`;
  const depth = table.partitions.map(() => "*").join("/");
  return `${base}/results/${table.name}/${depth}/*.parquet`;
}

/**
 * DuckDB statements creating one view per table (named like the Glue tables) over a results root laid
 * out like the S3 keys. Partition columns stay strings (hive_types_autocast = false), as in Athena.
 */
export function duckdbViewStatements(
  root: string,
  tables: readonly TableSchema[] = [...RESULT_TABLES, CALIBRATION_TABLE],
): string[] {
  return tables.map(
    (t) =>
      `CREATE OR REPLACE VIEW ${t.name} AS SELECT * FROM read_parquet(${sqlString(tableGlob(root, t))}, hive_partitioning = true, hive_types_autocast = false)`,
  );
}
