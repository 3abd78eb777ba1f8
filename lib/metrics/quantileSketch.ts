/**
 * A mergeable quantile sketch with a relative error bound (docs/models.md section 8, "Run summary from
 * mergeable aggregates"): the logarithmic fixed bins of DDSketch (Masson, Rim, Lee, "DDSketch: a fast and
 * fully-mergeable quantile sketch with relative-error guarantees", VLDB 2019), without its bin collapsing.
 * A value x with |x| >= SKETCH_MIN_ABS goes to bin i = ceil(ln|x| / ln gamma), gamma = (1 + a) / (1 - a), of
 * its sign's store; smaller values are counted as zero. Bins hold counts, so merging two sketches adds counts:
 * the merged sketch is the SAME whatever the order or grouping of the merges (bit for bit, bins kept sorted),
 * and it equals the sketch of all the values at once. A quantile is the representative 2 gamma^i / (gamma + 1)
 * of the bin that holds the exact rank: within a * |x| of the exact rank-q value x (a = SKETCH_ALPHA), or
 * within SKETCH_MIN_ABS of it when |x| < SKETCH_MIN_ABS. Exact minimum and maximum are kept beside, and so
 * are the values themselves while there are at most SKETCH_EXACT_MAX of them (then every quantile is exact):
 * whether a merged sketch still has them depends only on its total count, so this too is order independent.
 * Pure: Math.log is the only transcendental (V8's fdlibm port: the same bits on every platform).
 */

/** Relative accuracy of every quantile (0.5%). */
export const SKETCH_ALPHA = 0.005;
/** Values closer to 0 than this are counted in the zero bin (bps: far below any cost the data can resolve). */
export const SKETCH_MIN_ABS = 1e-6;

/** Up to this many values the sketch also keeps them (sorted): its quantiles are then exact. */
export const SKETCH_EXACT_MAX = 64;

const GAMMA = (1 + SKETCH_ALPHA) / (1 - SKETCH_ALPHA);
const LN_GAMMA = Math.log(GAMMA);

/** The wire form: bins as [index, count] pairs sorted by index (pos: x > 0, neg: x < 0 by |x|). */
export interface QuantileSketch {
  n: number;
  zero: number;
  pos: [number, number][];
  neg: [number, number][];
  /** exact extremes (null when n = 0) */
  min: number | null;
  max: number | null;
  /** the values, sorted, while n <= SKETCH_EXACT_MAX (the bins are then empty); else null */
  values: number[] | null;
}

export function emptySketch(): QuantileSketch {
  return { n: 0, zero: 0, pos: [], neg: [], min: null, max: null, values: [] };
}

const binOf = (absX: number) => Math.ceil(Math.log(absX) / LN_GAMMA);
const binValue = (i: number) => (2 * GAMMA ** i) / (GAMMA + 1);

/** Add `count` to bin `i` of a sorted store (in place). */
function addBin(store: [number, number][], i: number, count: number): void {
  let lo = 0;
  let hi = store.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (store[mid]![0] < i) lo = mid + 1;
    else hi = mid;
  }
  if (lo < store.length && store[lo]![0] === i) store[lo]![1] += count;
  else store.splice(lo, 0, [i, count]);
}

function insertSorted(xs: number[], x: number): number[] {
  let i = xs.length;
  while (i > 0 && xs[i - 1]! > x) i--;
  xs.splice(i, 0, x);
  return xs;
}

/** Count x in the bins (in place). */
function binAdd(s: QuantileSketch, x: number, count: number): void {
  if (Math.abs(x) < SKETCH_MIN_ABS) s.zero += count;
  else addBin(x > 0 ? s.pos : s.neg, binOf(Math.abs(x)), count);
}

/** Move the kept values into the bins (in place): the bins are then those of every value added. */
function toBins(s: QuantileSketch): void {
  if (!s.values) return;
  for (const x of s.values) binAdd(s, x, 1);
  s.values = null;
}

