/**
 * Own-impact overlay (docs/models.md 6.6): the cost our own trading adds to a replayed fill, and never a cost the
 * replay already charged. A replay cannot move the market, so each owner (strategy instance x parent order)
 * carries a VOLUME impact state Y (shares; Y = 0 at t0) that every fill raises by its shares and that decays
 * between fills; the price impact is F(Y) (side-adjusted price units per share, positive = against us):
 *   linear: F(Y) = lambda_usd Y,        Y decays as exp(-beta dt)    (the propagator of section 4)
 *   sqrt:   F(Y) = kappa sqrt(Y),       Y decays as exp(-2 beta dt), kappa = lambda_usd sqrt(q_ref)
 * (sqrt(Y e^(-2 beta t)) = sqrt(Y) e^(-beta t): a single block's PRICE impact decays with the same half-life;
 * both laws agree at Y = q_ref; concave in the cumulative decayed volume, never per child or per fill).
 *
 * Pricing a market BLOCK (all market fills of one owner against one consistent book, however many orders,
 * catch-ups and retries reach it): the model's cost of trading Q from Y is
 *   integral_Y^(Y+Q) F(x) dx = Q F(Y) + C_own(Q; Y)
 *   linear: C_own = lambda_usd Q^2 / 2;   sqrt: C_own = kappa (2/3)((Y+Q)^1.5 - Y^1.5) - Q kappa sqrt(Y),
 * while the replay has already charged the block's walk W = sum q max(0, s (p - b)) beyond the data's best b.
 * The overlay adds Q F(Y) + max(0, C_own - W): the decayed impact of earlier trading in full, and of the
 * block's own jump only what the walk did not charge (a deep book pays the model's jump, a thin book its walk,
 * never both). Each fill of a block is charged the INCREASE of that total it causes, so the block's charge is
 * the same however its fills and orders are split, and the impacted price per share (replay + overlay) never
 * falls along the block (both C_own and W are convex in Q): the property a limit price is checked against.
 * A limit (passive) fill of q pays q F(Y) and no own jump (nobody walked a book); it raises Y by q too. One that
 * comes while a market block is open (our limit and market orders on the same book) does not split the block: the
 * block keeps pricing from the Y it started at, and the limit volume joins Y with it.
 * Units: lambda_usd price units per share, beta per second, q_ref shares, timestamps int64 ns.
 */
import { ModelError } from "../core/errors.ts";

/** What an overlay is built from: the parent's impact parameters (as the scheduler sees them). */
export interface ImpactOverlayParams {
  /** lambda_usd at the parent's arrival mid, price units per share (>= 0). */
  readonly lambdaUsd: number;
  /** Decay of the price impact, per second (> 0). */
  readonly beta: number;
  /** The sqrt law's reference size q_ref = 1% of ADV, shares (> 0). */
  readonly qRefShares: number;
}

/** One owner's overlay: prices its fills and tells its impact at a time. */
export interface ImpactOverlay {
  /** Registered model name (lib/sim/registry.ts IMPACT_MODELS). */
  readonly model: string;
  /**
   * Overlay charge (side-adjusted price units, total for the fill, not per share) of a market fill of `qty`
   * shares at tNs against consistent book number `book`, walking `walkUsd` per share beyond the data's best
   * (>= 0). `commit` false only quotes it (limit checks); true books it.
   */
  marketFill(tNs: bigint, book: number, qty: number, walkUsd: number, commit: boolean): number;
  /** Overlay charge (total, side-adjusted) of a limit fill of `qty` at tNs: qty F(Y); books it when `commit`. */
  limitFill(tNs: bigint, qty: number, commit: boolean): number;
  /** Side-adjusted price impact F(Y(tNs)), decayed since the last fill; 0 before any fill. */
  valueAt(tNs: bigint): number;
  /** The volume state Y (shares) at tNs, decayed since the last fill. */
  volumeAt(tNs: bigint): number;
  /** Own-jump cost C_own(Q; Y) of one block of Q shares traded from volume state Y (price units, total). */
  ownJump(y: number, q: number): number;
}

/** A law F(Y) with the decay rate of Y and its own-jump cost (see the module doc). */
interface ImpactLaw {
  readonly name: string;
  /** Decay rate of Y per second. */
  readonly yDecay: number;
  /** F(Y), price units per share. */
  price(y: number): number;
  /** C_own(Q; Y) = integral_Y^(Y+Q) F - Q F(Y), price units. */
  ownJump(y: number, q: number): number;
}

/** The overlay of a law (module doc); one instance per owner. */
export class VolumeOverlay implements ImpactOverlay {
  /** Y at yNs, all booked fills included. */
  private y = 0;
  private yNs: bigint | undefined;
  /** The open market block: its book number (-1 = none), Y before it, its shares, walk and own-jump charge. */
  private blockBook = -1;
  private blockY0 = 0;
  private blockQ = 0;
  private blockW = 0;
  private blockExtra = 0;
  /** Limit volume filled while the block is open (joins Y, not the block's own pricing). */
  private blockLimit = 0;

