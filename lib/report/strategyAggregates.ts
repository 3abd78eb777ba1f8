/**
 * The run summary from mergeable aggregates (docs/models.md section 8, "Run summary from mergeable
 * aggregates"): each backtest task reduces its execution rows to one aggregate per (calibration_source,
 * strategy); the fan-in adds the tasks' aggregates into runs/{R}/status.json (each task once); the finish
 * turns the run's aggregates into the rows of summary.parquet and the gain table without reading a single
 * execution row. A task is one symbol-day, so every paired difference (an order under two strategies) lies
 * inside one task and is summed exactly there.
 * Exact (to the last rounding): counts, every mean (exact sums, lib/metrics/exactSum.ts), stdev_bps, the
 * paired differences' means, Student t intervals and win rates, overfill_shares, look_ahead.
 * Sketched: median_cost_bps (lib/metrics/quantileSketch.ts): exact while a (source, strategy) has at most
 * SKETCH_EXACT_MAX = 64 orders with a cost, beyond that within SKETCH_ALPHA = 0.5% of the magnitude of the
 * middle values.
 * The same aggregate is what `summarizeStrategies` computes from rows: test/report/strategyAggregates.test.ts
 * holds them together.
 */
import { Rng, seedFrom } from "../core/rng.ts";
import {
  addExact,
  addExactSquare,
  exactSquaredDeviations,
  exactValue,
  mergeExact,
} from "../metrics/exactSum.ts";
import { isWin, studentTQuantile } from "../metrics/index.ts";
import {
  emptySketch,
  type QuantileSketch,
  sketchAdd,
  sketchMedian,
  sketchMerge,
  sketchQuantile,
} from "../metrics/quantileSketch.ts";
import type { CellValue } from "../results/schema.ts";
import {
  BASELINE_STRATEGY,
  type GainSummary,
  pairsOf,
  parameterSetTag,
  type StrategySummary,
} from "./strategySummary.ts";

/** The per-row columns whose mean (over finite values of ok rows) the summary reports, by summary column. */
export const MEAN_COLUMNS = {
  fill_rate: "fill_rate",
  is_bps: "is_bps",
  impact_bps: "impact_cost_bps",
  walk_bps: "walk_cost_bps",
  opportunity_bps: "opportunity_bps",
  passive_share: "passive_share",
} as const;
export type MeanColumn = keyof typeof MEAN_COLUMNS;

/** An exact sum over n values. */
export interface SumAggregate {
  n: number;
  sum: number[];
}

/** Paired differences cost(strategy) - cost(baseline) over the orders both executed with a finite cost. */
export interface PairAggregate {
  baseline: string;
  n: number;
  sum: number[];
  sumsq: number[];
  /** orders where the strategy is strictly cheaper (lib/metrics isWin) */
  wins: number;
}

export interface GainAggregate extends PairAggregate {
  kind: GainSummary["kind"];
}

/** One (calibration_source, strategy) of a task or of a run: everything a summary row needs. */
export interface StrategyAggregate {
  strategy: string;
  calibration_source: string;
  /** parent orders with status ok */
  orders: number;
  /** parent orders with status no_data (left out of every statistic) */
  no_data: number;
  executed_qty: number;
  overfill_shares: number;
  look_ahead: boolean;
  /** total_cost_bps of ok orders (finite values): exact sum, exact sum of squares, sketch */
  cost: { n: number; sum: number[]; sumsq: number[] };
  cost_sketch: QuantileSketch;
  means: Record<MeanColumn, SumAggregate>;
  /** against the twap/market of the same parameter set; null for that baseline itself */
  vs_twap: PairAggregate | null;
  /** routing (x/sor - x/market) and alpha (alpha=K - alpha=none) pairs the label has */
  gains: GainAggregate[];
}

export type Aggregates = Record<string, StrategyAggregate>;

type Row = Record<string, CellValue>;

