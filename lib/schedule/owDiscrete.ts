/**
 * Discrete Obizhaeva-Wang quadratic program (docs/models.md sections 4 and 9): trades q_k at grid times t_k,
 * k = 0..n (t_0 = 0, t_n = T, strictly increasing, seconds), side-adjusted.
 *
 *   expected cost C(q) = sum_k q_k (P_u(t_k) - P_u(0) + I(t_k-) + lambdaUsd q_k / 2)       (dollars)
 *   I(t_k-) = I0 exp(-beta t_k) + sum_{j<k} lambdaUsd q_j exp(-beta (t_k - t_j))
 *   P_u(t_k) - P_u(0) = alpha(0) - alpha(t_k)
 *
 * i.e. C(q) = c.q + q' H q / 2 with c_k = alpha(0) - alpha(t_k) + I0 exp(-beta t_k) and
 * H_jk = lambdaUsd exp(-beta |t_j - t_k|). Minimized subject to sum q = S, optionally q >= 0.
 */
import { ModelError } from "../core/errors.ts";
import type { AlphaPath } from "./alphaPath.ts";
import type { ImpactParams } from "./types.ts";

export interface DiscreteOwProblem extends ImpactParams {
  /** Shares to trade in total (side-adjusted, >= 0). */
  readonly shares: number;
  /** Own impact before the first trade, I(0-), side-adjusted dollars. */
  readonly impactUsd: number;
  readonly alpha: AlphaPath;
  /** Trade times t_0 = 0 < t_1 < ... < t_n = T, seconds. */
  readonly times: Float64Array;
}

function validate(p: DiscreteOwProblem): void {
  if (!(p.lambdaUsd > 0) || !(p.beta > 0) || !Number.isFinite(p.beta) || !Number.isFinite(p.lambdaUsd)) {
    throw new ModelError(
      `the OW program needs finite lambdaUsd > 0 and beta > 0, got lambdaUsd=${p.lambdaUsd} beta=${p.beta}`,
    );
  }
  const t = p.times;
  if (t.length === 0) throw new ModelError("the OW program needs at least one trade time; pass times = [0]");
  for (let k = 1; k < t.length; k++) {
    if (!(t[k]! > t[k - 1]!)) throw new ModelError(`trade times must strictly increase; t[${k}] = ${t[k]}`);
  }
}

/** Linear cost coefficients c_k = alpha(0) - alpha(t_k) + I0 exp(-beta t_k), dollars per share. */
export function discreteOwLinearCost(p: DiscreteOwProblem): Float64Array {
  const a0 = p.alpha.value(0);
  const c = new Float64Array(p.times.length);
  for (let k = 0; k < c.length; k++) {
    const tk = p.times[k]!;
    c[k] = a0 - p.alpha.value(tk) + p.impactUsd * Math.exp(-p.beta * tk);
  }
  return c;
}

/** Expected cost C(q) in dollars, relative to P_u(0) S (O(n) via the impact recursion). */
export function discreteOwCost(p: DiscreteOwProblem, q: ArrayLike<number>): number {
  const c = discreteOwLinearCost(p);
  let own = 0; // sum_{j<k} lambda q_j exp(-beta (t_k - t_j))
  let cost = 0;
  for (let k = 0; k < c.length; k++) {
    if (k > 0) own *= Math.exp(-p.beta * (p.times[k]! - p.times[k - 1]!));
    const qk = q[k]!;
    cost += qk * (c[k]! + own + (p.lambdaUsd * qk) / 2);
    own += p.lambdaUsd * qk;
  }
  return cost;
}

/**
 * The ORACLE: exact minimizer of C(q) subject to sum q = S (no sign constraint), from the dense KKT system
 * [H 1; 1' 0] [q; nu] = [-c; S] solved by Gaussian elimination with partial pivoting. O(n^3): keep n <~ 500.
 */