/**
 * Add a finite value (in place; non-finite values are ignored). While n <= SKETCH_EXACT_MAX only the values
 * are kept (the bins are derived from them when the count passes it), so small sketches stay small.
 */
export function sketchAdd(s: QuantileSketch, value: number): QuantileSketch {
  if (!Number.isFinite(value)) return s;
  const x = value === 0 ? 0 : value; // -0 is 0 (the sorted values must not depend on the order of adding)
  s.n++;
  s.min = s.min === null ? x : Math.min(s.min, x);
  s.max = s.max === null ? x : Math.max(s.max, x);
  if (s.values && s.n <= SKETCH_EXACT_MAX) insertSorted(s.values, x);
  else {
    toBins(s);
    binAdd(s, x, 1);
  }
  return s;
}

/** a += b (in place): values or bin counts add, so any order of merges gives the same sketch. */
export function sketchMerge(a: QuantileSketch, b: Readonly<QuantileSketch>): QuantileSketch {
  if (b.n === 0) return a;
  if (a.values && b.values && a.n + b.n <= SKETCH_EXACT_MAX) {
    for (const x of b.values) insertSorted(a.values, x);
  } else {
    toBins(a);
    if (b.values) for (const x of b.values) binAdd(a, x, 1);
    else {
      a.zero += b.zero;
      for (const [i, c] of b.pos) addBin(a.pos, i, c);
      for (const [i, c] of b.neg) addBin(a.neg, i, c);
    }
  }
  a.n += b.n;
  a.min = a.min === null ? b.min : b.min === null ? a.min : Math.min(a.min, b.min);
  a.max = a.max === null ? b.max : b.max === null ? a.max : Math.max(a.max, b.max);
  return a;
}

/** The value at 0-based rank r (0 <= r < n) of the sorted values, within the sketch's bound. */
export function sketchValueAtRank(s: Readonly<QuantileSketch>, r: number): number {
  if (!(s.n > 0) || r < 0 || r >= s.n) return Number.NaN;
  if (s.values) return s.values[r]!;
  // the extremes are kept exactly
  if (r === 0) return s.min ?? Number.NaN;
  if (r === s.n - 1) return s.max ?? Number.NaN;
  let seen = 0;
  for (let k = s.neg.length - 1; k >= 0; k--) {
    const [i, c] = s.neg[k]!;
    seen += c;
    if (r < seen) return -binValue(i);
  }
  seen += s.zero;
  if (r < seen) return 0;
  for (const [i, c] of s.pos) {
    seen += c;
    if (r < seen) return binValue(i);
  }
  return s.max ?? Number.NaN;
}

/** Quantile q in [0, 1] by the lower rank floor(q (n - 1)). */
export function sketchQuantile(s: Readonly<QuantileSketch>, q: number): number {
  return sketchValueAtRank(s, Math.floor(q * (s.n - 1)));
}

/** The median as lib/metrics median defines it (the mean of the two middle values when n is even). */
export function sketchMedian(s: Readonly<QuantileSketch>): number {
  if (!(s.n > 0)) return Number.NaN;
  const h = s.n >> 1;
  return s.n % 2 === 1
    ? sketchValueAtRank(s, h)
    : (sketchValueAtRank(s, h - 1) + sketchValueAtRank(s, h)) / 2;
}

/** Bins as (lower, upper, count) intervals in ascending order, for histograms (zero bin: [0, 0]). */
export function sketchBins(sketch: Readonly<QuantileSketch>): { lo: number; hi: number; count: number }[] {
  const s = structuredClone(sketch) as QuantileSketch;
  toBins(s);
  const out: { lo: number; hi: number; count: number }[] = [];
  for (let k = s.neg.length - 1; k >= 0; k--) {
    const [i, c] = s.neg[k]!;
    out.push({ lo: -(GAMMA ** i), hi: -(GAMMA ** (i - 1)), count: c });
  }
  if (s.zero > 0) out.push({ lo: 0, hi: 0, count: s.zero });
  for (const [i, c] of s.pos) out.push({ lo: GAMMA ** (i - 1), hi: GAMMA ** i, count: c });
  return out;
}