/** The key of a (source, strategy): the label for calibrated days, apart for default (and other) days. */
export function aggregateKey(strategy: string, source: string): string {
  if (source === "prior_days") return strategy;
  if (source === "default") return `${strategy} (default parameters)`;
  return `${strategy} (${source})`;
}

/** The baseline a strategy's vs_twap pairs with: twap/market of its parameter set (strategySummary.ts). */
export function baselineOf(strategy: string, baseline = BASELINE_STRATEGY): string {
  const tag = parameterSetTag(strategy);
  return tag ? `${baseline}/${tag}` : baseline;
}

const emptyPair = (baseline: string): PairAggregate => ({ baseline, n: 0, sum: [], sumsq: [], wins: 0 });

function emptyAggregate(strategy: string, source: string, baseline: string): StrategyAggregate {
  const means = {} as Record<MeanColumn, SumAggregate>;
  for (const k of Object.keys(MEAN_COLUMNS) as MeanColumn[]) means[k] = { n: 0, sum: [] };
  return {
    strategy,
    calibration_source: source,
    orders: 0,
    no_data: 0,
    executed_qty: 0,
    overfill_shares: 0,
    look_ahead: false,
    cost: { n: 0, sum: [], sumsq: [] },
    cost_sketch: emptySketch(),
    means,
    vs_twap: strategy === baselineOf(strategy, baseline) ? null : emptyPair(baselineOf(strategy, baseline)),
    gains: pairsOf(strategy).map(({ kind, baseline: b }) => ({ kind, ...emptyPair(b) })),
  };
}

function addPair(p: PairAggregate, c: number, b: number | undefined): void {
  if (b === undefined || !Number.isFinite(b) || !Number.isFinite(c)) return;
  const d = c - b;
  p.n++;
  addExact(p.sum, d);
  addExactSquare(p.sumsq, d);
  if (isWin(c, b)) p.wins++;
}

/**
 * Aggregates of execution rows (one task's, or any set of whole symbol-days): the numbers
 * summarizeStrategies and summarizeGains compute from the same rows, in mergeable form.
 */
export function aggregateExecutions(rows: readonly Row[], baseline = BASELINE_STRATEGY): Aggregates {
  const sourceOf = (r: Row) => String(r.calibration_source ?? "default");
  const orderOf = (r: Row) => `${r.symbol}|${r.date}|${r.order_id}`;
  // ok costs by (source, strategy, order): the other side of every pair
  const cost = new Map<string, number>();
  const costKey = (source: string, strategy: string, order: string) =>
    `${source}\u0000${strategy}\u0000${order}`;
  for (const r of rows)
    if (r.status !== "no_data")
      cost.set(costKey(sourceOf(r), String(r.strategy), orderOf(r)), Number(r.total_cost_bps));
  const out: Aggregates = {};
  for (const r of rows) {
    const strategy = String(r.strategy);
    const source = sourceOf(r);
    const a = (out[aggregateKey(strategy, source)] ??= emptyAggregate(strategy, source, baseline));
    if (r.status === "no_data") {
      a.no_data++;
      continue;
    }
    a.orders++;
    a.executed_qty += Number(r.executed_qty ?? 0);
    a.overfill_shares += Number(r.overfill_shares ?? 0);
    if (r.look_ahead === true) a.look_ahead = true;
    for (const [k, col] of Object.entries(MEAN_COLUMNS) as [MeanColumn, string][]) {
      const v = Number(r[col]);
      if (!Number.isFinite(v)) continue;
      a.means[k].n++;
      addExact(a.means[k].sum, v);
    }
    const c = Number(r.total_cost_bps);
    if (Number.isFinite(c)) {
      a.cost.n++;
      addExact(a.cost.sum, c);
      addExactSquare(a.cost.sumsq, c);
      sketchAdd(a.cost_sketch, c);
    }
    const order = orderOf(r);
    if (a.vs_twap) addPair(a.vs_twap, c, cost.get(costKey(source, a.vs_twap.baseline, order)));
    for (const g of a.gains) addPair(g, c, cost.get(costKey(source, g.baseline, order)));
  }
  return out;
}

