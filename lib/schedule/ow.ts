/**
 * Obizhaeva-Wang optimal execution with alpha (docs/models.md section 4), SIDE-ADJUSTED: `shares` > 0 to trade in
 * the parent's direction, alpha and impact multiplied by the side s (positive = against us).
 * Units: seconds, dollars, shares; beta per second; lambdaUsd dollars of impact per share
 * (dI = -beta I dt + lambdaUsd dQ).
 *
 * On (0, T), with g(t) = (alpha(t) - alpha'(t) / beta) / 2:
 *   I*(t) = K + g(t),   K = (lambdaUsd S + I0 - alpha(T) - beta int_0^T g dt) / (2 + beta T)
 *   initial block q0 = (I*(0+) - I0) / lambdaUsd
 *   rate dQ/dt = (d(I*)/dt + beta I*) / lambdaUsd, so Q(t) = q0 + (g(t) - g(0) + beta K t + beta G(t)) / lambdaUsd
 *     with G(t) = int_0^t g = (int_0^t alpha - (alpha(t) - alpha(0)) / beta) / 2
 *   terminal block qT = (K + alpha(T) - g(T)) / lambdaUsd, bringing the impact to 2K + alpha(T).
 *
 * No trading against the parent side: when the analytic plan has a negative block or a grid cell with
 * negative planned trading (beyond 1e-9 S), the plan is replaced by the exact optimum of the DISCRETE program
 * (owDiscrete.ts) on a grid of step `gridStepS` with q >= 0 and sum q = S (active-set solve). This is the
 * "clip to zero and re-solve K" of docs/models.md done consistently: on the trading set the optimum is again
 * impact = constant + g, with the constant fitted so the total is S.
 */
import { ModelError } from "../core/errors.ts";
import { type AlphaPath, alphaIntegral } from "./alphaPath.ts";
import { solveDiscreteOwNonNegative } from "./owDiscrete.ts";
import type { ImpactParams } from "./types.ts";

export interface OwProblem extends ImpactParams {
  /** Shares to trade, S >= 0 (side-adjusted). */
  readonly shares: number;
  /** Remaining horizon T, seconds. */
  readonly horizonS: number;
  /** Own impact before trading, I(0-), side-adjusted dollars. */
  readonly impactUsd: number;
  readonly alpha: AlphaPath;
}

export interface OwOptions {
  /** Grid step for the no-selling check and the clipped re-solve, seconds; default T / 200. */
  readonly gridStepS?: number;
}

export interface OwPlan {
  /** true when the analytic plan traded against the side and the discrete q >= 0 program was used. */
  readonly clipped: boolean;
  /** Impact level K of the analytic solution, dollars (NaN when clipped). */
  readonly kUsd: number;
  /** Block at t = 0, shares. */
  readonly initialBlock: number;
  /** Block at t = T, shares. */
  readonly terminalBlock: number;
  /** Q(t): cumulative planned shares traded in [0, t] (right-continuous, Q(T) = S), shares. */
  cumulative(t: number): number;
  /** Planned shares in [0, t): q0 + int_0^t rate, and all of S (terminal block included) once t >= T. */
  tradedBefore(t: number): number;
}

const T_TOL = 1e-9;

function validate(p: OwProblem): void {
  if (!(p.lambdaUsd > 0) || !Number.isFinite(p.lambdaUsd) || !(p.beta > 0) || !Number.isFinite(p.beta)) {
    throw new ModelError(
      `OW needs finite lambdaUsd > 0 ($/share) and beta > 0 (1/s), got lambdaUsd=${p.lambdaUsd} beta=${p.beta}`,
    );
  }
  if (!Number.isFinite(p.shares) || !Number.isFinite(p.horizonS) || !Number.isFinite(p.impactUsd)) {
    throw new ModelError(
      `OW needs finite shares, horizon and impact, got ${p.shares}, ${p.horizonS} s, ${p.impactUsd} $`,
    );
  }
}

function isAfterEnd(t: number, horizonS: number): boolean {
  return t >= horizonS - T_TOL * Math.max(1, horizonS);
}

/** Everything now: T <= 0 or nothing to trade. */
function blockPlan(shares: number): OwPlan {
  const s = Math.max(0, shares);
  return {
    clipped: false,
    kUsd: Number.NaN,
    initialBlock: s,
    terminalBlock: 0,
    cumulative: (t) => (t >= 0 ? s : 0),
    tradedBefore: (t) => (t > 0 ? s : 0),
  };
}

