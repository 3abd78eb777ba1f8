/**
 * Per-strategy summary of execution rows (docs/models.md section 8, run level): mean / median / stdev of
 * total_cost_bps (per PARENT share) and the paired difference to the twap baseline (95% CI, win rate), with
 * the mean fill rate, implementation shortfall, opportunity cost and passive share beside them. Rows with
 * status no_data are left out of every statistic (counted in `no_data`). Days on default parameters are
 * never pooled with calibrated days: each strategy gets one row per calibration_source present.
 * The two effects the project measures have their own paired differences (`summarizeGains`): routing gain
 * (x/sor vs x/market) and alpha gain (alpha=K vs alpha=none of the same strategy and exec). In an impact grid
 * (labels ending in `/impact=NAME`) each model's strategies are paired with that model's twap/market.
 */
import { OVERRIDE_KEYS } from "../calibration/overrides.ts";
import { isWin, mean, meanConfidenceInterval, strategyStats } from "../metrics/index.ts";
import type { CellValue } from "../results/schema.ts";

/** The baseline every strategy is paired against. */
export const BASELINE_STRATEGY = "twap/market";

export interface StrategySummary {
  readonly strategy: string;
  /** prior_days or default: the two are summarised apart. */
  readonly calibration_source: string;
  /** Parent orders with status ok. */
  readonly orders: number;
  /** Parent orders with status no_data (left out of every statistic). */
  readonly no_data: number;
  readonly fill_rate: number;
  readonly is_bps: number;
  /** Mean own-impact overlay cost per parent share, bps; 0 with impact model none. */
  readonly impact_bps: number;
  /** Mean replay walk beyond the data's best per parent share, bps. */
  readonly walk_bps: number;
  readonly opportunity_bps: number;
  readonly total_cost_bps: number;
  readonly median_cost_bps: number;
  readonly stdev_bps: number;
  readonly vs_twap_bps: number;
  readonly vs_twap_ci_low: number;
  readonly vs_twap_ci_high: number;
  readonly win_rate: number;
  readonly passive_share: number;
  readonly overfill_shares: number;
  readonly look_ahead: boolean;
}

/** A paired difference of total_cost_bps between two strategies over the same parent orders. */
export interface GainSummary {
  /** "routing" (x/sor - x/market) or "alpha" (alpha=K - alpha=none). */
  readonly kind: "routing" | "alpha";
  readonly strategy: string;
  readonly baseline: string;
  readonly calibration_source: string;
  /** Parent orders with a finite cost under both. */
  readonly n: number;
  /** Mean of cost(strategy) - cost(baseline), bps per parent share; negative = the strategy is cheaper. */
  readonly diff_bps: number;
  readonly ci_low: number;
  readonly ci_high: number;
  /** Share of the paired orders where the strategy is strictly cheaper. */
  readonly win_rate: number;
}

type Row = Record<string, CellValue>;

const orderKey = (r: Row) => `${r.symbol}|${r.date}|${r.order_id}`;
const isOk = (r: Row) => r.status !== "no_data";

/** Rows grouped by calibration_source, prior_days first. */
function byCalibration(rows: readonly Row[]): [string, Row[]][] {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const k = String(r.calibration_source ?? "default");
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(r);
  }
  return [...groups].sort((a, b) => (a[0] === "prior_days" ? -1 : b[0] === "prior_days" ? 1 : 0));
}

/**
 * The parameter-set tag of a label: its trailing segments that name an override set (`lambda_scale=2`,
 * lib/calibration/overrides.ts) or an impact model of a grid (`impact=sqrt`, docs/models.md 6.6); "" for none.
 */
export function parameterSetTag(label: string): string {
  const parts = label.split("/");
  const setKey = (seg: string) =>
    seg.startsWith("impact=") || OVERRIDE_KEYS.some((k) => seg.startsWith(`${k}=`));
  const i = parts.findIndex((seg, j) => j >= 2 && setKey(seg));
  return i < 0 ? "" : parts.slice(i).join("/");
}

/**
 * Rows by calibration_source, then by parameter set (override set and/or impact model of a grid), each with
 * its baseline: ow/market/lambda_scale=2/impact=sqrt pairs with twap/market/lambda_scale=2/impact=sqrt.
 */