function mergePair(a: PairAggregate, b: Readonly<PairAggregate>): void {
  a.n += b.n;
  mergeExact(a.sum, b.sum);
  mergeExact(a.sumsq, b.sumsq);
  a.wins += b.wins;
}

/** a += b, aggregate by aggregate (in place; returns a). Any order of merges gives the same summary. */
export function mergeAggregates(a: Aggregates, b: Readonly<Aggregates>): Aggregates {
  for (const [k, x] of Object.entries(b)) {
    const t = a[k];
    if (!t) {
      a[k] = structuredClone(x);
      continue;
    }
    t.orders += x.orders;
    t.no_data += x.no_data;
    t.executed_qty += x.executed_qty;
    t.overfill_shares += x.overfill_shares;
    t.look_ahead ||= x.look_ahead;
    t.cost.n += x.cost.n;
    mergeExact(t.cost.sum, x.cost.sum);
    mergeExact(t.cost.sumsq, x.cost.sumsq);
    sketchMerge(t.cost_sketch, x.cost_sketch);
    for (const m of Object.keys(t.means) as MeanColumn[]) {
      t.means[m].n += x.means[m].n;
      mergeExact(t.means[m].sum, x.means[m].sum);
    }
    if (t.vs_twap && x.vs_twap) mergePair(t.vs_twap, x.vs_twap);
    for (const g of x.gains) {
      const tg = t.gains.find((y) => y.kind === g.kind && y.baseline === g.baseline);
      if (tg) mergePair(tg, g);
      else t.gains.push(structuredClone(g));
    }
  }
  return a;
}

const meanOf = (s: { n: number; sum: readonly number[] }) => (s.n > 0 ? exactValue(s.sum) / s.n : Number.NaN);

/** Sample standard deviation of an exact sum and sum of squares (NaN when n < 2). */
function stdevOf(n: number, sum: readonly number[], sumsq: readonly number[]): number {
  if (n < 2) return Number.NaN;
  return Math.sqrt(exactSquaredDeviations(n, sum, sumsq) / (n - 1));
}

/** Mean and two-sided Student t interval of a pair (lib/metrics meanConfidenceInterval from sums). */
export function pairInterval(
  p: Readonly<PairAggregate>,
  confidence = 0.95,
): { mean: number; low: number; high: number; winRate: number } {
  const m = meanOf(p);
  const winRate = p.n > 0 ? p.wins / p.n : Number.NaN;
  if (p.n < 2) return { mean: m, low: Number.NaN, high: Number.NaN, winRate };
  const half =
    (studentTQuantile((1 + confidence) / 2, p.n - 1) * stdevOf(p.n, p.sum, p.sumsq)) / Math.sqrt(p.n);
  return { mean: m, low: m - half, high: m + half, winRate };
}

/** prior_days first, then the other sources by name; within a source the parameter sets, then labels. */
function compareAggregates(a: StrategyAggregate, b: StrategyAggregate): number {
  const rank = (s: string) => (s === "prior_days" ? "" : `~${s}`);
  const keys = (x: StrategyAggregate) => [
    rank(x.calibration_source),
    parameterSetTag(x.strategy),
    x.strategy,
  ];
  const ka = keys(a);
  const kb = keys(b);
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
  return 0;
}

