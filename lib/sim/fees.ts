/** Fee schedules (docs/models.md 6.1 / 6.3): dollars per share, positive = paid (taker) / received (maker). */
import { InputError } from "../core/errors.ts";
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
