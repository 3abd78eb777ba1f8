/**
 * What the Cont-Kukanov router is given: the venues it sees and the cost parameters (docs/models.md 5). Shared by
 * the optimizer (contKukanov.ts) and its scenario costs (scenarios.ts).
 */
import type { OutflowDistribution } from "./outflow.ts";

export interface Venue {
  /** Label for output (e.g. "XNAS"). */
  readonly name?: string;
  /** Displayed size ahead of us at the venue's best, Q_k, shares. */
  readonly queueAhead: number;
  /** Effective rebate r_k = maker rebate + adverse-selection delta_k, dollars per share. */
  readonly rebateUsd: number;
  /** Per-minute outflow from the venue's best level. */
  readonly outflow: OutflowDistribution;
  /** Is the venue's best AT the national best? Venues behind get no limit order. */
  readonly atBest: boolean;
}

export interface RouterParams {
  /** h, half-spread, dollars per share. */
  readonly halfSpreadUsd: number;
  /** f, taker fee, dollars per share. */
  readonly takerFeeUsd: number;
  /** theta, impact cost per share sent, dollars per share. */
  readonly thetaUsd: number;
  /** lambda_u, underfill penalty, dollars per share. */
  readonly lambdaU: number;
  /** lambda_o, overfill penalty, dollars per share. */
  readonly lambdaO: number;
  /** Router horizon tau, seconds. */
  readonly horizonS: number;
  /** N, outflow scenarios for the optimizer and for the cost estimate; default 1000. */
  readonly samples?: number;
  /** P, passes of the stochastic gradient over the N scenarios (step gamma / (sqrt(P) p) in pass p); default 4. */
  readonly passes?: number;
  /** Starting point: "closedForm" (per-venue closed form on the scenarios, default) or "equal" (docs/models.md). */
  readonly start?: "closedForm" | "equal";
  /** Latin hypercube scenarios when the outflow has a quantile (default true); false = i.i.d. (docs/models.md). */
  readonly stratified?: boolean;
  /**
   * Integer rounding (docs/models.md 5 "Integer allocation"): "total" (default) keeps the optimizer's total
   * M + sum L_k (rounded), which may exceed X (oversubscription, Cont-Kukanov's multi-venue result);
   * "child" scales the allocation to M + sum L_k = X (for a simulator that does not yet cancel a child's
   * rest once X is filled: its catch-up would otherwise resend the whole oversubscribed rest).
   */
  readonly rounding?: "total" | "child";
}
