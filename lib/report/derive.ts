/**
 * The numbers behind every chart and table of the run report, as plain rows (pure: no I/O). Paired
 * differences and their Student t intervals come from lib/metrics (strategyStats), the per-strategy table
 * from lib/task/summary, so the report and `msor backtest` can never disagree.
 */
import { mean, type StrategyCostRow, strategyStats } from "../metrics/index.ts";
import type { Row, RunData, TaskCalibration } from "./load.ts";
import { BASELINE_STRATEGY, type StrategySummary, summarizeStrategies } from "./strategySummary.ts";

/** A mean paired difference with its 95% interval, bps. */
export interface IntervalRow {
  readonly comparison: string;
  readonly kind: string;
  readonly n: number;
  readonly mean_bps: number;
  readonly ci_low_bps: number;
  readonly ci_high_bps: number;
}

const num = (v: unknown): number => (v === null || v === undefined ? Number.NaN : Number(v));

export function orderKey(r: Row): string {
  return `${r.symbol}|${r.date}|${r.order_id}`;
}

function costRows(rows: readonly Row[]): StrategyCostRow[] {
  return rows.map((r) => ({
    strategy: String(r.strategy),
    orderKey: orderKey(r),
    totalCostBps: num(r.total_cost_bps),
  }));
}

export function strategyLabels(rows: readonly Row[]): string[] {
  return [...new Set(rows.map((r) => String(r.strategy)))].sort();
}

/** Per-strategy summary (mean / median / stdev, paired difference to twap/market), as `msor backtest` prints. */
export function strategySummary(rows: readonly Row[]): StrategySummary[] {
  return summarizeStrategies(rows);
}

/** Paired difference `strategy - baseline` over the orders both executed (lib/metrics strategyStats). */
export function pairedDifference(
  rows: readonly Row[],
  strategy: string,
  baseline: string,
  comparison: string,
  kind: string,
): IntervalRow | undefined {
  const pair = rows.filter((r) => r.strategy === strategy || r.strategy === baseline);
  const s = strategyStats(costRows(pair), { baseline }).find((x) => x.strategy === strategy);
  const vs = s?.vsBaseline;
  if (!vs || vs.n === 0) return undefined;
  return {
    comparison,
    kind,
    n: vs.n,
    mean_bps: vs.meanDiffBps,
    ci_low_bps: vs.ciLowBps,
    ci_high_bps: vs.ciHighBps,
  };
}

/** Every strategy against twap/market (the baseline itself left out). */
export function differencesToTwap(rows: readonly Row[]): IntervalRow[] {
  const labels = strategyLabels(rows);
  if (!labels.includes(BASELINE_STRATEGY)) return [];
  return labels
    .filter((s) => s !== BASELINE_STRATEGY)
    .map((s) => pairedDifference(rows, s, BASELINE_STRATEGY, s, lookAhead(rows, s) ? "look-ahead" : "causal"))
    .filter((x): x is IntervalRow => x !== undefined);
}

function lookAhead(rows: readonly Row[], strategy: string): boolean {
  return rows.some((r) => r.strategy === strategy && r.look_ahead === true);
}

/** Labels are strategy/exec/param=value/... (lib/task/spec.ts strategyLabel). */
function segments(label: string): string[] {
  return label.split("/");
}

/** The legend names of the two paired differences (candidate - baseline; negative = the candidate saves). */
export const ROUTING_KIND = "routing: sor - market";
export const ALPHA_KIND = "alpha: alpha - none";

/** Routing: x/sor - x/market (negative = the router saves) for every strategy x run with both executions. */
export function routingGains(rows: readonly Row[]): IntervalRow[] {
  const labels = new Set(strategyLabels(rows));
  const out: IntervalRow[] = [];
  for (const label of labels) {
    const seg = segments(label);
    if (seg[1] !== "sor") continue;
    const market = [seg[0], "market", ...seg.slice(2)].join("/");
    if (!labels.has(market)) continue;
    const name = [seg[0], ...seg.slice(2)].join("/");
    const d = pairedDifference(rows, label, market, `${name}: sor - market`, ROUTING_KIND);
    if (d) out.push(d);
  }
  return out;
}

