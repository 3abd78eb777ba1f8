/**
 * `ofi`: order-flow imbalance alpha (Cont, Kukanov, Stoikov 2014; docs/models.md section 3). Causal: the OFI of
 * the events in the last `windowS` seconds (per-venue level-0 contributions, summed over venues, exactly as
 * the calibration computes them), normalized by the prior days' mean level-0 depth, times the coefficient
 * fitted on PRIOR days: predicted change over H_alpha = coefUsd * OFI_w / avgDepth (dollars). Expressed in the
 * exponential form with timescale H_alpha / 3 and moveUsd = prediction / (1 - exp(-3)), so the forecast
 * reaches the fitted change at H_alpha.
 */
import type { VenueBooks } from "../book/venueBooks.ts";
import { ofiContribution } from "../calibration/ofi.ts";
import type { OfiParams } from "../calibration/params.ts";
import { Action, Flag, type Mbp10Batch } from "../mbp10/schema.ts";
import { MAX_VENUES } from "../mbp10/venues.ts";
import { type AlphaEntry, type AlphaForecast, type AlphaModel, ZERO_FORECAST } from "./types.ts";

const SHAPE = 3;

export class OfiAlpha implements AlphaModel {
  readonly kind = "ofi" as const;
  readonly lookAhead = false;
  /** Last consistent best per venue: bid px, bid size, ask px, ask size at index v * 4 + 0..3. */
  private readonly best = new Float64Array(MAX_VENUES * 4);
  private readonly seen = new Uint8Array(MAX_VENUES);
  private times = new Float64Array(1024);
  private values = new Float64Array(1024);
  private head = 0;
  private tail = 0;
  private sum = 0;
  private readonly windowNs: number;

  constructor(readonly params: OfiParams) {
    this.windowNs = params.windowS * 1e9;
  }

  onRecord(b: Mbp10Batch, i: number, _books: VenueBooks): void {
    const f = b.flags[i]!;
    if ((f & Flag.LAST) === 0) return;
    const v = b.venue[i]!;
    const o = v * 4;
    const bp = b.bidPx[0]![i]!;
    const bq = b.bidSz[0]![i]!;
    const ap = b.askPx[0]![i]!;
    const aq = b.askSz[0]![i]!;
    const st = this.best;
    if (this.seen[v] && b.action[i] !== Action.Clear && (f & Flag.SNAPSHOT) === 0) {
      const e = ofiContribution(st[o]!, st[o + 1]!, bp, bq, st[o + 2]!, st[o + 3]!, ap, aq);
      if (e !== 0) this.push(Number(b.tsRecv[i]!), e);
    }
    st[o] = bp;
    st[o + 1] = bq;
    st[o + 2] = ap;
    st[o + 3] = aq;
    this.seen[v] = 1;
  }

  /** OFI (shares) of the events in (tNs - windowS, tNs]. */
  windowOfi(tNs: bigint): number {
    const cut = Number(tNs) - this.windowNs;
    while (this.head < this.tail && this.times[this.head]! <= cut) this.sum -= this.values[this.head++]!;
    return this.sum;
  }

  /** { moveUsd: coefUsd OFI_w / avgDepth / (1 - e^-3), timescaleS: H_alpha / 3 }; horizonS is not used. */
  forecast(tNs: bigint): AlphaForecast {
    const p = this.params;
    const x = this.windowOfi(tNs) / p.avgDepth;
    const move = p.coefUsd * x;
    if (!Number.isFinite(move) || move === 0 || !(p.horizonS > 0)) return ZERO_FORECAST;
    return { moveUsd: move / -Math.expm1(-SHAPE), timescaleS: p.horizonS / SHAPE };
  }

  private push(t: number, e: number): void {
    if (this.tail === this.times.length) {
      const live = this.tail - this.head;
      if (live * 2 > this.times.length) {
        const t2 = new Float64Array(this.times.length * 2);
        const v2 = new Float64Array(this.times.length * 2);
        t2.set(this.times.subarray(this.head, this.tail));
        v2.set(this.values.subarray(this.head, this.tail));
        this.times = t2;
        this.values = v2;
      } else {
        this.times.copyWithin(0, this.head, this.tail);
        this.values.copyWithin(0, this.head, this.tail);
      }
      this.head = 0;
      this.tail = live;
    }
    this.times[this.tail] = t;
    this.values[this.tail++] = e;
    this.sum += e;
  }
}

export const ofiAlpha: AlphaEntry = { needsMidPath: false, create: (params) => new OfiAlpha(params.ofi) };
