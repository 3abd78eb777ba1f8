/**
 * Order-flow imbalance at level 0 (Cont, Kukanov, Stoikov 2014; docs/models.md section 3), computed PER VENUE on
 * consecutive consistent (F_LAST) books of that venue and summed over venues. Prices are compared as integer
 * micro-dollar keys (never with ===). A missing bid counts as price -infinity, a missing ask as +infinity,
 * each with size 0, so a level appearing or vanishing is a price move.
 */
import { askKey, bidKey } from "../core/units.ts";
import { Action, Flag, type Mbp10Batch } from "../mbp10/schema.ts";
import type { OfiFit } from "./types.ts";

/**
 * OFI event contribution, shares:
 * e = [bid px up: +q_b(new); unchanged: q_b(new) - q_b(old); down: -q_b(old)]
 *   - [ask px down: +q_a(new); unchanged: q_a(new) - q_a(old); up: -q_a(old)].
 * Positive = buying pressure (bid queue growth or ask queue depletion).
 */
export function ofiContribution(
  oldBidPx: number,
  oldBidSz: number,
  newBidPx: number,
  newBidSz: number,
  oldAskPx: number,
  oldAskSz: number,
  newAskPx: number,
  newAskSz: number,
): number {
  const ob = bidKey(oldBidPx);
  const nb = bidKey(newBidPx);
  const oa = askKey(oldAskPx);
  const na = askKey(newAskPx);
  const qbOld = ob === Number.NEGATIVE_INFINITY ? 0 : oldBidSz;
  const qbNew = nb === Number.NEGATIVE_INFINITY ? 0 : newBidSz;
  const qaOld = oa === Number.POSITIVE_INFINITY ? 0 : oldAskSz;
  const qaNew = na === Number.POSITIVE_INFINITY ? 0 : newAskSz;
  const bid = nb > ob ? qbNew : nb === ob ? qbNew - qbOld : -qbOld;
  const ask = na < oa ? qaNew : na === oa ? qaNew - qaOld : -qaOld;
  return bid - ask;
}

/**
 * Level 0 of every venue's latest consistent (F_LAST) book, and the OFI contribution of each new one against
 * the venue's previous one (the calibration and the `ofi` alpha keep one each). Allocation-free per record:
 * the contribution is left in `ofi` rather than returned, so that no number is boxed when `update` is not
 * inlined into its caller's loop.
 */
export class VenueTops {
  /** Per venue v: bid price, bid size, ask price, ask size at v * 4 + 0..3 (dollars, shares; NaN = no level). */
  readonly best: Float64Array;
  /** 1 once the venue has had a consistent book. */
  readonly seen: Uint8Array;
  /** The contribution (shares) of the last `update` that returned true. */
  ofi = 0;

  constructor(maxVenues: number) {
    this.best = new Float64Array(maxVenues * 4).fill(Number.NaN);
    this.seen = new Uint8Array(maxVenues);
  }

  /**
   * F_LAST record `i` of `b` is venue v's new consistent book. Returns true (with `ofi` set) when it is a book
   * change OFI counts: the venue had a book before, and the record is neither a clear (R) nor a snapshot.
   */
  update(b: Mbp10Batch, i: number, v: number): boolean {
    const o = v * 4;
    const st = this.best;
    const bp = b.bidPx[0]![i]!;
    const bq = b.bidSz[0]![i]!;
    const ap = b.askPx[0]![i]!;
    const aq = b.askSz[0]![i]!;
    const counts = this.seen[v] === 1 && b.action[i] !== Action.Clear && (b.flags[i]! & Flag.SNAPSHOT) === 0;
    if (counts) this.ofi = ofiContribution(st[o]!, st[o + 1]!, bp, bq, st[o + 2]!, st[o + 3]!, ap, aq);
    st[o] = bp;
    st[o + 1] = bq;
    st[o + 2] = ap;
    st[o + 3] = aq;
    this.seen[v] = 1;
    return counts;
  }
}

/**
 * Predictive OFI fit on a 1-s grid (seconds from the open): at sample times t_k = k w (k >= 1, stride w,
 * t_k + H within the session), x_k = (OFI of the events in [t_k - w, t_k)) / avgDepth (unitless),
 * y_k = mid(t_k + H) - mid(t_k) (dollars); no-intercept least squares y = coefUsd x, uncentered
 * R^2 = sxy^2 / (sxx syy). `ofi1s[s]` = OFI of the events in [s, s + 1) (shares); `mids1s[s]` = mid at s.
 */
export function fitOfi(
  mids1s: Float64Array,
  ofi1s: Float64Array,
  avgDepth: number,
  windowS: number,
  horizonS: number,
): OfiFit {
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  let n = 0;
  const w = Math.max(1, Math.round(windowS));
  const h = Math.max(1, Math.round(horizonS));
  if (avgDepth > 0) {
    for (let t = w; t + h < mids1s.length; t += w) {
      const m0 = mids1s[t]!;
      const m1 = mids1s[t + h]!;
      if (!(m0 > 0 && m1 > 0)) continue;
      let o = 0;
      for (let s = t - w; s < t; s++) o += ofi1s[s]!;
      const x = o / avgDepth;
      const y = m1 - m0;
      sxx += x * x;
      sxy += x * y;
      syy += y * y;
      n++;
    }
  }
  return {
    windowS: w,
    horizonS: h,
    coefUsd: sxx > 0 ? sxy / sxx : Number.NaN,
    r2: sxx > 0 && syy > 0 ? (sxy * sxy) / (sxx * syy) : Number.NaN,
    n,
    avgDepth,
    sxx,
    sxy,
    syy,
  };
}