interface AnalyticParts {
  readonly k: number;
  readonly q0: number;
  readonly qT: number;
  /** int_0^t rate, 0 <= t <= T (continuous trading only), shares. */
  readonly flow: (t: number) => number;
}

function analyticParts(p: OwProblem): AnalyticParts {
  const { lambdaUsd: lam, beta, horizonS: T, shares: S, impactUsd: i0, alpha } = p;
  const g = (t: number) => (alpha.value(t) - alpha.slope(t) / beta) / 2;
  const a0 = alpha.value(0);
  const G = (t: number) => (alphaIntegral(alpha, t) - (alpha.value(t) - a0) / beta) / 2;
  const k = (lam * S + i0 - alpha.value(T) - beta * G(T)) / (2 + beta * T);
  const g0 = g(0);
  return {
    k,
    q0: (k + g0 - i0) / lam,
    qT: (k + alpha.value(T) - g(T)) / lam,
    flow: (t) => (g(t) - g0 + beta * k * t + beta * G(t)) / lam,
  };
}

/** The unconstrained analytic OW plan (may trade against the side; see solveOw). */
export function owAnalytic(p: OwProblem): OwPlan {
  validate(p);
  const { horizonS: T, shares: S } = p;
  if (T <= 0) return blockPlan(S);
  const { k, q0, qT, flow } = analyticParts(p);
  return {
    clipped: false,
    kUsd: k,
    initialBlock: q0,
    terminalBlock: qT,
    cumulative: (t) => (t < 0 ? 0 : isAfterEnd(t, T) ? (t >= T ? S : S - qT) : q0 + flow(t)),
    tradedBefore: (t) => (t <= 0 ? 0 : isAfterEnd(t, T) ? S : q0 + flow(t)),
  };
}

/** Grid 0 = t_0 < t_1 < ... < t_n = T with step `step` (the last cell may be shorter). */
export function timeGrid(horizonS: number, step: number): Float64Array {
  const n = Math.max(1, Math.ceil(horizonS / step - 1e-9));
  const t = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++) t[i] = Math.min(i * step, horizonS);
  t[n] = horizonS;
  return t;
}

function discretePlan(p: OwProblem, times: Float64Array): OwPlan {
  const q = solveDiscreteOwNonNegative({ ...p, times });
  const n = times.length;
  const S = Math.max(0, p.shares);
  const sumWhere = (pred: (tk: number) => boolean) => {
    let s = 0;
    for (let k = 0; k < n; k++) if (pred(times[k]!)) s += q[k]!;
    return s;
  };
  return {
    clipped: true,
    kUsd: Number.NaN,
    initialBlock: q[0]!,
    terminalBlock: q[n - 1]!,
    cumulative: (t) => (t < 0 ? 0 : t >= p.horizonS ? S : sumWhere((tk) => tk <= t + 1e-9)),
    tradedBefore: (t) => (t <= 0 ? 0 : isAfterEnd(t, p.horizonS) ? S : sumWhere((tk) => tk < t - 1e-9)),
  };
}

/**
 * The OW plan with no trading against the parent side: the analytic plan when it is non-negative
 * (blocks and every grid cell of step gridStepS), else the discrete q >= 0 optimum on that grid.
 */
export function solveOw(p: OwProblem, options: OwOptions = {}): OwPlan {
  validate(p);
  if (p.shares <= 0) return blockPlan(0);
  if (p.horizonS <= 0) return blockPlan(p.shares);
  const step = options.gridStepS ?? p.horizonS / 200;
  if (!(step > 0)) throw new ModelError(`OW grid step must be > 0 seconds, got ${step}`);
  const parts = analyticParts(p);
  const tol = 1e-9 * p.shares;
  const times = timeGrid(p.horizonS, step);
  let ok = parts.q0 >= -tol && parts.qT >= -tol;
  let prev = 0;
  for (let i = 1; ok && i < times.length; i++) {
    const f = parts.flow(times[i]!);
    ok = f - prev >= -tol;
    prev = f;
  }
  return ok ? owAnalytic(p) : discretePlan(p, times);
}

/** Q(t_i) (right-continuous cumulative planned shares) at each grid time, shares. */
export function cumulativeOnGrid(plan: OwPlan, times: ArrayLike<number>): Float64Array {
  const out = new Float64Array(times.length);
  for (let i = 0; i < times.length; i++) out[i] = plan.cumulative(times[i]!);
  return out;
}
