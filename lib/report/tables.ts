/** The report's tables: column labels with units, rows from derive.ts, a note when the run lacks them. */
import { fixed } from "../core/units.ts";
import { calibrationTable, failedTasks, perSymbol, strategySummary } from "./derive.ts";
import type { Row, RunData } from "./load.ts";
import { RISK_EXECUTION_COLUMNS, riskActive, riskTable } from "./riskSummary.ts";
import { summarizeAggregates } from "./strategyAggregates.ts";
import { BASELINE_STRATEGY } from "./strategySummary.ts";

export interface Column {
  readonly key: string;
  readonly label: string;
  /** Fraction digits for numbers; "pct" = a 0..1 share shown as percent; "int" = grouped integer. */
  readonly format?: number | "pct" | "int";
  /** A long text column (lists) that wraps instead of widening the table. */
  readonly wrap?: boolean;
}

export interface TableDef {
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly columns: readonly Column[];
  readonly rows: readonly Record<string, unknown>[];
  readonly missing?: string;
  readonly notes?: readonly string[];
}

const ci = (low: number, high: number) =>
  Number.isFinite(low) && Number.isFinite(high) ? `[${fixed(low, 2)}, ${fixed(high, 2)}]` : "-";

const STRATEGY_COLUMNS: Column[] = [
  { key: "orders", label: "orders", format: "int" },
  { key: "fill_rate", label: "fill rate", format: "pct" },
  { key: "is_bps", label: "IS (bps)", format: 2 },
  { key: "impact_bps", label: "impact (bps)", format: 2 },
  { key: "walk_bps", label: "walk (bps)", format: 2 },
  { key: "opportunity_bps", label: "opportunity (bps)", format: 2 },
  { key: "total_cost_bps", label: "total cost (bps)", format: 2 },
  { key: "median_cost_bps", label: "median (bps)", format: 2 },
  { key: "stdev_bps", label: "stdev (bps)", format: 2 },
  { key: "vs_twap_bps", label: `vs ${BASELINE_STRATEGY} (bps)`, format: 2 },
  { key: "vs_twap_ci95", label: "95% CI (bps)" },
  { key: "win_rate", label: "win rate", format: "pct" },
  { key: "passive_share", label: "passive", format: "pct" },
  { key: "overfill_shares", label: "overfill (shares)", format: "int" },
  { key: "look_ahead", label: "look-ahead" },
];

/** The per-symbol table's columns of STRATEGY_COLUMNS. */
const PER_SYMBOL_KEYS = new Set([
  "orders",
  "fill_rate",
  "impact_bps",
  "total_cost_bps",
  "stdev_bps",
  "vs_twap_bps",
  "vs_twap_ci95",
  "win_rate",
]);

/** Days on default parameters are summarised apart from calibrated days (never pooled). */
const CALIBRATION_COLUMN: Column = { key: "calibration_source", label: "calibration" };

const withCi = (r: { vs_twap_ci_low: number; vs_twap_ci_high: number }): Record<string, unknown> => ({
  ...r,
  vs_twap_ci95: ci(r.vs_twap_ci_low, r.vs_twap_ci_high),
});

/**
 * task_quality columns (lib/results/tables.ts TASK_QUALITY) that results of older versions lack: shown when the
 * files have them, named in a note when they do not.
 */
const OPTIONAL_QUALITY: Column[] = [
  { key: "book_levels", label: "book levels", format: "int" },
  { key: "max_gap_s", label: "max gap (s)", format: 1 },
  { key: "no_data_parents", label: "no-data parents", format: "int" },
  { key: "overridden", label: "overridden", wrap: true },
];