/** One summary.parquet row per (calibration_source, strategy), from the run's merged aggregates. */
export function summarizeAggregates(aggregates: Readonly<Aggregates>): StrategySummary[] {
  return Object.values(aggregates)
    .sort(compareAggregates)
    .map((a) => {
      const vs = a.vs_twap ? pairInterval(a.vs_twap) : undefined;
      return {
        strategy: a.strategy,
        calibration_source: a.calibration_source,
        orders: a.orders,
        no_data: a.no_data,
        fill_rate: meanOf(a.means.fill_rate),
        is_bps: meanOf(a.means.is_bps),
        impact_bps: meanOf(a.means.impact_bps),
        walk_bps: meanOf(a.means.walk_bps),
        opportunity_bps: meanOf(a.means.opportunity_bps),
        total_cost_bps: meanOf(a.cost),
        median_cost_bps: sketchMedian(a.cost_sketch),
        stdev_bps: stdevOf(a.cost.n, a.cost.sum, a.cost.sumsq),
        vs_twap_bps: vs?.mean ?? Number.NaN,
        vs_twap_ci_low: vs?.low ?? Number.NaN,
        vs_twap_ci_high: vs?.high ?? Number.NaN,
        win_rate: vs?.winRate ?? Number.NaN,
        passive_share: meanOf(a.means.passive_share),
        overfill_shares: a.overfill_shares,
        look_ahead: a.look_ahead,
      };
    });
}

/** Routing and alpha gains (summarizeGains' table) from the run's merged aggregates. */
export function gainsOfAggregates(aggregates: Readonly<Aggregates>, confidence = 0.95): GainSummary[] {
  const out: GainSummary[] = [];
  const list = Object.values(aggregates).sort(compareAggregates);
  const sources = [...new Set(list.map((a) => a.calibration_source))];
  for (const source of sources) {
    const mine = list
      .filter((a) => a.calibration_source === source)
      .sort((a, b) => (a.strategy < b.strategy ? -1 : 1));
    const present = new Set(mine.filter((a) => a.orders > 0).map((a) => a.strategy));
    for (const a of mine) {
      if (a.orders === 0) continue;
      for (const g of a.gains) {
        if (!present.has(g.baseline)) continue;
        const ci = pairInterval(g, confidence);
        out.push({
          kind: g.kind,
          strategy: a.strategy,
          baseline: g.baseline,
          calibration_source: source,
          n: g.n,
          diff_bps: ci.mean,
          ci_low: ci.low,
          ci_high: ci.high,
          win_rate: ci.winRate,
        });
      }
    }
  }
  return out;
}

/** Mean cost and mean paired difference of an aggregate (NaN where undefined): the status table. */
export function aggregateMeans(a: StrategyAggregate): {
  cost_bps: number;
  vs_twap_bps: number;
  win_rate: number;
} {
  const vs = a.vs_twap;
  return {
    cost_bps: meanOf(a.cost),
    vs_twap_bps: vs ? meanOf(vs) : Number.NaN,
    win_rate: vs && vs.n > 0 ? vs.wins / vs.n : Number.NaN,
  };
}

// ---- the report's sample of parent orders ------------------------------------------------------------------

/** How many parent orders the report's sample holds (the report's row-level charts and tables use them). */
export const SAMPLE_PARENTS = 200;

/** [priority, "symbol|date|order_id"]: the sample is the SAMPLE_PARENTS entries of lowest priority. */
export type SampleEntry = [number, string];

/** A parent's priority: uniform in [0, 1), seeded by the run id and the parent (lib/core/rng.ts). */
export function samplePriority(runId: string, parent: string): number {
  return new Rng(seedFrom("report-sample", runId, parent)).uniform();
}

const bySampleOrder = (a: SampleEntry, b: SampleEntry) =>
  a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);

/**
 * A bottom-k sample of parents: the k of lowest (priority, key). Merging two samples and keeping the k lowest
 * is the sample of the union, whatever the order of the merges (each parent's priority is fixed by its key).
 */
export function mergeSample(
  a: readonly SampleEntry[],
  b: readonly SampleEntry[],
  k = SAMPLE_PARENTS,
): SampleEntry[] {
  const seen = new Set<string>();
  const out: SampleEntry[] = [];
  for (const e of [...a, ...b].sort(bySampleOrder)) {
    if (seen.has(e[1])) continue;
    seen.add(e[1]);
    out.push([e[0], e[1]]);
    if (out.length >= k) break;
  }
  return out;
}

/**
 * The sample of one task's parents that have a row with status ok (seeded by the run id); `date` is the task's
 * (the rows of a task carry it as their partition, not as a column).
 */
