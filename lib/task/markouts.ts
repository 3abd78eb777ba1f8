/**
 * Markouts of one parent's fills (docs/models.md 8): the impacted mid m~ = m + s F(Y) at t_i + h after each fill i,
 * for h in MARKOUT_HORIZONS_S. One pending timer per horizon at a time: fills come in time order, so their due
 * times t_i + h do too, and the timer that fires resolves every fill then due and arms the next one.
 * A due time after the data's last record has no mid (the rows write NULL, not the last book's).
 */
import { MARKOUT_HORIZONS_S } from "../metrics/parentMetrics.ts";
import type { TimerQueue } from "./timers.ts";

const HORIZONS_NS = MARKOUT_HORIZONS_S.map((h) => BigInt(h) * 1_000_000_000n);
const H = MARKOUT_HORIZONS_S.length;

export class Markouts {
  /** Fill times (ns), in fill order. */
  private readonly times: bigint[] = [];
  /** m~ at t_i + h, index i * H + k (NaN until due). */
  private mids = new Float64Array(64).fill(Number.NaN);
  /** Per horizon: the first fill not resolved yet, and whether a timer is armed. */
  private readonly next = new Int32Array(H);
  private readonly armed = new Uint8Array(H);

  constructor(
    private readonly timers: TimerQueue,
    /** The impacted mid at tNs (read when a timer fires: the book as it was at tNs). */
    private readonly impactedMid: (tNs: bigint) => number,
  ) {}

  /** Fill number `times.length` happened at tNs. */
  add(tNs: bigint): void {
    const i = this.times.length;
    this.times.push(tNs);
    if ((i + 1) * H > this.mids.length) {
      const grown = new Float64Array(this.mids.length * 2).fill(Number.NaN);
      grown.set(this.mids);
      this.mids = grown;
    }
    for (let k = 0; k < H; k++) if (this.armed[k] === 0) this.arm(k);
  }

  /** m~(t_i + h_k); NaN when not reached (the data ended first). */
  midAt(i: number, k: number): number {
    return this.mids[i * H + k]!;
  }

  /** The due time t_i + h_k, ns. */
  dueAt(i: number, k: number): bigint {
    return this.times[i]! + HORIZONS_NS[k]!;
  }

  private arm(k: number): void {
    const i = this.next[k]!;
    if (i >= this.times.length) return;
    this.armed[k] = 1;
    this.timers.at(this.times[i]! + HORIZONS_NS[k]!, (due) => this.fire(k, due));
  }

  private fire(k: number, dueNs: bigint): void {
    this.armed[k] = 0;
    let i = this.next[k]!;
    while (i < this.times.length && this.times[i]! + HORIZONS_NS[k]! <= dueNs) {
      this.mids[i * H + k] = this.impactedMid(this.times[i]! + HORIZONS_NS[k]!);
      i++;
    }
    this.next[k] = i;
    this.arm(k);
  }
}