function alphaOf(label: string): string | undefined {
  return segments(label)
    .find((s) => s.startsWith("alpha="))
    ?.slice("alpha=".length);
}

function withAlpha(label: string, alpha: string): string {
  return segments(label)
    .map((s) => (s.startsWith("alpha=") ? `alpha=${alpha}` : s))
    .join("/");
}

/** Alpha: myopic/alpha=X - myopic/alpha=none (negative = the alpha saves; same execution), causal alphas only. */
export function alphaGains(rows: readonly Row[]): IntervalRow[] {
  const labels = new Set(strategyLabels(rows));
  const out: IntervalRow[] = [];
  for (const label of labels) {
    const a = alphaOf(label);
    if (a === undefined || a === "none" || a === "oracle") continue;
    const none = withAlpha(label, "none");
    if (!labels.has(none)) continue;
    const d = pairedDifference(rows, label, none, `${withAlpha(label, a)} - alpha=none`, ALPHA_KIND);
    if (d) out.push(d);
  }
  return out;
}

/** The look-ahead oracle's gap: causal alpha X - oracle (>= 0 when the oracle is better). An upper bound. */
export function oracleGaps(rows: readonly Row[]): IntervalRow[] {
  const labels = new Set(strategyLabels(rows));
  const out: IntervalRow[] = [];
  for (const label of labels) {
    if (alphaOf(label) !== "oracle") continue;
    for (const other of labels) {
      const a = alphaOf(other);
      if (a === undefined || a === "oracle" || withAlpha(other, "oracle") !== label) continue;
      const d = pairedDifference(rows, other, label, `${other} - oracle`, "gap to look-ahead oracle");
      if (d) out.push(d);
    }
  }
  return out;
}

/** Executed-share-weighted split of each strategy's fills into market / limit / catch-up (percent). */
export interface MixRow {
  readonly strategy: string;
  readonly component: string;
  readonly pct: number;
  readonly order: number;
}

export function routerMix(rows: readonly Row[]): MixRow[] {
  const out: MixRow[] = [];
  for (const s of strategyLabels(rows)) {
    const mine = rows.filter((r) => r.strategy === s && num(r.executed_qty) > 0);
    const ex = mine.reduce((a, r) => a + num(r.executed_qty), 0);
    if (ex <= 0) continue;
    const w = (k: string) =>
      mine.reduce((a, r) => a + num(r.executed_qty) * (Number.isFinite(num(r[k])) ? num(r[k]) : 0), 0) / ex;
    const limit = w("passive_share");
    const catchUp = w("catch_up_share");
    out.push(
      { strategy: s, component: "market (taker)", pct: 100 * Math.max(0, 1 - limit - catchUp), order: 0 },
      { strategy: s, component: "limit (maker)", pct: 100 * limit, order: 1 },
      { strategy: s, component: "catch-up market", pct: 100 * catchUp, order: 2 },
    );
  }
  return out;
}

/** Overfill shares as a percentage of executed shares, per strategy (needs the overfill_shares column). */
export function overfillPct(rows: readonly Row[]): { strategy: string; pct: number }[] {
  return strategyLabels(rows).map((s) => {
    const mine = rows.filter((r) => r.strategy === s);
    const ex = mine.reduce((a, r) => a + (num(r.executed_qty) || 0), 0);
    const of = mine.reduce((a, r) => a + (num(r.overfill_shares) || 0), 0);
    return { strategy: s, pct: ex > 0 ? (100 * of) / ex : 0 };
  });
}

/** Mean fill rate and passive share per strategy, percent. */
export function fillAndPassive(rows: readonly Row[]): { strategy: string; measure: string; pct: number }[] {
  return strategyLabels(rows).flatMap((s) => {
    const mine = rows.filter((r) => r.strategy === s);
    const m = (k: string) => 100 * mean(mine.map((r) => num(r[k])).filter(Number.isFinite));
    return [
      { strategy: s, measure: "fill rate", pct: m("fill_rate") },
      { strategy: s, measure: "passive share", pct: m("passive_share") },
    ];
  });
}