export function buildTables(data: RunData): TableDef[] {
  const tables: TableDef[] = [];
  tables.push({
    id: "strategies",
    title: "Results per strategy (all symbols and days)",
    caption:
      "Costs in bps of the arrival mid (positive = cost). IS = implementation shortfall per executed share; impact = " +
      "the own-impact overlay and walk = the depth walked beyond the data's best, both per parent share (never the " +
      "same cost twice: a market block pays the model's own jump only beyond its walk); opportunity = cost of " +
      "completing the unfilled shares in one market order at the cancel, per parent share; total cost = per PARENT " +
      "share: (IS + net fees) x fill rate + opportunity. " +
      "Overfill = shares filled beyond a child's quantity before its cancel took effect (summed). " +
      `vs ${BASELINE_STRATEGY} = paired mean difference over the same ` +
      "parent orders with its 95% Student t interval; win rate = share of orders strictly cheaper than the baseline. " +
      "Days on the documented default parameters (calibration = default) are summarised apart from calibrated days.",
    columns: [{ key: "strategy", label: "strategy" }, CALIBRATION_COLUMN, ...STRATEGY_COLUMNS],
    // a sweep's report: every parent order of the run, from the merged aggregates (summary.parquet's rows)
    rows: (data.aggregates ? summarizeAggregates(data.aggregates) : strategySummary(data.executions)).map(
      withCi,
    ),
  });

  const hasArrival = data.executionColumns.has("arrival_source");
  const symRows = perSymbol(data.executions).map((r) => {
    const row = withCi(r);
    if (hasArrival) {
      const sources = new Set(
        data.executions
          .filter((e) => e.symbol === r.symbol && e.strategy === r.strategy)
          .map((e) => String(e.arrival_source ?? "-")),
      );
      row.arrival_source = [...sources].sort().join(", ");
    }
    return row;
  });
  tables.push({
    id: "per-symbol",
    title: "Results per symbol",
    caption:
      `The main statistics per symbol (pairs to ${BASELINE_STRATEGY} of the same symbol's orders); IS, opportunity cost, ` +
      "passive share and overfill per strategy are in the table above.",
    columns: [
      { key: "symbol", label: "symbol" },
      { key: "strategy", label: "strategy" },
      CALIBRATION_COLUMN,
      // a readable width on a laptop screen (1280 px): the columns that compare, not every one
      ...STRATEGY_COLUMNS.filter((c) => PER_SYMBOL_KEYS.has(c.key)),
      ...(hasArrival ? [{ key: "arrival_source", label: "arrival mid source" }] : []),
    ],
    rows: symRows,
    ...(hasArrival
      ? {}
      : { notes: ["arrival mid source not in this run: needs the executions column arrival_source"] }),
  });

  tables.push({
    id: "calibration",
    title: "Calibration per symbol-day",
    caption:
      "Parameters each task ran on, combined from the calibration records of EARLIER days (source prior_days) or the " +
      "documented defaults (source default). Age = calendar days from the latest calibration day to the task day. " +
      "ADV source: calibrated (days covering >= 90% of the session), extrapolated (only partial days: their volume " +
      "over the share of the volume profile their data covers) or default. Impact R² is pooled over the days " +
      "(1 - sum SSR / sum SST) at the chosen half-life.",
    columns: [
      { key: "symbol", label: "symbol" },
      { key: "date", label: "date" },
      { key: "source", label: "source" },
      { key: "calibration_dates", label: "calibration days", wrap: true },
      { key: "age_days", label: "age (days)", format: 0 },
      { key: "lambda", label: "lambda (sigma per V_d)", format: 3 },
      { key: "half_life_s", label: "half-life (s)", format: 0 },
      { key: "impact_r2", label: "impact R²", format: 3 },
      { key: "adv_shares", label: "ADV (shares)", format: "int" },
      { key: "adv_source", label: "ADV source" },
      { key: "half_spread_usd", label: "half-spread ($)", format: 4 },
      { key: "sigma_daily_pct", label: "sigma daily (%)", format: 2 },
      { key: "defaults_used", label: "fields defaulted", format: "int" },
      { key: "missing_records", label: "records missing" },
    ],
    rows: calibrationTable(data.calibrations),
  });

  const optional = OPTIONAL_QUALITY.filter((c) => data.qualityColumns.has(c.key));
  const absent = OPTIONAL_QUALITY.filter((c) => !data.qualityColumns.has(c.key)).map((c) => c.key);
  const qRows = [...data.taskQuality]
    .sort((a, b) => `${a.symbol}|${a.date}`.localeCompare(`${b.symbol}|${b.date}`))
    .map((q: Row) => ({
      ...q,
      venues: String(q.venues ?? "").replaceAll(",", ", "),
      span: spanOf(q),
      other_counters: otherCounters(q),
      defaults_count: String(q.defaults_used ?? "")
        .split(",")
        .filter(Boolean).length,
    }));
  tables.push({
    id: "data-quality",
    title: "Data quality per task",
    caption:
      "Counters of the replayed MBP-10 records per symbol-day (venues merged by ts_recv); sequence gaps are normal for " +
      "channel sequences. Other counters lists the rarer ones that are not zero: crossed / locked = F_LAST records with a " +
      "crossed / locked venue book, ts backwards, sequence regressions, maybe-bad-book flags, undefined prices, clears.",
    columns: [
      { key: "symbol", label: "symbol" },
      { key: "date", label: "date" },
      { key: "rows", label: "records", format: "int" },
      { key: "span", label: "span (UTC)" },
      { key: "venues", label: "venues", wrap: true },
      ...optional.filter((c) => c.key === "book_levels"),
      { key: "trades", label: "trades", format: "int" },
      { key: "sequence_gaps", label: "seq. gaps", format: "int" },
      ...optional.filter((c) => c.key === "max_gap_s"),
      { key: "other_counters", label: "other counters", wrap: true },
      { key: "calibration_source", label: "calibration" },
      { key: "defaults_count", label: "fields defaulted", format: "int" },
      ...optional.filter((c) => c.key === "overridden" || c.key === "no_data_parents"),
    ],
    rows: qRows,
    ...(qRows.length ? {} : { missing: "the run has no task_quality results" }),
    ...(absent.length
      ? {
          notes: [
            `not in this run: ${absent.join(", ")} (task_quality columns these results predate; a rerun writes them)`,
          ],
        }
      : {}),
  });

  const risk = riskTable(data.executions);
  const hasRisk = RISK_EXECUTION_COLUMNS.every((c) => data.executionColumns.has(c));
  if (hasRisk && riskActive(risk)) {
    tables.push({
      id: "risk-controls",
      title: "Risk controls per strategy",
      caption:
        "What the risk controls did over each strategy's parents (status ok): limit hit = parents whose price limit " +
        "bound (unfilled shares are costed as opportunity cost); notional capped = parents cut by max_notional_usd; " +
        "spread-guard skips = decisions held by max_spread_bps; capped shares = shares held back by max_child_shares / " +
        "max_participation (carried); halt skips = decisions skipped in halts; halted = seconds of the windows the " +
        "market was halted.",
      columns: [
        { key: "strategy", label: "strategy" },
        { key: "parents", label: "parents", format: "int" },
        { key: "limit_hit", label: "limit hit", format: "int" },
        { key: "notional_capped", label: "notional capped", format: "int" },
        { key: "spread_guard_skips", label: "spread-guard skips", format: "int" },
        { key: "capped_shares", label: "capped shares", format: "int" },
        { key: "halt_skips", label: "halt skips", format: "int" },
        { key: "halted_s", label: "halted (s)", format: 1 },
      ],
      rows: [...risk].sort((a, b) => String(a.strategy).localeCompare(String(b.strategy))),
    });
  }

  const failed = failedTasks(data.status);
  tables.push({
    id: "failed-tasks",
    title: "Failed and dead-lettered tasks",
    caption:
      "Tasks that did not produce results, with the reason recorded by the worker or the dead-letter queue.",
    columns: [
      { key: "task_id", label: "task" },
      { key: "symbol", label: "symbol" },
      { key: "date", label: "date" },
      { key: "outcome", label: "outcome" },
      { key: "reason", label: "reason" },
    ],
    rows: failed ?? [],
    ...(failed === undefined
      ? {
          missing: `not in this run: runs/${data.runId}/status.json is absent (a local msor backtest writes none; the sweep's summary step does)`,
        }
      : {}),
  });
  return tables;
}

/** The rarer data-quality counters that are not zero, "crossed 3, clears 1", or "none". */
const RARE_COUNTERS: [string, string][] = [
  ["crossed_books", "crossed"],
  ["locked_books", "locked"],
  ["non_monotone_ts", "ts backwards"],
  ["sequence_regressions", "seq. regressions"],
  ["maybe_bad_book", "maybe bad book"],
  ["undefined_prices", "undefined prices"],
  ["clears", "clears"],
];

function otherCounters(q: Row): string {
  const parts = RARE_COUNTERS.filter(([k]) => Number(q[k]) > 0).map(
    ([k, label]) => `${label} ${Number(q[k]).toLocaleString("en-US")}`,
  );
  return parts.length ? parts.join(", ") : "none";
}

function spanOf(q: Row): string {
  const a = Number(q.first_ts_ns);
  const b = Number(q.last_ts_ns);
  if (!(a > 0) || !(b > 0)) return "-";
  const t = (ns: number) => new Date(ns / 1e6).toISOString().slice(11, 19);
  return `${t(a)}-${t(b)}`;
}
