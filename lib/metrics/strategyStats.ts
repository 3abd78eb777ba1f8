/**
 * Run-level statistics per strategy (docs/models.md section 8): distribution of total_cost_bps and the paired
 * difference to a baseline (default `twap`) over the same parent orders, with a Student t confidence interval
 * (exact for small samples under normality) and the win rate.
 */
import { InputError } from "../core/errors.ts";
import { studentTQuantile } from "./studentT.ts";

export interface StrategyCostRow {
  /** Strategy x parameter-set label, e.g. "myopic[alpha=ofi]"; the baseline is matched by exact label. */
  readonly strategy: string;
  /** Identifies the parent order (e.g. symbol|date|start|side|size); the pairing key. */
  readonly orderKey: string;
  readonly totalCostBps: number;
  /**
   * docs/models.md 8: a `no_data` parent (no two-sided book in its window) is excluded from every statistic (and
   * from the pairing); it is only counted in `noData`. Absent = "ok".
   */
  readonly status?: "ok" | "no_data";
}

export interface PairedDifference {
  readonly baseline: string;
  /** Orders with a finite cost under both the strategy and the baseline. */
  readonly n: number;
  /** Mean of d_i = cost_strategy,i - cost_baseline,i (bps); negative = cheaper than the baseline. */
  readonly meanDiffBps: number;
  /** Confidence interval of the mean difference: mean -/+ t_{(1+c)/2, n-1} sd / sqrt(n); NaN when n < 2. */
  readonly ciLowBps: number;
  readonly ciHighBps: number;
  /** Share of paired orders where the strategy's cost < the baseline's (ties are not wins: `isWin`). */
  readonly winRate: number;
}

export interface StrategyStats {
  readonly strategy: string;
  /** Orders with a finite total_cost_bps and status ok. */
  readonly n: number;
  /** Rows of this strategy with status no_data (excluded from every statistic). */
  readonly noData: number;
  readonly meanBps: number;
  readonly medianBps: number;
  /** Sample standard deviation (n - 1); NaN when n < 2. */
  readonly stdevBps: number;
  /** null when the baseline is absent from the rows. */
  readonly vsBaseline: PairedDifference | null;
}

/**
 * Cost differences smaller than this (bps) are ties, not wins: the same executions priced along two code paths
 * (e.g. an alpha whose coefficient is 0 against no alpha) differ by ~1e-12 bps of floating-point noise.
 */
export const TIE_BPS = 1e-9;

/** Whether a cost beats its baseline's (both in bps of the arrival mid; lower is better; ties are not wins). */
export function isWin(costBps: number, baselineBps: number): boolean {
  return costBps < baselineBps - TIE_BPS;
}

export function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return xs.length > 0 ? s / xs.length : Number.NaN;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const a = [...xs].sort((x, y) => x - y);
  const h = a.length >> 1;
  return a.length % 2 === 1 ? a[h]! : (a[h - 1]! + a[h]!) / 2;
}

/** Sample standard deviation sqrt(sum (x - mean)^2 / (n - 1)); NaN when n < 2. */
export function stdev(xs: readonly number[]): number {
  if (xs.length < 2) return Number.NaN;
  const m = mean(xs);
  let ss = 0;
  for (const x of xs) ss += (x - m) * (x - m);
  return Math.sqrt(ss / (xs.length - 1));
}

/** Mean and two-sided Student t interval of `diffs` at `confidence` (e.g. 0.95). */
export function meanConfidenceInterval(
  diffs: readonly number[],
  confidence = 0.95,
): { mean: number; low: number; high: number } {
  const m = mean(diffs);
  if (diffs.length < 2) return { mean: m, low: Number.NaN, high: Number.NaN };
  const half =
    (studentTQuantile((1 + confidence) / 2, diffs.length - 1) * stdev(diffs)) / Math.sqrt(diffs.length);
  return { mean: m, low: m - half, high: m + half };
}

/**
 * Per-strategy statistics of total_cost_bps, sorted by strategy label, each with its paired difference to
 * `baseline` (default "twap"; the baseline's own row has difference 0).
 */
export function strategyStats(
  rows: readonly StrategyCostRow[],
  opts: { baseline?: string; confidence?: number } = {},
): StrategyStats[] {
  const baseline = opts.baseline ?? "twap";
  const byStrategy = new Map<string, Map<string, number>>();
  const noData = new Map<string, number>();
  const seen = new Set<string>();
  for (const r of rows) {
    let m = byStrategy.get(r.strategy);
    if (m === undefined) byStrategy.set(r.strategy, (m = new Map()));
    const key = `${r.strategy}\u0000${r.orderKey}`;
    if (seen.has(key)) {
      throw new InputError(
        `strategy "${r.strategy}" has two rows for order "${r.orderKey}"; include the parameter set in the strategy label`,
      );
    }
    seen.add(key);
    if (r.status === "no_data") noData.set(r.strategy, (noData.get(r.strategy) ?? 0) + 1);
    else m.set(r.orderKey, r.totalCostBps);
  }
  const base = byStrategy.get(baseline);
  return [...byStrategy.keys()].sort().map((strategy) => {
    const costs = byStrategy.get(strategy)!;
    const finite = [...costs.values()].filter(Number.isFinite);
    let vsBaseline: PairedDifference | null = null;
    if (base !== undefined) {
      const diffs: number[] = [];
      let wins = 0;
      for (const [key, c] of costs) {
        const b = base.get(key);
        if (b === undefined || !Number.isFinite(b) || !Number.isFinite(c)) continue;
        diffs.push(c - b);
        if (isWin(c, b)) wins++;
      }
      const ci = meanConfidenceInterval(diffs, opts.confidence ?? 0.95);
      vsBaseline = {
        baseline,
        n: diffs.length,
        meanDiffBps: ci.mean,
        ciLowBps: ci.low,
        ciHighBps: ci.high,
        winRate: diffs.length > 0 ? wins / diffs.length : Number.NaN,
      };
    }
    return {
      strategy,
      n: finite.length,
      noData: noData.get(strategy) ?? 0,
      meanBps: mean(finite),
      medianBps: median(finite),
      stdevBps: stdev(finite),
      vsBaseline,
    };
  });
}
