/**
 * Pure estimators over regularly sampled series (docs/models.md section 2). Inputs are plain typed arrays built by
 * the single pass; NaN marks "no two-sided book" and every pair touching a NaN is skipped.
 */
import type { ImpactCandidate, ImpactFit, KyleRow } from "./types.ts";

/**
 * Realized volatility sigma_d = sqrt(sum_k ln(m_k / m_{k-1})^2) of every `step`-th sample of `mids`
 * (step = 60 on a 1-s grid gives 1-minute returns). Unitless, per day. 0 when fewer than two samples.
 */
export function realizedVol(mids: Float64Array, step: number): number {
  let ss = 0;
  for (let k = step; k < mids.length; k += step) {
    const a = mids[k - step]!;
    const b = mids[k]!;
    if (a > 0 && b > 0) {
      const r = Math.log(b / a);
      ss += r * r;
    }
  }
  return Math.sqrt(ss);
}

/** Mean of the finite values of `a` (NaN when there is none). */
export function finiteMean(a: Float64Array): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (Number.isFinite(v)) {
      s += v;
      n++;
    }
  }
  return n > 0 ? s / n : Number.NaN;
}

/** Sum of `src` over consecutive blocks of `k` samples (the last block may be partial). */
export function aggregate(src: Float64Array, k: number): Float64Array {
  const out = new Float64Array(Math.ceil(src.length / k));
  for (let i = 0; i < src.length; i++) out[(i / k) | 0]! += src[i]!;
  return out;
}

/**
 * Propagator (Obizhaeva-Wang) impact fit. `boundaryMids[j]` = mid at the start of bin j (length bins + 1),
 * `netVolume[j]` = buyer- minus seller-initiated shares in bin j. With x_j = netVolume_j / V_d (per-day
 * calibration normalises by the day's own volume), for every half-life H: beta = ln2 / H (per second),
 * J_j = exp(-beta dt) J_{j-1} + x_j, dJ_j = J_j - J_{j-1}, r_j = (m_{j+1} - m_j) / (m_j sigma_d),
 * lambda_H = sum(r dJ) / sum(dJ^2), uncentered R^2 = 1 - SSR / SST = sum(r dJ)^2 / (sum(dJ^2) sum(r^2)) with
 * SST = sum(r^2) and SSR = SST - sum(r dJ)^2 / sum(dJ^2) (both kept: the task pools them over its lookback
 * days), and lambda_rel_H = lambda_H sigma_d / V_d (relative price move per share, 1 / shares).
 * The day's own best-R^2 candidate is reported; lambdaUsd = lambda_rel P ($ per share), P = `priceUsd`.
 */
export function fitPropagator(
  boundaryMids: Float64Array,
  netVolume: Float64Array,
  dailyVolume: number,
  sigmaDaily: number,
  priceUsd: number,
  halfLivesS: readonly number[],
  binS: number,
): ImpactFit {
  const bins = Math.min(netVolume.length, boundaryMids.length - 1);
  const ok = dailyVolume > 0 && sigmaDaily > 0;
  const candidates: ImpactCandidate[] = halfLivesS.map((halfLifeS) => {
    const beta = Math.LN2 / halfLifeS;
    const decay = Math.exp(-beta * binS);
    let j = 0;
    let srd = 0;
    let sdd = 0;
    let srr = 0;
    let n = 0;
    for (let b = 0; b < bins && ok; b++) {
      const prev = j;
      j = decay * j + netVolume[b]! / dailyVolume;
      const m0 = boundaryMids[b]!;
      const m1 = boundaryMids[b + 1]!;
      if (!(m0 > 0 && m1 > 0)) continue;
      const r = (m1 - m0) / (m0 * sigmaDaily);
      const dj = j - prev;
      srd += r * dj;
      sdd += dj * dj;
      srr += r * r;
      n++;
    }
    const lambda = sdd > 0 ? srd / sdd : Number.NaN;
    const r2 = sdd > 0 && srr > 0 ? (srd * srd) / (sdd * srr) : Number.NaN;
    const ssr = sdd > 0 ? Math.max(0, srr - (srd * srd) / sdd) : Number.NaN;
    const sst = sdd > 0 ? srr : Number.NaN;
    const lambdaRel = ok ? (lambda * sigmaDaily) / dailyVolume : Number.NaN;
    return { halfLifeS, beta, lambda, r2, lambdaRel, ssr, sst, n };
  });
  let best: ImpactCandidate | undefined;
  for (const c of candidates) if (Number.isFinite(c.r2) && (!best || c.r2 > best.r2)) best = c;
  const lambda = best?.lambda ?? Number.NaN;
  const lambdaRel = best?.lambdaRel ?? Number.NaN;
  return {
    binS,
    candidates,
    lambda,
    halfLifeS: best?.halfLifeS ?? Number.NaN,
    beta: best?.beta ?? Number.NaN,
    r2: best?.r2 ?? Number.NaN,
    lambdaRel,
    lambdaUsd: lambdaRel * priceUsd,
  };
}

/** OLS with intercept of y on x over pairs where both are finite: slope, intercept, centered R^2, n. */
export function ols(
  x: Float64Array,
  y: Float64Array,
): { slope: number; intercept: number; r2: number; n: number } {
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < x.length && i < y.length; i++) {
    const a = x[i]!;
    const b = y[i]!;
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
    n++;
    sx += a;
    sy += b;
    sxx += a * a;
    sxy += a * b;
    syy += b * b;
  }
  const vxx = sxx - (sx * sx) / n;
  const vxy = sxy - (sx * sy) / n;
  const vyy = syy - (sy * sy) / n;
  if (n < 2 || !(vxx > 0)) return { slope: Number.NaN, intercept: Number.NaN, r2: Number.NaN, n };
  const slope = vxy / vxx;
  return { slope, intercept: (sy - slope * sx) / n, r2: vyy > 0 ? (vxy * vxy) / (vxx * vyy) : Number.NaN, n };
}

/**
 * Kyle lambda by aggregation period (diagnostic): for each period p seconds, non-overlapping intervals of the
 * 1-s grid; y = mid(end) - mid(start) in dollars, x = signed volume (buyer - seller initiated shares) in the
 * interval; OLS with intercept. `mids1s` has one more sample than `signed1s` (interval boundaries).
 */
export function kyleTable(
  mids1s: Float64Array,
  signed1s: Float64Array,
  periodsS: readonly number[],
): KyleRow[] {
  return periodsS.map((p) => {
    const m = Math.floor(signed1s.length / p);
    const x = new Float64Array(m);
    const y = new Float64Array(m);
    for (let k = 0; k < m; k++) {
      let s = 0;
      for (let i = k * p; i < (k + 1) * p; i++) s += signed1s[i]!;
      x[k] = s;
      y[k] = mids1s[(k + 1) * p]! - mids1s[k * p]!;
    }
    const f = ols(x, y);
    return { periodS: p, lambdaUsdPerShare: f.slope, interceptUsd: f.intercept, r2: f.r2, n: f.n };
  });
}
