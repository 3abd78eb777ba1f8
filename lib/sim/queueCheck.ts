/**
 * Queue check (docs/models.md 6.7): how wrong is each L2 queue model about when a passive order fills, scored
 * against the exact FIFO queue of MBO data. N hypothetical 1-lot limit orders join the back of the best
 * queue of their side at seeded times; each is followed for tau seconds twice over the same records:
 * - exact (l3_fifo): the order sits in the real FIFO queue behind the orders that were there when it joined
 *   (FifoBook priorities). It fills when a fill reaches a resting order BEHIND it at its price (F record of an
 *   order with a later priority), when a trade or a fill happens at a price worse than ours on our side (the
 *   aggressor went through our price), or when the opposite side locks or crosses our price at a consistent
 *   book (we would have been hit). The aggressor's own F record is not a resting fill.
 * - each L2 model on the MBP-10 derived from the same records (what the replay sees): it joins behind the
 *   displayed size (QueueModel.arrive); trades at our price hitting our side advance it and fill it
 *   (tradeAtPrice); at every consistent book (F_LAST) the displayed size at our price (0 when vacated, left
 *   alone when below the 10 published levels) moves it (levelChange) with the trade volume printed there
 *   since the last book; a trade through our price or a lock/cross fills it, as in the simulator (6.3).
 * Both fill times are censored at tau (an order not filled within tau counts tau). Per model:
 *   accuracy = share of orders whose "filled within tau" agrees with the exact one;
 *   mean signed error = mean(min(t_model, tau) - min(t_exact, tau)), seconds (> 0: the model fills late);
 *   Brier = mean (p_b - y)^2 with y = exact filled within tau and p_b the model's fill rate within tau among
 *   orders of the same arrival-queue quintile b (the model's fill probability for an order like this one).
 * The best-fitting power is the prob(n) of the grid with the smallest |mean signed error| (ties: smaller n);
 * the best-fitting model the same over every L2 model (ties: risk_averse, log_prob, then the grid order).
 * Pure: the records come in as an iterable factory, randomness from the seed.
 */
import { InputError } from "../core/errors.ts";
import { Rng } from "../core/rng.ts";
import { priceKey } from "../core/units.ts";
import { ASK, BID, type FifoBook } from "../mbo/fifoBook.ts";
import type { MboBatch } from "../mbo/schema.ts";
import { Action, Flag, MAX_LEVELS, Side } from "../mbp10/schema.ts";
import { FifoTracker, fillReaches } from "./fifoQueue.ts";
import { logProbQueue, probQueue, riskAverse } from "./queueModels.ts";
import type { QueueModel, QueueOrder } from "./types.ts";

/** Powers of prob(n) scored for the best fit (the table shows 1, 2, 3). */
export const POWER_GRID: readonly number[] = [
  0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4, 5, 6, 8,
];

export interface QueueCheckOptions {
  /** Hypothetical orders to place. */
  orders: number;
  /** Horizon, seconds. */
  tauS: number;
  seed: number;
  /**
   * Only place orders at times t with accept(t) (e.g. a clock window in the instrument's time zone); default
   * all. Placement times are drawn uniformly over the active span (first trade .. last record - tau).
   */
  accept?: (tNs: bigint) => boolean;
  /** prob(n) powers to score (default POWER_GRID). */
  powers?: readonly number[];
  /** Return every placed order (QueueCheckResult.orders). */
  keepOrders?: boolean;
}

/** One model's score. */
export interface QueueModelScore {
  /** l3_fifo (the exact queue: its own score is the floor), risk_averse, log_prob, prob(n). */
  readonly model: string;
  /** n for prob(n), NaN otherwise. */
  readonly power: number;
  readonly fillRate: number;
  readonly accuracy: number;
  readonly meanSignedErrorS: number;
  readonly meanAbsErrorS: number;
  readonly brier: number;
}

export interface QueueCheckResult {
  readonly tauS: number;
  /** Orders asked for and orders placed (a two-sided consistent book was found after their time). */
  readonly requested: number;
  readonly placed: number;
  readonly exactFillRate: number;
  readonly scores: readonly QueueModelScore[];
  /** Best-fitting prob(n) power by |mean signed error|. */
  readonly bestPower: number;
  /** Best-fitting L2 model (risk_averse, log_prob or prob(n) of the grid) by |mean signed error|. */
  readonly bestModel: string;
  /** Mean size of the queue joined (shares in front at arrival). */
  readonly meanQueueAhead: number;
  readonly spanNs: { readonly first: bigint; readonly last: bigint };
  /** Per placed order (only with `keepOrders`): where and when it joined, its exact fill time or null. */
  readonly orders?: readonly PlacedOrder[];
}

