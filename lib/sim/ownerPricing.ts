/**
 * One owner's pricing of its fills in the simulator (docs/models.md 6.6): its own-impact overlay, its side and its
 * price limit on the IMPACTED price. The simulator asks it how much of a fill the limit admits (`accept*`) and
 * then books the fill (`charge*`, the overlay's total charge in side-adjusted price units).
 *
 * The limit applies to replay price + overlay: a market fill is cut to the largest quantity n whose LAST share's
 * impacted price (replay price + the overlay's increase from n - 1 to n shares) stays within the limit, as a real
 * limit order's last share would; the marginal overlay never falls as a block grows, so n is found by bisection,
 * it does not depend on how the block is split into orders, and every admitted fill's average impacted price is
 * within the limit too. The rest keeps working. A limit fill pays F(Y) per share: all or none. `held` records that
 * the limit cut a fill.
 */
import type { ImpactOverlay } from "./impactOverlay.ts";
import type { OrderSide } from "./types.ts";

/** Impacted prices may exceed the limit by this relative tolerance (float noise, never a tick). */
const LIMIT_TOL = 1e-12;

export class OwnerPricing {
  /** Price limit (price units), NaN = none. Set when the parent's arrival mid is known. */
  limitUsd = Number.NaN;
  /** True once the limit cut (or refused) a fill. */
  held = false;

  constructor(
    readonly overlay: ImpactOverlay,
    readonly side: OrderSide,
  ) {}

  /** True when `qty` shares at `priceUsd` costing `chargeUsd` overlay in all stay within the limit. */
  private within(priceUsd: number, qty: number, chargeUsd: number): boolean {
    const lim = this.limitUsd;
    return !(lim > 0) || this.side * (priceUsd + (this.side * chargeUsd) / qty - lim) <= LIMIT_TOL * lim;
  }

  /**
   * Shares (<= qty) of a market fill at `priceUsd` (data best on its side `bestUsd`) against book `book` that the
   * limit admits.
   */
  acceptMarket(tNs: bigint, book: number, priceUsd: number, bestUsd: number, qty: number): number {
    if (!(this.limitUsd > 0)) return qty;
    const walk = this.walkUsd(priceUsd, bestUsd);
    const charge = (n: number) => (n === 0 ? 0 : this.overlay.marketFill(tNs, book, n, walk, false));
    // the n-th share's impacted price: the replay price plus the overlay's increase for that share
    const ok = (n: number) => n === 0 || this.within(priceUsd, 1, charge(n) - charge(n - 1));
    if (ok(qty)) return qty;
    let lo = 0;
    let hi = qty; // ok(lo), !ok(hi)
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (ok(mid)) lo = mid;
      else hi = mid;
    }
    this.held = true;
    return lo;
  }

  /** Book a market fill (after acceptMarket); returns the overlay's total charge for it. */
  chargeMarket(tNs: bigint, book: number, priceUsd: number, bestUsd: number, qty: number): number {
    return this.overlay.marketFill(tNs, book, qty, this.walkUsd(priceUsd, bestUsd), true);
  }

  /** Shares (<= qty) of a limit fill at `priceUsd` that the limit admits (all or none: F(Y) per share). */
  acceptLimit(tNs: bigint, priceUsd: number, qty: number): number {
    if (!(this.limitUsd > 0) || qty <= 0) return qty;
    if (this.within(priceUsd, qty, this.overlay.limitFill(tNs, qty, false))) return qty;
    this.held = true;
    return 0;
  }

  /** Book a limit fill (after acceptLimit); returns the overlay's total charge for it. */
  chargeLimit(tNs: bigint, qty: number): number {
    return this.overlay.limitFill(tNs, qty, true);
  }

  /** Walk per share beyond the data's best on the fill's side: max(0, s (p - b)); 0 without a best. */
  walkUsd(priceUsd: number, bestUsd: number): number {
    return Number.isNaN(bestUsd) ? 0 : Math.max(0, this.side * (priceUsd - bestUsd));
  }
}
