/**
 * Units and their conversions. Naming convention in the code base: `*Ns` int64 nanoseconds since the Unix epoch
 * (bigint / BigInt64Array), `*S` seconds (float), `*Usd` dollars (float64), `*Shares`/`qty` shares, `*Bps` basis
 * points. Databento fixed-point prices are int64 with 1 unit = 1e-9 dollars.
 */
import { InputError } from "./errors.ts";

/** Databento's fixed-point price unit, in dollars. */
export const FIXED_PRICE_SCALE = 1e-9;
/** Databento's UNDEF_PRICE (int64 max): "no level". */
export const UNDEF_PRICE_I64 = 0x7fffffffffffffffn;
export const NS_PER_S = 1_000_000_000n;
export const NS_PER_MS = 1_000_000n;

/** Fixed-point int64 (1e-9 $) to dollars; UNDEF_PRICE maps to NaN ("no level"). */
export function fixedToUsd(v: bigint): number {
  if (v === UNDEF_PRICE_I64) return Number.NaN;
  // split to keep full precision for large magnitudes
  const whole = v / NS_PER_S;
  const frac = v - whole * NS_PER_S;
  return Number(whole) + Number(frac) / 1e9;
}

/** Dollars to fixed-point int64 (1e-9 $); NaN maps to UNDEF_PRICE. */
export function usdToFixed(p: number): bigint {
  if (Number.isNaN(p)) return UNDEF_PRICE_I64;
  return BigInt(Math.round(p * 1e9));
}

/**
 * Integer key of a price in micro-dollars, for equality tests and maps. Never compare float prices with ===;
 * compare their keys (docs/models.md conventions).
 */
export function priceKey(pUsd: number): number {
  return Math.round(pUsd * 1e6);
}

/** Key of a bid price; a missing bid (NaN) ranks below every price. */
export function bidKey(pUsd: number): number {
  return Number.isNaN(pUsd) ? Number.NEGATIVE_INFINITY : priceKey(pUsd);
}

/** Key of an ask price; a missing ask (NaN) ranks above every price. */
export function askKey(pUsd: number): number {
  return Number.isNaN(pUsd) ? Number.POSITIVE_INFINITY : priceKey(pUsd);
}

/** Basis points of `x` relative to `ref`. */
export function toBps(x: number, ref: number): number {
  return (x / ref) * 1e4;
}

/** Exact nanoseconds from a non-negative decimal string of seconds ("34200.004241176"). */
export function decimalSecondsToNs(text: string): bigint {
  const m = /^(\d+)(?:\.(\d{0,9})\d*)?$/.exec(text.trim());
  if (!m)
    throw new InputError(`"${text}" is not a decimal number of seconds (expected e.g. 34200.004241176)`);
  const frac = (m[2] ?? "").padEnd(9, "0");
  return BigInt(m[1]!) * NS_PER_S + BigInt(frac);
}

/** Seconds (float) between two ns timestamps: (b - a) / 1e9. Exact to the ns for spans under ~100 days. */
export function secondsBetween(aNs: bigint, bNs: bigint): number {
  return Number(bNs - aNs) / 1e9;
}

/** ns timestamp plus a float number of seconds, rounded to the nanosecond. */
export function addSeconds(tNs: bigint, seconds: number): bigint {
  return tNs + BigInt(Math.round(seconds * 1e9));
}

/** `v.toFixed(digits)` without a minus sign on a value that rounds to zero ("-0.00" reads as a real sign). */
export function fixed(v: number, digits: number): string {
  const t = v.toFixed(digits);
  return /^-0(\.0*)?$/.test(t) ? t.slice(1) : t;
}