export function solveDiscreteOwKkt(p: DiscreteOwProblem): Float64Array {
  validate(p);
  const n = p.times.length;
  const m = n + 1;
  const a = new Float64Array(m * (m + 1)); // augmented [A | b], row-major
  const c = discreteOwLinearCost(p);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      a[i * (m + 1) + j] = p.lambdaUsd * Math.exp(-p.beta * Math.abs(p.times[i]! - p.times[j]!));
    }
    a[i * (m + 1) + n] = 1;
    a[i * (m + 1) + m] = -c[i]!;
    a[n * (m + 1) + i] = 1;
  }
  a[n * (m + 1) + m] = p.shares;
  const x = gaussSolve(a, m);
  return x.subarray(0, n).slice();
}

function gaussSolve(a: Float64Array, m: number): Float64Array {
  const w = m + 1;
  for (let col = 0; col < m; col++) {
    let piv = col;
    for (let r = col + 1; r < m; r++) if (Math.abs(a[r * w + col]!) > Math.abs(a[piv * w + col]!)) piv = r;
    if (a[piv * w + col] === 0)
      throw new ModelError("singular OW KKT system; check that trade times are distinct");
    if (piv !== col) {
      for (let j = col; j < w; j++) {
        const tmp = a[col * w + j]!;
        a[col * w + j] = a[piv * w + j]!;
        a[piv * w + j] = tmp;
      }
    }
    const d = a[col * w + col]!;
    for (let r = col + 1; r < m; r++) {
      const f = a[r * w + col]! / d;
      if (f === 0) continue;
      for (let j = col; j < w; j++) a[r * w + j] = a[r * w + j]! - f * a[col * w + j]!;
    }
  }
  const x = new Float64Array(m);
  for (let r = m - 1; r >= 0; r--) {
    let s = a[r * w + m]!;
    for (let j = r + 1; j < m; j++) s -= a[r * w + j]! * x[j]!;
    x[r] = s / a[r * w + r]!;
  }
  return x;
}

/**
 * x = E_F^{-1} v for the kernel E_jk = exp(-beta |t_j - t_k|) restricted to the indices `idx` (sorted).
 * The kernel is the correlation of a Markov (Ornstein-Uhlenbeck) process, so its inverse is tridiagonal:
 * with a_i = exp(-beta (t_{i+1} - t_i)) and d_i = 1 / (1 - a_i^2),
 * P_00 = d_0, P_mm = d_{m-1}, P_ii = d_{i-1} + d_i - 1, P_{i,i+1} = -a_i d_i. O(|F|).
 */
function applyKernelInverse(
  times: Float64Array,
  beta: number,
  idx: Int32Array,
  count: number,
  v: Float64Array,
  out: Float64Array,
): void {
  if (count === 1) {
    out[0] = v[0]!;
    return;
  }
  let dPrev = 0; // d_{i-1}
  let offPrev = 0; // P_{i-1,i}
  for (let i = 0; i < count; i++) {
    let d = 0;
    let off = 0;
    if (i < count - 1) {
      const dt = times[idx[i + 1]!]! - times[idx[i]!]!;
      d = 1 / -Math.expm1(-2 * beta * dt);
      off = -Math.exp(-beta * dt) * d;
    }
    const diag = i === 0 ? d : i === count - 1 ? dPrev : dPrev + d - 1;
    let s = diag * v[i]!;
    if (i > 0) s += offPrev * v[i - 1]!;
    if (i < count - 1) s += off * v[i + 1]!;
    out[i] = s;
    dPrev = d;
    offPrev = off;
  }
}

/** (E q)_i = sum_j exp(-beta |t_i - t_j|) q_j in O(n) (forward + backward recursions). */
function applyKernel(times: Float64Array, beta: number, q: Float64Array, out: Float64Array): void {
  const n = q.length;
  let f = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0) f *= Math.exp(-beta * (times[i]! - times[i - 1]!));
    f += q[i]!;
    out[i] = f;
  }
  let b = 0;
  for (let i = n - 2; i >= 0; i--) {
    b = (b + q[i + 1]!) * Math.exp(-beta * (times[i + 1]! - times[i]!));
    out[i] = out[i]! + b;
  }
}

