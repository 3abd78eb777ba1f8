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
