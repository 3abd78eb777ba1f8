/**
 * Exact expected router cost for ONE venue with exponential horizon outflow (mean m shares), used as the
 * brute-force oracle (MODELS.md section 9). With y = (xi - Q)^+ and Phi(c) = E[min(y, c)] =
 * m (exp(-Q/m) - exp(-(Q + c)/m)), u = X - M:
 *   E[(X - A)^+] = u - Phi(min(u, L)),   E[(A - X)^+] = Phi(L) - Phi(min(u, L))
 *   E[v] = (h+f) M - (h+r) Phi(L) + lambda_u E[under] + lambda_o E[over] + theta (M + L + E[under]).
 */
import { expectedFillExponential } from "../../lib/router/closedForm.ts";

export interface OneVenue {
  readonly x: number;
  readonly q: number;
  readonly m: number;
  readonly h: number;
  readonly f: number;
  readonly r: number;
  readonly theta: number;
  readonly lambdaU: number;
  readonly lambdaO: number;
}

export function exactExpectedCost(p: OneVenue, market: number, limit: number): number {
  const phi = (c: number) => expectedFillExponential(p.q, c, p.m);
  const u = p.x - market;
  const under = u - phi(Math.min(u, limit));
  const over = phi(limit) - phi(Math.min(u, limit));
  return (
    (p.h + p.f) * market -
    (p.h + p.r) * phi(limit) +
    p.lambdaU * under +
    p.lambdaO * over +
    p.theta * (market + limit + under)
  );
}

/** Brute force over the integer grid 0 <= M <= X, X - M <= L <= 2X: the minimizing (M, L). */
export function bruteForce(p: OneVenue): { market: number; limit: number; cost: number } {
  let best = { market: -1, limit: -1, cost: Number.POSITIVE_INFINITY };
  for (let market = 0; market <= p.x; market++) {
    for (let limit = p.x - market; limit <= 2 * p.x; limit++) {
      const cost = exactExpectedCost(p, market, limit);
      if (cost < best.cost) best = { market, limit, cost };
    }
  }
  return best;
}

/** One venue of the two-venue oracle: queue Q ahead, exponential one-draw horizon outflow mean m, rebate r. */
export interface ExpVenue {
  readonly q: number;
  readonly m: number;
  readonly r: number;
}

export interface TwoVenueParams {
  readonly x: number;
  readonly h: number;
  readonly f: number;
  readonly theta: number;
  readonly lambdaU: number;
  readonly lambdaO: number;
  readonly venues: readonly [ExpVenue, ExpVenue];
}

/**
 * E[(c - F)^+] for c >= 0 and F = min((xi - Q)^+, L), xi exponential with mean m: (xi - Q)^+ is 0 with
 * probability 1 - p (p = exp(-Q/m)) and otherwise Exp(m) (memoryless), so
 * E[(c - F)^+] = c - Phi(min(c, L)), Phi(c) = p m (1 - exp(-c/m)) = E[min((xi - Q)^+, c)].
 */
function shortOne(v: ExpVenue, c: number, l: number): number {
  return c <= 0 ? 0 : c - expectedFillExponential(v.q, Math.min(c, l), v.m);
}

/**
 * Exact E[(u - F_1 - F_2)^+] (shares) for independent venues: condition on F_1, whose law is an atom at 0
 * (1 - p_1), the density (p_1/m_1) exp(-y/m_1) on (0, L_1) and an atom at L_1 (p_1 exp(-L_1/m_1)):
 *   (1 - p_1) S_2(u) + p_1 exp(-L_1/m_1) S_2(u - L_1) + int_0^b (p_1/m_1) e^{-y/m_1} S_2(u - y) dy,
 * b = min(L_1, u), S_2(c) = c - p_2 m_2 + p_2 m_2 exp(-min(c, L_2)/m_2); the integral splits at
 * y = u - L_2 and each piece is elementary.
 */
export function expectedShortfallTwo(u: number, l1: number, l2: number, v1: ExpVenue, v2: ExpVenue): number {
  if (u <= 0) return 0;
  const p1 = Math.exp(-v1.q / v1.m);
  const p2 = Math.exp(-v2.q / v2.m);
  const { m: m1 } = v1;
  const { m: m2 } = v2;
  const atoms = (1 - p1) * shortOne(v2, u, l2) + p1 * Math.exp(-l1 / m1) * shortOne(v2, u - l1, l2);
  const b = Math.min(l1, u);
  const eb = Math.exp(-b / m1);
  // int_0^b (p1/m1) e^{-y/m1} (u - y - p2 m2) dy
  const linear = p1 * ((u - p2 * m2) * (1 - eb) - (m1 - (b + m1) * eb));
  // int_0^b (p1/m1) e^{-y/m1} p2 m2 e^{-min(u - y, L2)/m2} dy, split at c = clip(u - L2, 0, b)
  const c = Math.min(Math.max(u - l2, 0), b);
  const before = Math.exp(-l2 / m2) * m1 * (1 - Math.exp(-c / m1));
  const k = 1 / m1 - 1 / m2;
  const after = Math.exp(-u / m2) * (k === 0 ? b - c : (-Math.exp(-k * c) * Math.expm1(-k * (b - c))) / k);
  return atoms + linear + ((p1 * p2 * m2) / m1) * (before + after);
}

/**
 * Exact expected router cost (dollars) and fill E[A] (shares) of (M, L_1, L_2) on two venues with
 * independent exponential one-draw outflows (MODELS.md 9 "Oversubscription"); with U = E[(X - A)^+]:
 *   E[v] = (h + f + theta) M + theta (L_1 + L_2) - sum_k (h + r_k) Phi_k(L_k) + (lambda_u + theta) U
 *          + lambda_o (E[A] - X + U),   E[A] = M + Phi_1(L_1) + Phi_2(L_2).
 */
export function exactTwoVenue(
  p: TwoVenueParams,
  market: number,
  l1: number,
  l2: number,
): { cost: number; fill: number } {
  const [v1, v2] = p.venues;
  const f1 = expectedFillExponential(v1.q, l1, v1.m);
  const f2 = expectedFillExponential(v2.q, l2, v2.m);
  const under = expectedShortfallTwo(p.x - market, l1, l2, v1, v2);
  const fill = market + f1 + f2;
  const cost =
    (p.h + p.f + p.theta) * market +
    p.theta * (l1 + l2) -
    (p.h + v1.r) * f1 -
    (p.h + v2.r) * f2 +
    (p.lambdaU + p.theta) * under +
    p.lambdaO * (fill - p.x + under);
  return { cost, fill };
}

/** Grid search over 0 <= M <= X, 0 <= L_k <= lMax (step shares), M + L_1 + L_2 >= X: the exact minimum. */
export function bruteForceTwo(
  p: TwoVenueParams,
  step: number,
  lMax: number,
): { market: number; limits: [number, number]; cost: number; fill: number } {
  let best = { market: -1, limits: [-1, -1] as [number, number], cost: Number.POSITIVE_INFINITY, fill: 0 };
  for (let market = 0; market <= p.x; market += step) {
    for (let l1 = 0; l1 <= lMax; l1 += step) {
      for (let l2 = Math.max(0, p.x - market - l1); l2 <= lMax; l2 += step) {
        const e = exactTwoVenue(p, market, l1, l2);
        if (e.cost < best.cost) best = { market, limits: [l1, l2], ...e };
      }
    }
  }
  return best;
}
