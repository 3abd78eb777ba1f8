/**
 * The market tape a task needs beside the book: cumulative traded volume and notional (all venues, T records
 * only, so the C/M record that follows a trade is not counted twice), for VWAP benchmarks, POV and
 * participation.
 */
import { Action, type Mbp10Batch } from "../mbp10/schema.ts";

export class Tape {
  /** shares traded so far */
  volume = 0;
  /** dollars traded so far */
  notional = 0;

  onRecord(b: Mbp10Batch, i: number): void {
    if (b.action[i] !== Action.Trade) return;
    const p = b.price[i]!;
    const q = b.size[i]!;
    if (Number.isNaN(p) || q <= 0) return;
    this.volume += q;
    this.notional += p * q;
  }

  snapshot(): TapeMark {
    return { volume: this.volume, notional: this.notional };
  }
}

export interface TapeMark {
  readonly volume: number;
  readonly notional: number;
}

/** VWAP between two marks ($); NaN when nothing traded. */
export function vwapBetween(a: TapeMark, b: TapeMark): number {
  const v = b.volume - a.volume;
  return v > 0 ? (b.notional - a.notional) / v : Number.NaN;
}
