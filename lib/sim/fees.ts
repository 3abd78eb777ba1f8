/** Fee schedules (docs/models.md 6.1 / 6.3): dollars per share, positive = paid (taker) / received (maker). */
import { InputError } from "../core/errors.ts";
import { type FeeRate, feePerUnit, type InstrumentFees, venueFeeSchedule } from "../core/instrument.ts";
import type { FeeSchedule } from "./types.ts";

/** The same taker fee and maker rebate ($/share) on every venue, e.g. flatFees(0.003, 0.002). */
export function flatFees(takerFeeUsd: number, makerRebateUsd: number): FeeSchedule {
  if (!Number.isFinite(takerFeeUsd) || !Number.isFinite(makerRebateUsd)) {
    throw new InputError(`fees must be finite $/share (got taker ${takerFeeUsd}, rebate ${makerRebateUsd})`);
  }
  return { takerFeeUsd: () => takerFeeUsd, makerRebateUsd: () => makerRebateUsd };
}

/**
 * Per-venue fees ($/share), indexed by dense venue index; venues beyond the arrays use the last entry.
 * E.g. venueFees([0.003, 0.0025], [0.002, 0.0015]).
 */
export function venueFees(takerFeeUsd: readonly number[], makerRebateUsd: readonly number[]): FeeSchedule {
  if (takerFeeUsd.length === 0 || makerRebateUsd.length === 0) {
    throw new InputError("venueFees needs at least one taker fee and one maker rebate ($/share)");
  }
  const t = Float64Array.from(takerFeeUsd);
  const m = Float64Array.from(makerRebateUsd);
  return {
    takerFeeUsd: (v) => t[Math.min(v, t.length - 1)]!,
    makerRebateUsd: (v) => m[Math.min(v, m.length - 1)]!,
  };
}

/**
 * The fee schedule of an instrument (docs/models.md 1b) over the replay's venues (dense index -> name, looked up
 * when a venue is first seen): each venue's taker fee and maker rebate (its own schedule, else the default),
 * converted to price units per unit of quantity: a currency amount per unit over the multiplier, bps of
 * notional x 1e-4 x the execution price. The equity default ($/share, multiplier 1) gives the same numbers as
 * flatFees.
 */
export function instrumentFees(
  fees: InstrumentFees,
  multiplier: number,
  venueName: (venue: number) => string | undefined,
): FeeSchedule {
  if (!(multiplier > 0)) throw new InputError(`instrument multiplier must be > 0, got ${multiplier}`);
  const rate = (r: FeeRate): ((priceUsd: number) => number) => {
    if (r.per === "unit") {
      const perUnit = feePerUnit(r, Number.NaN, multiplier);
      return () => perUnit;
    }
    return (priceUsd) => feePerUnit(r, priceUsd, multiplier);
  };
  const takers: ((p: number) => number)[] = [];
  const makers: ((p: number) => number)[] = [];
  const of = (v: number): void => {
    const s = venueFeeSchedule(fees, venueName(v) ?? "");
    takers[v] = rate(s.taker);
    makers[v] = rate(s.maker);
  };
  return {
    takerFeeUsd(v, p) {
      if (takers[v] === undefined) of(v);
      return takers[v]!(p);
    },
    makerRebateUsd(v, p) {
      if (makers[v] === undefined) of(v);
      return makers[v]!(p);
    },
  };
}
