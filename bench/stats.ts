/** Timing helpers for benchmarks. performance.now is fine here: bench/ is not domain code. */

/** Run `fn` `warmup` times, then `reps` times; return the sorted durations in ms. */
export async function timeIt(
  fn: () => unknown | Promise<unknown>,
  reps: number,
  warmup = 3,
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out.sort((a, b) => a - b);
}

export function median(sorted: readonly number[]): number {
  const n = sorted.length;
  return n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}
