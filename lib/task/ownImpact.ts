/**
 * The two impacts one parent order carries (docs/models.md 4 and 6.6), for its execution (lib/task/execution.ts):
 * the scheduler's impact STATE I(t) (what the schedule believes: committed shares enter it when a child is
 * sent, cancelled ones leave it, overfill adds to it; decayed at beta between events) and the own-impact
 * OVERLAY of the strategy's impact model (lib/sim/impactOverlay.ts), which the simulator applies to the owner's
 * fills (Fill.impactUsd, the limit on the impacted price) and which moves the mids the metrics read to m + s F(Y).
 */

import { type ImpactParams, ImpactState } from "../schedule/index.ts";
import { type ExecutionSim, type ImpactOverlay, OwnerPricing } from "../sim/index.ts";
import type { ImpactModel } from "../sim/registry.ts";

export class ParentImpact {
  private state: ImpactState | undefined;
  /** The overlay charging our fills (built at t0 with the parent's lambda_usd). */
  private overlay: ImpactOverlay | undefined;
  /** The overlay and the limit as the simulator applies them to our fills (absent under `none`). */
  private pricing: OwnerPricing | undefined;
  private atNs: bigint;

  constructor(startNs: bigint) {
    this.atNs = startNs;
  }

  /**
   * At t0: the impact state with the parent's parameters, and the overlay of `model` (resolved from
   * lib/sim/registry.ts IMPACT_MODELS once per task) whose reference size q_ref (the sqrt law's) is `qRefShares`, handed to `sim` to price the
   * fills of `owner` (a parent on `side`); `none` leaves the replay as it is.
   */
  start(
    impact: ImpactParams,
    model: ImpactModel,
    qRefShares: number,
    sim: ExecutionSim,
    owner: number,
    side: 1 | -1,
  ): void {
    this.state = new ImpactState(impact);
    this.overlay = model.make({ ...impact, qRefShares });
    if (model.name !== "none") {
      this.pricing = new OwnerPricing(this.overlay, side);
      sim.setPricing(owner, this.pricing);
    }
  }

  /** The parent's limit price (NaN = none) applies to the impacted price of its fills. */
  setLimit(limitUsd: number): void {
    if (this.pricing) this.pricing.limitUsd = limitUsd;
  }

  /** True once the limit on the impacted price cut or refused a fill. */
  get limitHeld(): boolean {
    return this.pricing?.held ?? false;
  }

  /**
   * The overlay's own-jump cost of completing `shares` in one block at tNs (price units, total; 0 under none):
   * C_own(U; Y(tNs)) of the opportunity cost (docs/models.md 8).
   */
  ownJumpAt(tNs: bigint, shares: number): number {
    return this.overlay ? this.overlay.ownJump(this.overlay.volumeAt(tNs), shares) : 0;
  }

  /** Side-adjusted impact state now (decayed to tNs); 0 before t0. */
  at(tNs: bigint): number {
    if (!this.state) return 0;
    if (tNs > this.atNs) {
      this.state.decay(Number(tNs - this.atNs) / 1e9);
      this.atNs = tNs;
    }
    return this.state.value;
  }

  /** `shares` enter the impact state at tNs (a child's committed X when it is sent, or overfill). */
  add(tNs: bigint, shares: number): void {
    this.at(tNs);
    this.state?.fill(shares);
  }

  /** `shares` sent `ageS` seconds ago leave the impact state at tNs (their contribution, decayed since). */
  withdraw(tNs: bigint, shares: number, ageS: number): void {
    this.at(tNs);
    this.state?.withdraw(shares, ageS);
  }

  /** The national mid `midUsd` at tNs with the overlay's impact of a parent on `side`: m + s F(Y(tNs)). */
  mid(midUsd: number, tNs: bigint, side: 1 | -1): number {
    return this.overlay ? midUsd + side * this.overlay.valueAt(tNs) : midUsd;
  }
}
