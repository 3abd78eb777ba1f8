/**
 * Exact, mergeable sums of doubles (docs/models.md section 8, "Run summary from mergeable aggregates").
 * A sum is kept as Shewchuk's non-overlapping partials (the msum of Python's math.fsum): their real sum is
 * the EXACT sum of every value added, so `exactValue` (the correctly rounded double of that real) does not
 * depend on the order of the additions or on how the values were grouped and merged. Tasks add their rows,
 * the fan-in merges the tasks' partials in whatever order completions arrive, and the run's mean is the same
 * double every time.
 * Squares and the sample variance use error-free products (Veltkamp split, Dekker's product), so
 * sum((x - m)^2) is evaluated from exact terms: the summary's stdev and CI are correctly rounded up to the
 * last operations (division, square root), where the row-by-row two-pass formula rounds at every row.
 */

/** partials += x (in place). x must be finite. */
export function addExact(partials: number[], x: number): number[] {
  let i = 0;
  for (let j = 0; j < partials.length; j++) {
    let y = partials[j]!;
    if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
    const hi = x + y;
    const lo = y - (hi - x);
    if (lo !== 0) partials[i++] = lo;
    x = hi;
  }
  partials.length = i;
  partials.push(x);
  return partials;
}

/** a += b (in place): exact. */
export function mergeExact(a: number[], b: readonly number[]): number[] {
  for (const x of b) addExact(a, x);
  return a;
}

/** The correctly rounded double of the partials' exact sum (CPython's math.fsum final step); +0 when zero. */
export function exactValue(partials: readonly number[]): number {
  let n = partials.length;
  if (n === 0) return 0;
  let hi = partials[--n]!;
  let lo = 0;
  while (n > 0) {
    const x = hi;
    const y = partials[--n]!;
    hi = x + y;
    const yr = hi - x;
    lo = y - yr;
    if (lo !== 0) break;
  }
  // round half even across the remaining partials: when lo and the next partial have the same sign, the true
  // sum is beyond the halfway point that hi + lo rounded to
  if (n > 0 && ((lo < 0 && partials[n - 1]! < 0) || (lo > 0 && partials[n - 1]! > 0))) {
    const y = lo * 2;
    const x = hi + y;
    if (y === x - hi) hi = x;
  }
  return hi === 0 ? 0 : hi; // an exact zero is +0, however it was reached
}

const SPLITTER = 134217729; // 2^27 + 1

function split(a: number): [number, number] {
  const c = SPLITTER * a;
  const hi = c - (c - a);
  return [hi, a - hi];
}

/** a * b as hi + lo exactly (Dekker); |a * b| well inside the double range. */
export function twoProduct(a: number, b: number): [number, number] {
  const p = a * b;
  const [ah, al] = split(a);
  const [bh, bl] = split(b);
  const e = ah * bh - p + ah * bl + al * bh + al * bl;
  return [p, e];
}

/** partials += x * x, exactly. */
export function addExactSquare(partials: number[], x: number): number[] {
  const [p, e] = twoProduct(x, x);
  addExact(partials, p);
  if (e !== 0) addExact(partials, e);
  return partials;
}

/**
 * sum((x - m)^2) over n values whose exact sum is `sum` and exact sum of squares `sumsq`, with m the rounded
 * mean: sumsq - 2 m sum + n m^2, every term an exact product, rounded once.
 */
export function exactSquaredDeviations(n: number, sum: readonly number[], sumsq: readonly number[]): number {
  if (n === 0) return Number.NaN;
  const m = exactValue(sum) / n;
  const acc = [...sumsq];
  for (const s of sum) {
    const [p, e] = twoProduct(m, s);
    addExact(acc, -2 * p);
    if (e !== 0) addExact(acc, -2 * e);
  }
  const [mm, mme] = twoProduct(m, m);
  for (const t of [mm, mme]) {
    if (t === 0) continue;
    const [p, e] = twoProduct(n, t);
    addExact(acc, p);
    if (e !== 0) addExact(acc, e);
  }
  // rounding of m only moves the minimum of the quadratic: the exact value is >= 0
  return Math.max(0, exactValue(acc));
}