function pairingGroups(rows: readonly Row[], baseline: string): [string, Row[], string][] {
  const out: [string, Row[], string][] = [];
  for (const [source, group] of byCalibration(rows)) {
    const byTag = new Map<string, Row[]>();
    for (const r of group) {
      const tag = parameterSetTag(String(r.strategy));
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag)!.push(r);
    }
    for (const [tag, g] of byTag) out.push([source, g, tag ? `${baseline}/${tag}` : baseline]);
  }
  return out;
}

export function summarizeStrategies(rows: readonly Row[], baseline = BASELINE_STRATEGY): StrategySummary[] {
  const out: StrategySummary[] = [];
  for (const [source, group, base] of pairingGroups(rows, baseline)) {
    const stats = strategyStats(
      group.map((r) => ({
        strategy: String(r.strategy),
        orderKey: orderKey(r),
        totalCostBps: Number(r.total_cost_bps),
        status: r.status === "no_data" ? "no_data" : "ok",
      })),
      { baseline: base },
    );
    for (const s of stats) {
      const mine = group.filter((r) => r.strategy === s.strategy && isOk(r));
      const col = (k: string) => mean(mine.map((r) => Number(r[k])).filter(Number.isFinite));
      const vs = s.strategy === base ? null : s.vsBaseline;
      out.push({
        strategy: s.strategy,
        calibration_source: source,
        orders: mine.length,
        no_data: s.noData,
        fill_rate: col("fill_rate"),
        is_bps: col("is_bps"),
        impact_bps: col("impact_cost_bps"),
        walk_bps: col("walk_cost_bps"),
        opportunity_bps: col("opportunity_bps"),
        total_cost_bps: s.meanBps,
        median_cost_bps: s.medianBps,
        stdev_bps: s.stdevBps,
        vs_twap_bps: vs?.meanDiffBps ?? Number.NaN,
        vs_twap_ci_low: vs?.ciLowBps ?? Number.NaN,
        vs_twap_ci_high: vs?.ciHighBps ?? Number.NaN,
        win_rate: vs?.winRate ?? Number.NaN,
        passive_share: col("passive_share"),
        overfill_shares: mine.reduce((a, r) => a + Number(r.overfill_shares ?? 0), 0),
        look_ahead: mine.some((r) => r.look_ahead === true),
      });
    }
  }
  return out;
}

/**
 * The pairs a label has: routing (its `/sor/` or trailing `/sor` replaced by `/market`) and alpha (its
 * `alpha=K`, K != none, replaced by `alpha=none`).
 */
export function pairsOf(label: string): { kind: GainSummary["kind"]; baseline: string }[] {
  const out: { kind: GainSummary["kind"]; baseline: string }[] = [];
  const parts = label.split("/");
  if (parts[1] === "sor")
    out.push({ kind: "routing", baseline: [parts[0], "market", ...parts.slice(2)].join("/") });
  const a = parts.findIndex((p) => p.startsWith("alpha=") && p !== "alpha=none");
  if (a >= 0)
    out.push({ kind: "alpha", baseline: parts.map((p, i) => (i === a ? "alpha=none" : p)).join("/") });
  return out;
}

/** Routing and alpha gains of every strategy whose pair is in the rows (ok rows; per calibration_source). */
export function summarizeGains(rows: readonly Row[], confidence = 0.95): GainSummary[] {
  const out: GainSummary[] = [];
  for (const [source, group] of byCalibration(rows)) {
    const cost = new Map<string, Map<string, number>>();
    for (const r of group) {
      if (!isOk(r)) continue;
      const s = String(r.strategy);
      if (!cost.has(s)) cost.set(s, new Map());
      cost.get(s)!.set(orderKey(r), Number(r.total_cost_bps));
    }
    for (const strategy of [...cost.keys()].sort()) {
      for (const { kind, baseline } of pairsOf(strategy)) {
        const base = cost.get(baseline);
        if (!base) continue;
        const diffs: number[] = [];
        let wins = 0;
        for (const [k, c] of cost.get(strategy)!) {
          const b = base.get(k);
          if (b === undefined || !Number.isFinite(b) || !Number.isFinite(c)) continue;
          diffs.push(c - b);
          if (isWin(c, b)) wins++;
        }
        const ci = meanConfidenceInterval(diffs, confidence);
        out.push({
          kind,
          strategy,
          baseline,
          calibration_source: source,
          n: diffs.length,
          diff_bps: ci.mean,
          ci_low: ci.low,
          ci_high: ci.high,
          win_rate: diffs.length > 0 ? wins / diffs.length : Number.NaN,
        });
      }
    }
  }
  return out;
}
