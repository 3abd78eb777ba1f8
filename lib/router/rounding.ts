/** Integer allocation by largest remainder (Hamilton's method). */
import { ModelError } from "../core/errors.ts";

/**
 * Integers n_i >= 0 with sum n_i = total (shares), proportional to `values` (>= 0): scale values to sum to
 * `total`, take floors, then give the leftover shares one each to the largest fractional parts (ties: lower
 * index first). All-zero values put everything on index 0.
 */
export function largestRemainder(values: readonly number[], total: number): number[] {
  if (!Number.isInteger(total) || total < 0) {
    throw new ModelError(`largest-remainder total must be an integer >= 0 shares, got ${total}`);
  }
  if (values.length === 0) {
    if (total === 0) return [];
    throw new ModelError(`cannot allocate ${total} shares to zero buckets`);
  }
  let sum = 0;
  for (const v of values) {
    if (!(v >= 0) || !Number.isFinite(v))
      throw new ModelError(`allocation values must be finite and >= 0, got ${v}`);
    sum += v;
  }
  if (sum === 0) return values.map((_, i) => (i === 0 ? total : 0));
  const scaled = values.map((v) => (v * total) / sum);
  const out = scaled.map((v) => Math.floor(v));
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = scaled
    .map((v, i) => ({ i, frac: v - Math.floor(v) }))
    .sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (let j = 0; left > 0; j = (j + 1) % order.length, left--) {
    const i = order[j]!.i;
    out[i] = out[i]! + 1;
  }
  return out;
}