  constructor(private readonly law: ImpactLaw) {}

  get model(): string {
    return this.law.name;
  }

  volumeAt(tNs: bigint): number {
    if (this.yNs === undefined || tNs <= this.yNs) return this.y;
    return this.y * Math.exp((-this.law.yDecay * Number(tNs - this.yNs)) / 1e9);
  }

  valueAt(tNs: bigint): number {
    return this.law.price(this.volumeAt(tNs));
  }

  ownJump(y: number, q: number): number {
    return q > 0 ? this.law.ownJump(y, q) : 0;
  }

  /** Bring Y to tNs (never backwards). */
  private decayTo(tNs: bigint): void {
    if (this.yNs === undefined || tNs > this.yNs) {
      this.y = this.volumeAt(tNs);
      this.yNs = tNs;
    }
  }

  marketFill(tNs: bigint, book: number, qty: number, walkUsd: number, commit: boolean): number {
    if (!(qty > 0)) throw new ModelError(`impact overlay: a fill needs qty > 0 shares, got ${qty}`);
    const open = book === this.blockBook;
    const y0 = open ? this.blockY0 : this.volumeAt(tNs);
    const q0 = open ? this.blockQ : 0;
    const w0 = open ? this.blockW : 0;
    const extra0 = open ? this.blockExtra : 0;
    const q1 = q0 + qty;
    const w1 = w0 + qty * Math.max(0, walkUsd);
    const extra1 = Math.max(0, this.law.ownJump(y0, q1) - w1);
    const charge = qty * this.law.price(y0) + extra1 - extra0;
    if (commit) {
      if (!open) {
        this.decayTo(tNs);
        this.blockBook = book;
        this.blockY0 = this.y;
        this.blockLimit = 0;
      }
      this.blockQ = q1;
      this.blockW = w1;
      this.blockExtra = extra1;
      this.y = this.blockY0 + q1 + this.blockLimit;
    }
    return charge;
  }

  limitFill(tNs: bigint, qty: number, commit: boolean): number {
    if (!(qty > 0)) throw new ModelError(`impact overlay: a fill needs qty > 0 shares, got ${qty}`);
    const charge = qty * this.valueAt(tNs);
    if (commit) {
      this.decayTo(tNs);
      this.y += qty;
      if (this.blockBook >= 0) this.blockLimit += qty; // an open block stays open (module doc)
    }
    return charge;
  }
}

/** The pure replay: every fill pays nothing on top and the impact is always 0. */
export const noImpact = (): ImpactOverlay => ({
  model: "none",
  marketFill: () => 0,
  limitFill: () => 0,
  valueAt: () => 0,
  volumeAt: () => 0,
  ownJump: () => 0,
});

function checkParams(p: ImpactOverlayParams): void {
  if (!(p.lambdaUsd >= 0) || !Number.isFinite(p.lambdaUsd))
    throw new ModelError(`impact overlay needs a finite lambda_usd >= 0, got ${p.lambdaUsd}`);
  if (!(p.beta > 0) || !Number.isFinite(p.beta))
    throw new ModelError(`impact overlay needs a finite beta > 0 (per second), got ${p.beta}`);
  if (!(p.qRefShares > 0) || !Number.isFinite(p.qRefShares))
    throw new ModelError(`impact overlay needs a reference size q_ref > 0 shares, got ${p.qRefShares}`);
}

/** Linear propagator of docs/models.md 4: F(Y) = lambda_usd Y, Y decaying at beta; C_own = lambda_usd Q^2 / 2. */
export function linearImpact(p: ImpactOverlayParams): ImpactOverlay {
  checkParams(p);
  const lam = p.lambdaUsd;
  return new VolumeOverlay({
    name: "linear",
    yDecay: p.beta,
    price: (y) => lam * y,
    ownJump: (_y, q) => (lam * q * q) / 2,
  });
}

/**
 * Square-root law in the decayed volume: F(Y) = kappa sqrt(Y), kappa = lambda_usd sqrt(q_ref), Y decaying at
 * 2 beta; C_own = kappa (2/3)((Y+Q)^1.5 - Y^1.5) - Q kappa sqrt(Y).
 */
export function sqrtImpact(p: ImpactOverlayParams): ImpactOverlay {
  checkParams(p);
  const kappa = p.lambdaUsd * Math.sqrt(p.qRefShares);
  return new VolumeOverlay({
    name: "sqrt",
    yDecay: 2 * p.beta,
    price: (y) => kappa * Math.sqrt(Math.max(0, y)),
    ownJump: (y, q) => {
      const y0 = Math.max(0, y);
      return kappa * ((2 / 3) * ((y0 + q) ** 1.5 - y0 ** 1.5) - q * Math.sqrt(y0));
    },
  });
}
