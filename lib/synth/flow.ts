/**
 * Order flow: which events are trades, their aggressor sign and size, and the binned signed-flow path of
 * docs/models.md section 2 (dt = 10 s bins, x_j = signed volume / daily volume, J_j = exp(-beta dt) J_{j-1} + x_j).
 *
 * Trade signs are autocorrelated through meta-orders: parent orders arrive over the session, each with a sign
 * and a log-uniform duration between 1 and 60 minutes; the probability that a trade is a buy is
 * (1 + f) / 2 with f = 0.7 tanh(0.6 n) and n the net number of active buy minus sell meta-orders. Persistent
 * flow at several time scales is what makes the candidate half-lives distinguishable.
 */
import type { Rng } from "../core/rng.ts";
import { SESSION_S } from "./profile.ts";

/** Bin width of the impact regression, seconds (docs/models.md section 2). */
export const IMPACT_DT_S = 10;
/** Number of impact bins in the regular session. */
export const IMPACT_BINS = SESSION_S / IMPACT_DT_S;

/** Trade plan of the day, aligned with the event arrays (one entry per event). */
export interface TradePlan {
  /** +1 buyer-initiated, -1 seller-initiated, 0 not a trade. */
  readonly sign: Int8Array;
  /** Shares of each trade (0 for non-trades). */
  readonly size: Uint32Array;
  /** Number of trades. */
  readonly trades: number;
  /** V: total traded shares of the day (all venues). */
  readonly dailyVolume: number;
  /** Expected daily volume for these options (events x trade probability x mean trade size): an ADV hint. */
  readonly expectedVolume: number;
}

/** Net active meta-orders (buy minus sell) per second of the session. */
export function metaOrderFlow(rng: Rng): Int8Array {
  const meanDurationS = (3600 - 60) / Math.log(60);
  const ratePerS = 2.5 / meanDurationS;
  const diff = new Int32Array(SESSION_S + 1);
  // start with meta-orders already running at the open, then Poisson arrivals
  let t = -meanDurationS * 2;
  for (;;) {
    t += rng.exponential(1 / ratePerS);
    if (t >= SESSION_S) break;
    const duration = 60 * Math.exp(rng.uniform() * Math.log(60));
    const sign = rng.uniform() < 0.5 ? -1 : 1;
    const a = Math.max(0, Math.floor(t));
    const b = Math.min(SESSION_S, Math.floor(t + duration));
    if (b <= a) continue;
    diff[a]! += sign;
    diff[b]! -= sign;
  }
  const net = new Int8Array(SESSION_S);
  let n = 0;
  for (let k = 0; k < SESSION_S; k++) {
    n += diff[k]!;
    net[k] = Math.max(-127, Math.min(127, n));
  }
  return net;
}

/** Probability mass of trade sizes: 35% odd lots (1..99), else 100 x geometric lots (p = 0.55, cap 20). */
function drawTradeSize(rng: Rng): number {
  if (rng.uniform() < 0.35) return 1 + rng.int(99);
  return 100 * Math.min(20, rng.geometric(0.55));
}

/** Mean size of a trade (shares or contracts) of drawTradeSize. */
export function meanTradeSize(): number {
  let lots = 0;
  let tail = 1;
  for (let k = 1; k < 20; k++) {
    const p = 0.55 * 0.45 ** (k - 1);
    lots += k * p;
    tail -= p;
  }
  lots += 20 * tail;
  return 0.35 * 50 + 0.65 * 100 * lots;
}

/** Choose the trades among the events (times in ns after the open) and draw their sign and size. */
export function planTrades(timesNs: Float64Array, tradeProbability: number, rng: Rng): TradePlan {
  const n = timesNs.length;
  const net = metaOrderFlow(rng);
  const sign = new Int8Array(n);
  const size = new Uint32Array(n);
  let trades = 0;
  let volume = 0;
  for (let i = 0; i < n; i++) {
    if (rng.uniform() >= tradeProbability) continue;
    const f = 0.7 * Math.tanh(0.6 * net[Math.floor(timesNs[i]! / 1e9)]!);
    sign[i] = rng.uniform() < (1 + f) / 2 ? 1 : -1;
    const q = drawTradeSize(rng);
    size[i] = q;
    volume += q;
    trades++;
  }
  return { sign, size, trades, dailyVolume: volume, expectedVolume: n * tradeProbability * meanTradeSize() };
}

/** Impact bin (0..IMPACT_BINS-1) of a time in ns after the open. */
export function impactBin(tNs: number): number {
  return Math.min(IMPACT_BINS - 1, Math.floor(tNs / (IMPACT_DT_S * 1e9)));
}

/** x_j = (buy volume - sell volume in bin j) / dailyVolume, for every bin of the session. */
export function binnedFlow(timesNs: Float64Array, plan: TradePlan): Float64Array {
  const x = new Float64Array(IMPACT_BINS);
  for (let i = 0; i < timesNs.length; i++) {
    const s = plan.sign[i]!;
    if (s !== 0) x[impactBin(timesNs[i]!)]! += s * plan.size[i]!;
  }
  for (let j = 0; j < IMPACT_BINS; j++) x[j] = x[j]! / plan.dailyVolume;
  return x;
}

/** J_j = exp(-beta dt) J_{j-1} + x_j with J_{-1} = 0; beta = ln 2 / halfLifeS per second. */
export function propagatorPath(x: Float64Array, halfLifeS: number, dtS = IMPACT_DT_S): Float64Array {
  const decay = Math.exp((-Math.LN2 / halfLifeS) * dtS);
  const j = new Float64Array(x.length);
  let prev = 0;
  for (let k = 0; k < x.length; k++) {
    prev = decay * prev + x[k]!;
    j[k] = prev;
  }
  return j;
}