/** One point per execution: total cost against the parent's size in % of the ADV the task used. */
export function costBySize(
  rows: readonly Row[],
  calibrations: readonly TaskCalibration[],
): { strategy: string; pct_adv: number; total_cost_bps: number }[] {
  const adv = new Map(calibrations.map((c) => [`${c.symbol}|${c.date}`, c.params.adv]));
  const out: { strategy: string; pct_adv: number; total_cost_bps: number }[] = [];
  for (const r of rows) {
    const a = adv.get(`${r.symbol}|${r.date}`);
    const cost = num(r.total_cost_bps);
    if (a === undefined || !(a > 0) || !Number.isFinite(cost)) continue;
    out.push({
      strategy: String(r.strategy),
      pct_adv: Math.round((10_000 * num(r.parent_qty)) / a) / 100,
      total_cost_bps: cost,
    });
  }
  return out;
}

/** The sample parent order: its schedules (cumulative % of the parent) and the market's volume. */
export interface SampleOrder {
  readonly symbol: string;
  readonly date: string;
  readonly orderId: string;
  readonly parentQty: number;
  readonly horizonMin: number;
  /** Cumulative share of the parent scheduled by each strategy, and of the window's market volume, %. */
  readonly schedule: { series: string; minute: number; cum_pct: number }[];
  /** Own-impact state I(t) at each decision of the myopic strategies, bps of the arrival mid. */
  readonly impact: { series: string; minute: number; impact_bps: number }[];
  readonly hasMarketVolume: boolean;
}

/** The schedulers the sample-order charts show: every myopic variant and the market-order baselines with a schedule. */
const SCHEDULE_STRATEGIES = (s: string) =>
  s.startsWith("myopic/") || s === "twap/market" || s === "vwap/market" || s === "ow/market";

export function sampleOrder(data: RunData): SampleOrder | undefined {
  const t = data.sampleTask;
  if (!t) return undefined;
  const execs = data.executions.filter((r) => r.symbol === t.symbol && r.date === t.date);
  const firstMyopic = execs
    .filter((r) => String(r.strategy).startsWith("myopic/"))
    .sort((a, b) => num(a.start_ns) - num(b.start_ns))[0];
  if (!firstMyopic) return undefined;
  const orderId = String(firstMyopic.order_id);
  const startNs = num(firstMyopic.start_ns);
  const horizonS = num(firstMyopic.horizon_s);
  const parent = num(firstMyopic.parent_qty);
  const mid = num(firstMyopic.arrival_mid);
  const minute = (tsNs: number) => (tsNs - startNs) / 60e9;
  const children = t.childOrders.filter(
    (c) => c.order_id === orderId && SCHEDULE_STRATEGIES(String(c.strategy)),
  );
  const schedule: SampleOrder["schedule"] = [];
  const impact: SampleOrder["impact"] = [];
  for (const s of [...new Set(children.map((c) => String(c.strategy)))].sort()) {
    const mine = children.filter((c) => c.strategy === s).sort((a, b) => num(a.ts_ns) - num(b.ts_ns));
    let cum = 0;
    schedule.push({ series: s, minute: 0, cum_pct: 0 });
    for (const c of mine) {
      cum += num(c.qty);
      schedule.push({ series: s, minute: minute(num(c.ts_ns)), cum_pct: (100 * cum) / parent });
      if (s.startsWith("myopic/") && Number.isFinite(num(c.impact_usd)) && mid > 0) {
        impact.push({ series: s, minute: minute(num(c.ts_ns)), impact_bps: (1e4 * num(c.impact_usd)) / mid });
      }
    }
    schedule.push({ series: s, minute: horizonS / 60, cum_pct: (100 * cum) / parent });
  }
  // the market's own volume over the window, from the day's calibration record (realized profile)
  const own = data.calibrations.find((c) => c.symbol === t.symbol && c.date === t.date)?.own;
  let hasMarketVolume = false;
  if (own && own.volumeProfile.length > 0) {
    const binNs = own.profileBinS * 1e9;
    const open = Number(own.sessionOpenNs);
    const end = startNs + horizonS * 1e9;
    const pts: { minute: number; v: number }[] = [];
    for (let k = 0; k < own.volumeProfile.length; k++) {
      const a = open + k * binNs;
      const b = a + binNs;
      const overlap = Math.max(0, Math.min(b, end) - Math.max(a, startNs));
      if (overlap > 0)
        pts.push({ minute: minute(Math.min(b, end)), v: (own.volumeProfile[k]! * overlap) / binNs });
    }
    const total = pts.reduce((a, p) => a + p.v, 0);
    if (total > 0) {
      hasMarketVolume = true;
      let cum = 0;
      schedule.push({ series: "market volume (realized)", minute: 0, cum_pct: 0 });
      for (const p of pts) {
        cum += p.v;
        schedule.push({ series: "market volume (realized)", minute: p.minute, cum_pct: (100 * cum) / total });
      }
    }
  }
  return {
    symbol: t.symbol,
    date: t.date,
    orderId,
    parentQty: parent,
    horizonMin: horizonS / 60,
    schedule,
    impact,
    hasMarketVolume,
  };
}