/** One hypothetical order of a queue check. */
export interface PlacedOrder {
  /** 0 = buy (joins the bids), 1 = sell. */
  readonly side: number;
  /** Price key (lib/core/units.ts priceKey) of the best it joined. */
  readonly pk: number;
  readonly placedNs: bigint;
  /** Displayed size in front at arrival. */
  readonly queueAhead: number;
  /** Exact FIFO fill time, null when not filled within tau. */
  readonly exactNs: bigint | null;
}

interface Hypo {
  side: number;
  t0: bigint;
  placedNs: bigint;
  endNs: bigint;
  pk: number;
  prio: number;
  queue0: number;
  traded: number;
  exactNs: bigint;
  l2: QueueOrder[];
  l2Ns: bigint[];
}

const NONE = -1n;

/** First trade and last record times (ns) of the records. */
export async function activeSpan(batches: AsyncIterable<MboBatch>): Promise<{ first: bigint; last: bigint }> {
  let first = NONE;
  let last = NONE;
  for await (const b of batches) {
    if (b.length === 0) continue;
    last = b.tsRecv[b.length - 1]!;
    if (first === NONE) {
      for (let i = 0; i < b.length; i++) {
        if (b.action[i] === Action.Trade) {
          first = b.tsRecv[i]!;
          break;
        }
      }
    }
  }
  return { first, last };
}

/** The L2 models scored: risk_averse, log_prob and prob(n) for each power. */
function modelsFor(powers: readonly number[]): { model: QueueModel; power: number }[] {
  return [
    { model: riskAverse(), power: Number.NaN },
    { model: logProbQueue(), power: Number.NaN },
    ...powers.map((n) => ({ model: probQueue(n), power: n })),
  ];
}

/**
 * Run the queue check over the MBO records that `open()` yields (called twice: once for the span, once for
 * the replay).
 */
export async function queueCheck(
  open: () => AsyncIterable<MboBatch>,
  options: QueueCheckOptions,
): Promise<QueueCheckResult> {
  const { orders, tauS } = options;
  if (!Number.isInteger(orders) || orders < 1) {
    throw new InputError(`queue check needs --orders >= 1 (got ${orders})`);
  }
  if (!(tauS > 0)) throw new InputError(`queue check needs --tau > 0 seconds (got ${tauS})`);
  const span = await activeSpan(open());
  const tauNs = BigInt(Math.round(tauS * 1e9));
  if (span.first === NONE || span.last - tauNs <= span.first) {
    throw new InputError(
      `the records hold ${span.first === NONE ? "no trade" : "less than tau of trading"}: nothing to check; ` +
        "use a longer file or a shorter --tau",
    );
  }
  const models = modelsFor(options.powers ?? POWER_GRID);
  const hypos = placeTimes(span.first, span.last - tauNs, orders, options.seed, options.accept).map(
    (t0, i): Hypo => ({
      side: i % 2 === 0 ? BID : ASK,
      t0,
      placedNs: NONE,
      endNs: NONE,
      pk: Number.NaN,
      prio: 0,
      queue0: 0,
      traded: 0,
      exactNs: NONE,
      l2: models.map(() => ({ ahead: 0, lastSize: 0 })),
      l2Ns: models.map(() => NONE),
    }),
  );
  await replay(open(), hypos, models, tauNs);
  const result = score(hypos, models, tauS, orders, span);
  if (!options.keepOrders) return result;
  const kept = hypos
    .filter((o) => o.placedNs !== NONE)
    .map((o) => ({
      side: o.side,
      pk: o.pk,
      placedNs: o.placedNs,
      queueAhead: o.queue0,
      exactNs: o.exactNs === NONE ? null : o.exactNs,
    }));
  return { ...result, orders: kept };
}

