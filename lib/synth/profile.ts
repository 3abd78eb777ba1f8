/**
 * Intraday activity: a U-shaped intensity over the regular session (busy open, quiet midday, busy close) and
 * the sorted event times drawn from it.
 */
import type { Rng } from "../core/rng.ts";

/** Regular session length 09:30-16:00, in seconds. */
export const SESSION_S = 23_400;
/** Regular session length in ns (as a float64 integer: exact). */
export const SESSION_NS = SESSION_S * 1e9;

/**
 * Relative event intensity at session fraction tau in [0, 1] (1 = midday level): about 2.1x over the first
 * 30 minutes and 1.5x over the last 30 minutes.
 */
export function activityShape(tau: number): number {
  return 1 + 2.2 * Math.exp(-tau / 0.05) + 1.2 * Math.exp(-(1 - tau) / 0.04);
}

/**
 * `n` sorted event times over the session, as integer ns after the open in [0, SESSION_NS), distributed with
 * density proportional to activityShape. Sorted uniforms come from normalized cumulative exponential gaps
 * (one pass, no sort); the inverse CDF is piecewise linear on a one-second grid.
 */
export function eventTimesNs(n: number, rng: Rng): Float64Array {
  const cum = new Float64Array(SESSION_S + 1);
  for (let k = 0; k < SESSION_S; k++) cum[k + 1] = cum[k]! + activityShape((k + 0.5) / SESSION_S);
  const total = cum[SESSION_S]!;
  const out = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) {
    s += rng.exponential(1);
    out[i] = s;
  }
  const norm = (s + rng.exponential(1)) / total;
  let cell = 0;
  for (let i = 0; i < n; i++) {
    const w = out[i]! / norm; // target cumulative weight in [0, total)
    while (cell < SESSION_S - 1 && cum[cell + 1]! <= w) cell++;
    const within = (w - cum[cell]!) / (cum[cell + 1]! - cum[cell]!);
    const ns = Math.floor((cell + Math.min(within, 1)) * 1e9);
    out[i] = Math.min(ns, SESSION_NS - 1);
  }
  return out;
}

/** Venue of each event: `perVenue` events per venue, shuffled (Fisher-Yates) so venues interleave. */
export function venueLabels(venues: number, perVenue: number, rng: Rng): Uint8Array {
  const n = venues * perVenue;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(i / perVenue);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}