/** Per (symbol, strategy): orders, mean costs, paired difference to twap/market. */
export function perSymbol(rows: readonly Row[]): (StrategySummary & { symbol: string })[] {
  const symbols = [...new Set(rows.map((r) => String(r.symbol)))].sort();
  return symbols.flatMap((symbol) =>
    strategySummary(rows.filter((r) => r.symbol === symbol)).map((s) => ({ symbol, ...s })),
  );
}

/** Calendar days from the latest calibration date used to the task date. */
export function calibrationAgeDays(c: TaskCalibration): number {
  const last = c.dates[c.dates.length - 1];
  if (!last) return Number.NaN;
  return (Date.parse(`${c.date}T00:00:00Z`) - Date.parse(`${last}T00:00:00Z`)) / 86_400_000;
}

export function calibrationTable(cals: readonly TaskCalibration[]): Record<string, unknown>[] {
  return cals.map((c) => ({
    symbol: c.symbol,
    date: c.date,
    source: c.source,
    calibration_dates: c.dates.join(", ") || "-",
    age_days: calibrationAgeDays(c),
    lambda: c.params.lambda,
    half_life_s: c.params.halfLifeS,
    impact_r2: c.impactR2,
    adv_shares: c.params.adv,
    adv_source: c.params.advSource,
    half_spread_usd: c.params.halfSpreadUsd,
    sigma_daily_pct: 100 * c.params.sigmaDaily,
    defaults_used: c.params.defaultsUsed.length,
    missing_records: c.missingDates.join(", "),
  }));
}

/** Failed and dead-lettered tasks from runs/{R}/status.json (any of the shapes a status may take). */
export function failedTasks(
  status: Record<string, unknown> | undefined,
): Record<string, unknown>[] | undefined {
  if (!status) return undefined;
  const tasks = status.tasks ?? status.outcomes ?? status.accounted;
  const entries: [string, unknown][] = Array.isArray(tasks)
    ? tasks.map((t, i) => [String((t as Record<string, unknown>)?.task_id ?? i), t])
    : tasks && typeof tasks === "object"
      ? Object.entries(tasks as Record<string, unknown>)
      : [];
  const out: Record<string, unknown>[] = [];
  for (const [id, t] of entries) {
    const o = (t && typeof t === "object" ? t : { outcome: t }) as Record<string, unknown>;
    const outcome = String(o.outcome ?? o.status ?? "");
    if (outcome !== "failed" && outcome !== "dead_lettered") continue;
    out.push({
      task_id: String(o.task_id ?? id),
      symbol: o.symbol ?? "",
      date: o.date ?? "",
      outcome,
      reason: o.reason ?? o.error ?? "",
    });
  }
  return out.sort((a, b) => String(a.task_id).localeCompare(String(b.task_id)));
}