/** `n` sorted seeded times uniform in [from, to] that `accept` takes (rejection, bounded). */
function placeTimes(
  from: bigint,
  to: bigint,
  n: number,
  seed: number,
  accept?: (tNs: bigint) => boolean,
): bigint[] {
  const rng = new Rng(seed);
  const width = Number(to - from);
  const out: bigint[] = [];
  for (let tries = 0; out.length < n && tries < n * 1000; tries++) {
    const t = from + BigInt(Math.floor(rng.uniform() * width));
    if (!accept || accept(t)) out.push(t);
  }
  if (out.length < n) {
    throw new InputError(
      `could place only ${out.length} of ${n} orders inside the window; widen --between or check the file's span`,
    );
  }
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

async function replay(
  batches: AsyncIterable<MboBatch>,
  hypos: Hypo[],
  models: readonly { model: QueueModel; power: number }[],
  tauNs: bigint,
): Promise<void> {
  const fifo = new FifoTracker();
  const book = fifo.book;
  const active: Hypo[] = [];
  let next = 0; // first pending order
  const M = models.length;
  const fillAll = (o: Hypo, ts: bigint) => {
    if (o.exactNs === NONE) o.exactNs = ts;
    for (let m = 0; m < M; m++) if (o.l2Ns[m] === NONE) o.l2Ns[m] = ts;
  };
  for await (const b of batches) {
    for (let r = 0; r < b.length; r++) {
      const ts = b.tsRecv[r]!;
      // orders whose horizon has passed are done
      for (let j = active.length - 1; j >= 0; j--) {
        if (active[j]!.endNs < ts) {
          active[j] = active[active.length - 1]!;
          active.pop();
        }
      }
      const action = b.action[r]!;
      const restingFill = fifo.apply(action, b.side[r]!, b.price[r]!, b.size[r]!, b.orderId[r]!);
      if (action === Action.Trade) {
        const price = b.price[r]!;
        const size = b.size[r]!;
        const sideCode = b.side[r]!;
        if (!Number.isNaN(price) && size > 0) {
          const k = priceKey(price);
          for (const o of active) {
            const hits =
              sideCode === Side.Ask ? o.side === BID : sideCode === Side.Bid ? o.side === ASK : true;
            if (!hits) continue;
            const through = o.side === BID ? k < o.pk : k > o.pk;
            if (through) {
              fillAll(o, ts);
              continue;
            }
            if (k !== o.pk || sideCode === Side.None) continue;
            o.traded += size;
            for (let m = 0; m < M; m++) {
              if (o.l2Ns[m] !== NONE) continue;
              if (models[m]!.model.tradeAtPrice(o.l2[m]!, size, 0, 0) >= 1) o.l2Ns[m] = ts;
            }
          }
        }
      } else if (restingFill) {
        const side = fifo.lastFillSide;
        const pk = fifo.lastFillPk;
        const prio = fifo.lastFillPrio;
        for (const o of active) {
          if (o.exactNs === NONE && fillReaches(side, pk, prio, o.side, o.pk, o.prio)) o.exactNs = ts;
        }
      }
      if ((b.flags[r]! & Flag.LAST) === 0) continue;
      // a consistent book: place due orders, then the L2 book update and the cross of every active order
      const bid = book.levelKey(BID, 0);
      const ask = book.levelKey(ASK, 0);
      const twoSided = !Number.isNaN(bid) && !Number.isNaN(ask) && bid < ask;
      while (next < hypos.length && hypos[next]!.t0 <= ts && twoSided) {
        const o = hypos[next++]!;
        o.pk = o.side === BID ? bid : ask;
        o.prio = book.takePriority();
        o.queue0 = book.levelSize(o.side, o.pk);
        o.placedNs = ts;
        o.endNs = ts + tauNs;
        for (let m = 0; m < M; m++) models[m]!.model.arrive(o.l2[m]!, o.queue0);
        active.push(o);
      }
      for (const o of active) {
        if (o.placedNs === ts) continue;
        const opp = book.levelKey(1 - o.side, 0);
        if (!Number.isNaN(opp) && (o.side === BID ? opp <= o.pk : opp >= o.pk)) {
          fillAll(o, ts);
          continue;
        }
        const size = publishedSize(book, o.side, o.pk);
        if (size >= 0) {
          for (let m = 0; m < M; m++) {
            if (o.l2Ns[m] === NONE) models[m]!.model.levelChange(o.l2[m]!, size, o.traded);
          }
        }
        o.traded = 0;
      }
    }
  }
}

/**
 * Displayed size at (side, pk) in the derived MBP-10 (10 levels): the level's size when among the 10 best, 0
 * when vacated (no level there, inside the shown range or better than the best), -1 when below the 10th
 * level (not published: unknown).
 */
export function publishedSize(book: FifoBook, side: number, pk: number): number {
  const i = book.levelIndex(side, pk);
  if (i >= MAX_LEVELS) return -1;
  if (i >= 0) return book.levelSize(side, pk);
  if (book.depth(side) >= MAX_LEVELS) {
    const last = book.levelKey(side, MAX_LEVELS - 1);
    if (side === BID ? pk < last : pk > last) return -1;
  }
  return 0;
}

function score(
  hypos: readonly Hypo[],
  models: readonly { model: QueueModel; power: number }[],
  tauS: number,
  requested: number,
  span: { first: bigint; last: bigint },
): QueueCheckResult {
  const placed = hypos.filter((o) => o.placedNs !== NONE);
  const n = placed.length;
  const delay = (o: Hypo, ns: bigint) =>
    ns === NONE ? Number.POSITIVE_INFINITY : Number(ns - o.placedNs) / 1e9;
  const exact = placed.map((o) => delay(o, o.exactNs));
  const y = exact.map((d): number => (d <= tauS ? 1 : 0));
  // arrival-queue quintiles (by rank, ties kept together)
  const order = placed.map((_, i) => i).sort((a, b) => placed[a]!.queue0 - placed[b]!.queue0);
  const bucket = new Int32Array(n);
  for (let r = 0; r < n; r++) bucket[order[r]!] = Math.min(4, Math.floor((r * 5) / n));
  for (let r = 1; r < n; r++) {
    if (placed[order[r]!]!.queue0 === placed[order[r - 1]!]!.queue0)
      bucket[order[r]!] = bucket[order[r - 1]!]!;
  }
  /** `times`: fill delays, seconds (Infinity when not filled). */
  const scoreOf = (name: string, power: number, times: readonly number[]): QueueModelScore => {
    const filled = times.map((t) => (t <= tauS ? 1 : 0));
    const rate = new Float64Array(5);
    const cnt = new Float64Array(5);
    for (let i = 0; i < n; i++) {
      rate[bucket[i]!]! += filled[i]!;
      cnt[bucket[i]!]!++;
    }
    let agree = 0;
    let signed = 0;
    let abs = 0;
    let brier = 0;
    let fills = 0;
    for (let i = 0; i < n; i++) {
      const d = Math.min(times[i]!, tauS) - Math.min(exact[i]!, tauS);
      signed += d;
      abs += Math.abs(d);
      if (filled[i] === y[i]) agree++;
      fills += filled[i]!;
      const p = rate[bucket[i]!]! / cnt[bucket[i]!]!;
      brier += (p - y[i]!) ** 2;
    }
    return {
      model: name,
      power,
      fillRate: fills / n,
      accuracy: agree / n,
      meanSignedErrorS: signed / n,
      meanAbsErrorS: abs / n,
      brier: brier / n,
    };
  };
  const scores: QueueModelScore[] = [scoreOf("l3_fifo", Number.NaN, exact)];
  models.forEach((m, j) => {
    scores.push(
      scoreOf(
        m.model.name,
        m.power,
        placed.map((o) => delay(o, o.l2Ns[j]!)),
      ),
    );
  });
  let bestModel = "";
  let bestModelErr = Number.POSITIVE_INFINITY;
  for (const s of scores) {
    const e = Math.abs(s.meanSignedErrorS);
    if (s.model !== "l3_fifo" && e < bestModelErr - 1e-12) {
      bestModelErr = e;
      bestModel = s.model;
    }
  }
  let bestPower = Number.NaN;
  let bestErr = Number.POSITIVE_INFINITY;
  for (const s of scores) {
    if (Number.isNaN(s.power)) continue;
    const e = Math.abs(s.meanSignedErrorS);
    if (e < bestErr - 1e-12) {
      bestErr = e;
      bestPower = s.power;
    }
  }
  return {
    tauS,
    requested,
    placed: n,
    exactFillRate: y.reduce((a, b) => a + b, 0) / Math.max(1, n),
    scores,
    bestPower,
    bestModel,
    meanQueueAhead: placed.reduce((a, o) => a + o.queue0, 0) / Math.max(1, n),
    spanNs: span,
  };
}
