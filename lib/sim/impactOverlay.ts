/**
 * Own-impact overlay (docs/models.md 6.6): the COST our own trading adds to a replayed fill. A replay cannot move
 * the market, so each owner (strategy instance x parent order) carries an impact state I(t) (side-adjusted
 * dollars, positive = against us) and every fill (limit or market) pays on top of its replay price
 *   s (I(t-) + J(q) / 2) per share,   then I(t+) = I(t-) + J(q),   and I decays as exp(-beta dt) between fills,
 * with J the model's jump (linear: lambda_usd q; sqrt: lambda_usd sqrt(q q_ref)). This is a different thing
 * from the scheduler's ImpactState (lib/schedule/impact.ts), which is what a scheduler BELIEVES (committed
 * shares included); the overlay is what the replay CHARGES (fills only).
 *
 * The simulator fragments a trade into fills (a market order walking levels or venues, a limit order filled
 * by many small prints), and a concave law must not depend on that fragmentation. So a fill may name its
 * GROUP (the child order it belongs to): a group's jumps are the increments of J over the group's cumulative
 * filled shares G, i.e. a fill of q jumps I by J(G + q) - J(G), and a child filled in pieces moves the impact
 * by J(X) in all, as one fill of X would. Fills at one timestamp of one group are one block of Q shares paying
 * Q (I(t-) + K(Q) / 2) with K(Q) = J(G + Q) - J(G) their joint jump, however split (a sub-fill of q after B
 * shares of the block pays q I(t-) + C(B + q) - C(B), C(B) = B K(B) / 2). Fills without a group form one
 * group per timestamp. For the linear model all of this equals charging each fill in turn (docs/models.md 9).
 * Units: lambda_usd $ per share, beta per second, q_ref shares, timestamps int64 ns.
 */
import { ModelError } from "../core/errors.ts";

/** What an overlay model is built from: the parent's impact parameters (as the scheduler sees them). */
export interface ImpactOverlayParams {
  /** lambda_usd at the parent's arrival mid, $ per share (>= 0). */
  readonly lambdaUsd: number;
  /** Decay, per second (> 0). */
  readonly beta: number;
  /** The parent's mean child size S / (number of decisions), shares (> 0): the sqrt model's reference. */
  readonly qRefShares: number;
}

/** One owner's overlay: charges its fills and tells its impact at a time. */
export interface ImpactOverlay {
  /** Registered model name (lib/sim/registry.ts IMPACT_MODELS). */
  readonly model: string;
  /**
   * A fill of `qty` shares at tNs (non-decreasing per owner; an earlier time counts as the last one) of
   * `group` (the child order, >= 0; absent = a group of its own timestamp): returns the overlay cost PER
   * SHARE, side-adjusted $ (>= 0; the effective price is price + s x this).
   */
  fill(tNs: bigint, qty: number, group?: number): number;
  /** Side-adjusted own impact I at tNs ($), decayed since the last fill; 0 before any fill. */
  valueAt(tNs: bigint): number;
}

/** A block jump J(Q) in $ (Q shares executed at one instant). */
export type ImpactJump = (shares: number) => number;

/** The overlay of docs/models.md 6.6 for a jump function J (see the module doc). */
export class JumpOverlay implements ImpactOverlay {
  /** I just before the current block, at lastNs. */
  private base = 0;
  /** Shares of the current block (fills of blockGroup at lastNs). */
  private block = 0;
  private blockGroup = -1;
  /** The block's group had filled this many shares before the block. */
  private groupBefore = 0;
  private lastNs: bigint | undefined;
  /** Cumulative filled shares per group (child). */
  private readonly groupShares = new Map<number, number>();

  constructor(
    readonly model: string,
    private readonly jump: ImpactJump,
    private readonly beta: number,
  ) {
    if (!(beta > 0) || !Number.isFinite(beta))
      throw new ModelError(`impact overlay needs a finite beta > 0 (per second), got ${beta}`);
  }

  fill(tNs: bigint, qty: number, group = -1): number {
    if (!(qty > 0)) throw new ModelError(`impact overlay: a fill needs qty > 0 shares, got ${qty}`);
    if (this.lastNs === undefined || tNs > this.lastNs || group !== this.blockGroup) {
      const t = this.lastNs === undefined || tNs > this.lastNs ? tNs : this.lastNs;
      this.base = this.valueAt(t);
      this.block = 0;
      this.blockGroup = group;
      this.groupBefore = group >= 0 ? (this.groupShares.get(group) ?? 0) : 0;
      this.lastNs = t;
    }
    const b = this.block;
    const c = (n: number) => (n * this.blockJump(n)) / 2;
    this.block = b + qty;
    if (group >= 0) this.groupShares.set(group, this.groupBefore + this.block);
    return this.base + (c(b + qty) - c(b)) / qty;
  }

  /** Joint jump of the current block's first n shares: J(G + n) - J(G). */
  private blockJump(n: number): number {
    const g = this.groupBefore;
    return g === 0 ? this.jump(n) : this.jump(g + n) - this.jump(g);
  }

  valueAt(tNs: bigint): number {
    if (this.lastNs === undefined) return 0;
    const v = this.base + this.blockJump(this.block);
    return tNs > this.lastNs ? v * Math.exp((-this.beta * Number(tNs - this.lastNs)) / 1e9) : v;
  }
}

/** The pure replay: every fill pays nothing on top and the impact is always 0. */
export const noImpact = (): ImpactOverlay => ({
  model: "none",
  fill: () => 0,
  valueAt: () => 0,
});

function checkParams(p: ImpactOverlayParams): void {
  if (!(p.lambdaUsd >= 0) || !Number.isFinite(p.lambdaUsd))
    throw new ModelError(`impact overlay needs a finite lambda_usd >= 0, got ${p.lambdaUsd}`);
  if (!(p.qRefShares > 0) || !Number.isFinite(p.qRefShares))
    throw new ModelError(`impact overlay needs a reference child size > 0 shares, got ${p.qRefShares}`);
}

/** Linear propagator of docs/models.md 4: J(q) = lambda_usd q. */
export function linearImpact(p: ImpactOverlayParams): ImpactOverlay {
  checkParams(p);
  return new JumpOverlay("linear", (q) => p.lambdaUsd * q, p.beta);
}

/** Concave truth, same decay: J(q) = lambda_usd sqrt(q q_ref) (= linear at q = q_ref). */
export function sqrtImpact(p: ImpactOverlayParams): ImpactOverlay {
  checkParams(p);
  return new JumpOverlay("sqrt", (q) => p.lambdaUsd * Math.sqrt(q * p.qRefShares), p.beta);
}
