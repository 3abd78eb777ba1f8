/**
 * The market tape a task needs beside the book: cumulative traded volume and notional (all venues, T records
 * only, so the C/M record that follows a trade is not counted twice), for VWAP benchmarks, POV and
 * participation; and the national mid sampled once a second (`sampleMid`, driven by runTask's timers), for the
 * interval TWAP benchmark.
 */
import { Action, type Mbp10Batch } from "../mbp10/schema.ts";

export class Tape {
  /** shares traded so far */
  volume = 0;
  /** dollars traded so far */
  notional = 0;
  /** Sum and number of the two-sided mids sampled so far (one a second inside the parents' windows). */
  midSum = 0;
  midCount = 0;

  /** A 1-s sample of the national mid (NaN or <= 0: one-sided, not counted). */
  sampleMid(midUsd: number): void {
    if (!(midUsd > 0)) return;
    this.midSum += midUsd;
    this.midCount++;
  }

  onRecord(b: Mbp10Batch, i: number): void {
    if (b.action[i] !== Action.Trade) return;
    const p = b.price[i]!;
    const q = b.size[i]!;
    if (Number.isNaN(p) || q <= 0) return;
    this.volume += q;
    this.notional += p * q;
  }

  snapshot(): TapeMark {
    return { volume: this.volume, notional: this.notional, midSum: this.midSum, midCount: this.midCount };
  }
}

export interface TapeMark {
  readonly volume: number;
  readonly notional: number;
  readonly midSum: number;
  readonly midCount: number;
}

/** Time-weighted mean of the 1-s mid samples between two marks (price units); NaN without a sample. */
export function twapBetween(a: TapeMark, b: TapeMark): number {
  const n = b.midCount - a.midCount;
  return n > 0 ? (b.midSum - a.midSum) / n : Number.NaN;
}

/** VWAP between two marks ($); NaN when nothing traded. */
export function vwapBetween(a: TapeMark, b: TapeMark): number {
  const v = b.volume - a.volume;
  return v > 0 ? (b.notional - a.notional) / v : Number.NaN;
}