/**
 * Minimizer of C(q) subject to sum q = S and q >= 0 (no trading against the parent side): primal active-set
 * method (Nocedal & Wright, Algorithm 16.3) from the feasible start q = S / (n + 1). Each equality-constrained
 * subproblem on the free set F is solved in O(|F|) through the tridiagonal inverse of the kernel:
 * q_F = -(E_F^{-1} c_F + nu E_F^{-1} 1) / lambda, nu = -(lambda S + 1'E_F^{-1} c_F) / 1'E_F^{-1} 1.
 */
export function solveDiscreteOwNonNegative(p: DiscreteOwProblem): Float64Array {
  validate(p);
  const n = p.times.length;
  const lam = p.lambdaUsd;
  const S = Math.max(0, p.shares);
  const q = new Float64Array(n).fill(S / n);
  if (S === 0) return q.fill(0);
  const c = discreteOwLinearCost(p);
  const fixed = new Uint8Array(n); // 1 = in the working set (q_i = 0)
  const idx = new Int32Array(n);
  const cF = new Float64Array(n);
  const ones = new Float64Array(n).fill(1);
  const pa = new Float64Array(n);
  const pb = new Float64Array(n);
  const grad = new Float64Array(n);
  let cScale = 0;
  for (let i = 0; i < n; i++) cScale = Math.max(cScale, Math.abs(c[i]!));
  const stepTol = 1e-12 * S;
  const muTol = 1e-10 * (lam * S + cScale);
  for (let iter = 0; iter < 20 * n + 100; iter++) {
    let m = 0;
    for (let i = 0; i < n; i++) {
      if (fixed[i]) continue;
      idx[m] = i;
      cF[m] = c[i]!;
      m++;
    }
    applyKernelInverse(p.times, p.beta, idx, m, cF, pa);
    applyKernelInverse(p.times, p.beta, idx, m, ones, pb);
    let sa = 0;
    let sb = 0;
    for (let j = 0; j < m; j++) {
      sa += pa[j]!;
      sb += pb[j]!;
    }
    const nu = -(lam * S + sa) / sb;
    // Step towards the subproblem optimum, stopping at the first bound that blocks.
    let alphaStep = 1;
    let blocking = -1;
    let maxStep = 0;
    for (let j = 0; j < m; j++) {
      const i = idx[j]!;
      const target = -(pa[j]! + nu * pb[j]!) / lam;
      const d = target - q[i]!;
      maxStep = Math.max(maxStep, Math.abs(d));
      if (d < 0 && q[i]! + alphaStep * d < 0) {
        alphaStep = q[i]! / -d;
        blocking = i;
      }
    }
    if (maxStep > stepTol) {
      for (let j = 0; j < m; j++) {
        const i = idx[j]!;
        q[i] = q[i]! + alphaStep * (-(pa[j]! + nu * pb[j]!) / lam - q[i]!);
      }
      if (blocking >= 0) {
        q[blocking] = 0;
        fixed[blocking] = 1;
      }
      continue;
    }
    // Subproblem optimal: check the bound multipliers mu_i = dC/dq_i + nu >= 0 on the working set.
    applyKernel(p.times, p.beta, q, grad);
    let worst = -1;
    let worstMu = -muTol;
    for (let i = 0; i < n; i++) {
      if (!fixed[i]) continue;
      const mu = lam * grad[i]! + c[i]! + nu;
      if (mu < worstMu) {
        worstMu = mu;
        worst = i;
      }
    }
    if (worst < 0) {
      for (let i = 0; i < n; i++) if (q[i]! < 0) q[i] = 0;
      return q;
    }
    fixed[worst] = 0;
  }
  throw new ModelError(`OW active-set solve did not converge for ${n} trade times; use a coarser grid`);
}
