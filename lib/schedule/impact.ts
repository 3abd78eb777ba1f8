/**
 * Own-impact state for the caller of a scheduler (docs/models.md section 4): dI = -beta I dt + lambdaUsd dQ.
 * Side-adjusted dollars (positive = our own trading pushed the price against us); beta per second,
 * lambdaUsd dollars per share.
 */
import { ModelError } from "../core/errors.ts";
import type { ImpactParams } from "./types.ts";

export class ImpactState {
  /** Current impact I, dollars (side-adjusted). */
  value: number;
  private readonly lambdaUsd: number;
  private readonly beta: number;

  constructor(params: ImpactParams, initialUsd = 0) {
    if (!(params.lambdaUsd >= 0) || !(params.beta > 0) || !Number.isFinite(params.beta)) {
      throw new ModelError(
        `impact needs lambdaUsd >= 0 and a finite beta > 0 (per second), got lambdaUsd=${params.lambdaUsd} beta=${params.beta}`,
      );
    }
    this.lambdaUsd = params.lambdaUsd;
    this.beta = params.beta;
    this.value = initialUsd;
  }

  /** Let dtS seconds pass without trading: I <- I exp(-beta dtS). */
  decay(dtS: number): this {
    this.value *= Math.exp(-this.beta * dtS);
    return this;
  }

  /** A block fill of `shares` (side-adjusted, > 0 in the parent's direction): I <- I + lambdaUsd shares. */
  fill(shares: number): this {
    this.value += this.lambdaUsd * shares;
    return this;
  }

  /**
   * Take back `shares` that entered the state `ageS` seconds ago (committed shares whose order was cancelled
   * unfilled, docs/models.md 4): I <- I - lambdaUsd shares exp(-beta ageS).
   */
  withdraw(shares: number, ageS: number): this {
    this.value -= this.lambdaUsd * shares * Math.exp(-this.beta * Math.max(0, ageS));
    return this;
  }

  /**
   * `shares` traded at a constant rate over dtS seconds (exact solution of the impact ODE):
   * I <- I exp(-beta dt) + lambdaUsd shares (1 - exp(-beta dt)) / (beta dt).
   */
  fillUniform(shares: number, dtS: number): this {
    if (dtS <= 0) return this.fill(shares);
    const x = this.beta * dtS;
    this.value = this.value * Math.exp(-x) + (this.lambdaUsd * shares * -Math.expm1(-x)) / x;
    return this;
  }
}