export function sampleParents(
  rows: readonly Row[],
  runId: string,
  date: string,
  k = SAMPLE_PARENTS,
): SampleEntry[] {
  const parents = new Set<string>();
  for (const r of rows)
    if (r.status !== "no_data") parents.add(`${r.symbol}|${r.date ?? date}|${r.order_id}`);
  return mergeSample(
    [...parents].map((p): SampleEntry => [samplePriority(runId, p), p]),
    [],
    k,
  );
}

// ---- the report's run-level views ---------------------------------------------------------------------------

/** One strategy's aggregate over every calibration_source (pairs and sketches add across sources). */
export function byStrategy(aggregates: Readonly<Aggregates>): Map<string, StrategyAggregate> {
  const out = new Map<string, StrategyAggregate>();
  for (const a of Object.values(aggregates).sort(compareAggregates)) {
    const m: Aggregates = {};
    const cur = out.get(a.strategy);
    if (cur) m[a.strategy] = cur;
    mergeAggregates(m, { [a.strategy]: { ...a, calibration_source: "all" } });
    out.set(a.strategy, m[a.strategy]!);
  }
  return new Map([...out].sort(([x], [y]) => (x < y ? -1 : 1)));
}

/** Quartiles of a strategy's total_cost_bps over the run (from its sketch; exact up to 64 orders). */
export interface CostQuartiles {
  readonly strategy: string;
  readonly n: number;
  readonly min: number;
  readonly q1: number;
  readonly median: number;
  readonly q3: number;
  readonly max: number;
}

export function costQuartiles(aggregates: Readonly<Aggregates>): CostQuartiles[] {
  return [...byStrategy(aggregates)]
    .filter(([, a]) => a.cost_sketch.n > 0)
    .map(([strategy, a]) => ({
      strategy,
      n: a.cost_sketch.n,
      min: a.cost_sketch.min ?? Number.NaN,
      q1: sketchQuantile(a.cost_sketch, 0.25),
      median: sketchMedian(a.cost_sketch),
      q3: sketchQuantile(a.cost_sketch, 0.75),
      max: a.cost_sketch.max ?? Number.NaN,
    }));
}

/** A paired difference as the report's interval rows (derive.ts IntervalRow), from a pair's sums. */
function intervalRow(p: Readonly<PairAggregate>, comparison: string, kind: string) {
  const ci = pairInterval(p);
  return { comparison, kind, n: p.n, mean_bps: ci.mean, ci_low_bps: ci.low, ci_high_bps: ci.high };
}

/** Every strategy against its twap/market (the report's paired-difference chart), over every source. */
export function differencesOfAggregates(aggregates: Readonly<Aggregates>) {
  return [...byStrategy(aggregates)]
    .filter(([, a]) => a.vs_twap && a.vs_twap.n > 0)
    .map(([s, a]) => intervalRow(a.vs_twap!, s, a.look_ahead ? "look-ahead" : "causal"));
}

/** Routing (x/sor - x/market) and causal alpha (alpha=K - alpha=none) gains, over every source. */
export function gainRowsOfAggregates(
  aggregates: Readonly<Aggregates>,
  routingKind: string,
  alphaKind: string,
) {
  const all = byStrategy(aggregates);
  const rows: ReturnType<typeof intervalRow>[] = [];
  for (const kind of ["routing", "alpha"] as const)
    for (const [s, a] of all)
      for (const g of a.gains) {
        if (g.kind !== kind || g.n === 0 || !all.has(g.baseline)) continue;
        if (kind === "alpha" && s.split("/").includes("alpha=oracle")) continue; // (the oracle gap is apart)
        const seg = s.split("/");
        rows.push(
          kind === "routing"
            ? intervalRow(g, `${[seg[0], ...seg.slice(2)].join("/")}: sor - market`, routingKind)
            : intervalRow(g, `${s} - alpha=none`, alphaKind),
        );
      }
  return rows;
}
