/** Integer allocation by largest remainder (Hamilton's method), docs/models.md section 5 "Integer allocation". */
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
  return distribute(
    values.map((v) => (v * total) / sum),
    total,
  );
}

/** Floors of `scaled`, then one share each to the largest fractional parts until the sum is `total`. */
function distribute(scaled: readonly number[], total: number): number[] {
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

/**
 * Integer router allocation that KEEPS the optimizer's total (docs/models.md 5): the continuous optimum
 * (market M, limits L_k, shares) may oversubscribe, M + sum L_k > X, to hedge the underfill risk, and
 * rounding must not undo it. Total T = max(X, round(M + sum L_k)); floors of the unscaled values, then the
 * leftover T - sum floors (at most the number of non-integer values) one share each to the largest
 * fractional parts (ties: market first, then venue order). Each integer is within 1 share of its value,
 * M stays <= X (an integer value is never raised) and M + sum L_k = T >= X.
 */
export function roundAllocation(
  market: number,
  limits: ArrayLike<number>,
  x: number,
): { market: number; limits: number[]; total: number } {
  if (!Number.isInteger(x) || x < 0)
    throw new ModelError(`router order size X must be an integer >= 0 shares, got ${x}`);
  const values = [market, ...Array.from(limits)];
  let sum = 0;
  for (const v of values) {
    if (!(v >= 0) || !Number.isFinite(v))
      throw new ModelError(`allocation values must be finite and >= 0 shares, got ${v}`);
    sum += v;
  }
  if (market > x) throw new ModelError(`market order ${market} exceeds the child order size ${x} shares`);
  const total = Math.max(x, Math.round(sum));
  if (sum === 0) return { market: x, limits: Array.from(limits, () => 0), total };
  // total - sum floors <= round(sum of fractions) <= number of non-integer values (and a value below X by
  // less than 1 only reaches X) when sum >= X - 1/2; a slightly infeasible input (sum < X) is lifted by
  // scaling, which changes each value by less than 1 share in that case.
  const scaled = sum >= x - 0.5 ? values : values.map((v) => (v * total) / sum);
  const ints = distribute(scaled, total);
  return { market: ints[0]!, limits: ints.slice(1), total };
}
