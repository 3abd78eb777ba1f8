/**
 * `ofi`: order-flow imbalance alpha (Cont, Kukanov, Stoikov 2014; docs/models.md section 3). Causal: the OFI of
 * the events in the last `windowS` seconds (per-venue level-0 contributions, summed over venues, exactly as
 * the calibration computes them), normalized by the prior days' mean level-0 depth, times the coefficient
 * fitted on PRIOR days: predicted change over H_alpha = coefUsd * OFI_w / avgDepth (dollars). Expressed in the
 * exponential form with timescale H_alpha / 3 and moveUsd = prediction / (1 - exp(-3)), so the forecast
 * reaches the fitted change at H_alpha.
 */
import type { VenueBooks } from "../book/venueBooks.ts";
import { VenueTops } from "../calibration/ofi.ts";
import type { OfiParams } from "../calibration/params.ts";
import { Flag, type Mbp10Batch } from "../mbp10/schema.ts";
import { MAX_VENUES } from "../mbp10/venues.ts";
import { type AlphaEntry, type AlphaForecast, type AlphaModel, ZERO_FORECAST } from "./types.ts";

const SHAPE = 3;

export class OfiAlpha implements AlphaModel {
  readonly kind = "ofi" as const;
  readonly lookAhead = false;
  /** Last consistent best per venue and the OFI of each new one. */
  private readonly tops = new VenueTops(MAX_VENUES);
  /** ts_recv of the batch last seen as 32-bit halves (little-endian int64). */
  private halves: Int32Array<ArrayBufferLike> = new Int32Array(0);
  private halvesOf: Mbp10Batch | undefined;
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
    if ((b.flags[i]! & Flag.LAST) === 0) return;
    if (this.tops.update(b, i, b.venue[i]!) && this.tops.ofi !== 0) {
      // ts_recv as a double from its two 32-bit halves (rounded as Number(bigint) rounds; no BigInt per record)
      if (b !== this.halvesOf) {
        this.halvesOf = b;
        this.halves = new Int32Array(b.tsRecv.buffer, b.tsRecv.byteOffset, b.length * 2);
      }
      const w = this.halves;
      this.push(w[2 * i + 1]! * 4294967296 + (w[2 * i]! >>> 0), this.tops.ofi);
    }
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
