/**
 * Exact Euclidean projection onto the router's feasible set (docs/models.md section 5)
 *   C = { (M, L_1..L_K) : 0 <= M <= X, L_k >= 0, M + sum_k L_k >= X }.
 *
 * KKT: with a multiplier mu >= 0 on the sum constraint, M = clip(m + mu, 0, X), L_k = max(l_k + mu, 0).
 * If mu = 0 already satisfies the sum, that is the projection; otherwise mu > 0 solves
 * phi(mu) = clip(m + mu, 0, X) + sum_k max(l_k + mu, 0) = X, a continuous non-decreasing piecewise-linear
 * function whose breakpoints are -m, X - m and -l_k: walk the sorted breakpoints, interpolate linearly.
 */

/** Scratch buffers for `projectInPlace`, sized for K venues (reuse across calls: no allocation). */
export interface ProjectionScratch {
  readonly breaks: Float64Array;
  /** M in and out of `projectScratchInPlace` (a field, not an argument: no number is boxed per call). */
  m: number;
}

/** Allocate the scratch buffers once per solve (k + 2 breakpoints: -m, X - m and -l_k). */
export function projectionScratch(k: number): ProjectionScratch {
  return { breaks: new Float64Array(k + 2), m: 0 };
}

function phi(mu: number, m: number, l: Float64Array, k: number, x: number): number {
  let s = Math.min(Math.max(m + mu, 0), x);
  for (let i = 0; i < k; i++) s += Math.max(l[i]! + mu, 0);
  return s;
}

/** Insert v into the sorted prefix b[0..nb) when v > 0; returns the new length. */
function insertPositive(b: Float64Array, nb: number, v: number): number {
  if (!(v > 0)) return nb;
  let j = nb;
  while (j > 0 && b[j - 1]! > v) {
    b[j] = b[j - 1]!;
    j--;
  }
  b[j] = v;
  return nb + 1;
}

/**
 * Project (m, l[0..k-1]) onto C in place; returns the projected M (the limits are written into `l`).
 * Units: shares. x > 0 is the child order size X.
 */
export function projectInPlace(
  m: number,
  l: Float64Array,
  k: number,
  x: number,
  scratch: ProjectionScratch,
): number {
  scratch.m = m;
  projectScratchInPlace(l, k, x, scratch);
  return scratch.m;
}

/**
 * `projectInPlace` with M in `scratch.m` (read and written): the optimizer's loop calls this thousands of
 * times per solve, and a double passed to or returned from a call that is not inlined is boxed.
 */
export function projectScratchInPlace(
  l: Float64Array,
  k: number,
  x: number,
  scratch: ProjectionScratch,
): void {
  const m = scratch.m;
  if (phi(0, m, l, k, x) >= x) {
    for (let i = 0; i < k; i++) if (l[i]! < 0) l[i] = 0;
    scratch.m = Math.min(Math.max(m, 0), x);
    return;
  }
  // Sorted positive breakpoints (insertion sort: k is a handful of venues).
  const b = scratch.breaks;
  let nb = insertPositive(b, 0, -m);
  nb = insertPositive(b, nb, x - m);
  for (let i = 0; i < k; i++) nb = insertPositive(b, nb, -l[i]!);
  let lo = 0;
  let fLo = phi(0, m, l, k, x);
  let mu = Number.NaN;
  for (let j = 0; j < nb; j++) {
    const hi = b[j]!;
    const fHi = phi(hi, m, l, k, x);
    if (fHi >= x) {
      mu = fHi === fLo ? hi : lo + ((x - fLo) * (hi - lo)) / (fHi - fLo);
      break;
    }
    lo = hi;
    fLo = fHi;
  }
  if (Number.isNaN(mu)) {
    // Past the last breakpoint phi has slope (number of active pieces) >= 1 when k >= 1.
    let slope = 0;
    if (m + lo > 0 && m + lo < x) slope++;
    for (let i = 0; i < k; i++) if (l[i]! + lo >= 0) slope++;
    mu = slope > 0 ? lo + (x - fLo) / slope : x - m;
  }
  for (let i = 0; i < k; i++) l[i] = Math.max(l[i]! + mu, 0);
  scratch.m = Math.min(Math.max(m + mu, 0), x);
}
