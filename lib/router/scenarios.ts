/**
 * Scenario machinery of the Cont-Kukanov router (lib/router/contKukanov.ts): the cost of one outflow scenario,
 * scenario sampling (i.i.d. or Latin hypercube), and the per-venue closed-form starting point.
 */
import type { Rng } from "../core/rng.ts";
import { sampleHorizonOutflow, stratifiedHorizonOutflows } from "./outflow.ts";
import type { RouterParams, Venue } from "./types.ts";

/** Cost v (dollars) of one scenario: allocation (m, l) with outflows xi at venues (queue q, h + r_k = hr). */
export function scenarioCost(
  m: number,
  l: Float64Array,
  xi: Float64Array,
  off: number,
  q: Float64Array,
  hr: Float64Array,
  k: number,
  x: number,
  p: RouterParams,
): number {
  let a = m;
  let v = (p.halfSpreadUsd + p.takerFeeUsd + p.thetaUsd) * m;
  for (let i = 0; i < k; i++) {
    const avail = xi[off + i]! - q[i]!;
    const fill = avail <= 0 ? 0 : Math.min(avail, l[i]!);
    a += fill;
    v += p.thetaUsd * l[i]! - hr[i]! * fill;
  }
  const under = Math.max(x - a, 0);
  return v + (p.lambdaU + p.thetaUsd) * under + p.lambdaO * Math.max(a - x, 0);
}

/**
 * Cost v of one scenario in dollars (see the module doc), for tests and reports: `limits[k]` and
 * `outflows[k]` (shares over the horizon) per venue of `venues`.
 */
export function routerCost(
  x: number,
  market: number,
  limits: readonly number[],
  outflows: readonly number[],
  venues: readonly Pick<Venue, "queueAhead" | "rebateUsd">[],
  p: RouterParams,
): number {
  const k = venues.length;
  const q = Float64Array.from(venues, (v) => v.queueAhead);
  const hr = Float64Array.from(venues, (v) => p.halfSpreadUsd + v.rebateUsd);
  return scenarioCost(market, Float64Array.from(limits), Float64Array.from(outflows), 0, q, hr, k, x, p);
}

/**
 * Draw n scenarios x k venues of horizon outflow (shares) into a row-major Float64Array: i.i.d. draws, or
 * (stratified) a Latin hypercube column per venue and per-minute draw, i.i.d. for a venue without quantile.
 */
export function drawScenarios(
  active: readonly Venue[],
  n: number,
  horizonS: number,
  rng: Rng,
  stratified: boolean,
): Float64Array {
  const k = active.length;
  const xi = new Float64Array(n * k);
  if (!stratified) {
    for (let s = 0; s < n; s++) {
      for (let i = 0; i < k; i++) xi[s * k + i] = sampleHorizonOutflow(active[i]!.outflow, rng, horizonS);
    }
    return xi;
  }
  const perm = new Int32Array(n);
  const u = new Float64Array(n);
  for (let i = 0; i < k; i++) {
    const d = active[i]!.outflow;
    if (d.quantile) stratifiedHorizonOutflows(d, rng, horizonS, n, xi, i, k, perm, u);
    else for (let s = 0; s < n; s++) xi[s * k + i] = sampleHorizonOutflow(d, rng, horizonS);
  }
  return xi;
}

/** The r-th smallest (0-based) of a[0..a.length) by quickselect (middle pivot); reorders a. */
function kthSmallest(a: Float64Array, r: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (r <= j) hi = j;
    else if (r >= i) lo = i;
    else break;
  }
  return a[r]!;
}

/**
 * Starting point "closedForm": per venue the single-venue closed form on the sampled outflows,
 * L_k = clip(F_N^-1(p_k) - Q_k, 0, X) (F_N^-1(p) = the ceil(p N)-th smallest sample, by quickselect), scaled down so that
 * sum L_k <= X; writes L into l and returns M = X - sum L_k (shares).
 */
export function closedFormStart(
  xi: Float64Array,
  n: number,
  k: number,
  q: Float64Array,
  hr: Float64Array,
  x: number,
  p: RouterParams,
  l: Float64Array,
): number {
  const col = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < k; i++) {
    const den = p.lambdaU + p.thetaUsd + hr[i]!;
    const num = p.halfSpreadUsd + p.takerFeeUsd + hr[i]!; // 2h + f + r_k
    let level: number;
    if (!(den > 0) || num >= den) level = Number.POSITIVE_INFINITY;
    else if (num <= 0) level = 0;
    else {
      for (let s = 0; s < n; s++) col[s] = xi[s * k + i]!;
      level = kthSmallest(col, Math.min(n - 1, Math.max(0, Math.ceil((num / den) * n) - 1)));
    }
    l[i] = Math.min(Math.max(level - q[i]!, 0), x);
    total += l[i]!;
  }
  if (total > x) for (let i = 0; i < k; i++) l[i] = (l[i]! * x) / total;
  return x - Math.min(total, x);
}
