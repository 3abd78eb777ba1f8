/**
 * A generated day read back with Mbp10File is a consistent MBP-10 stream: every record's book follows from
 * the previous book of its venue and the record's action, F_LAST closes each event, trades are T + C pairs,
 * books are never crossed (per venue or nationally), spreads are 1-3 ticks, activity is U-shaped.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { regularSession } from "../../lib/core/session.ts";
import type { Mbp10Batch } from "../../lib/mbp10/schema.ts";
import { writeSyntheticDay } from "../../lib/synth/write.ts";
import { readBack, tempDir } from "./helpers.ts";

const dir = tempDir();
const DATE = "2024-03-15";
const L = 10;
const A = 65;
const B = 66;
const key = (p: number) => Math.round(p * 100);

interface Counters {
  rows: number;
  failures: string[];
  fLast: number;
  spread1to3: number;
  crossedVenue: number;
  crossedNational: number;
  trades: number;
  badTradeFollowUp: number;
  tsBackwards: number;
  seqBackwards: number;
  offGrid: number;
  badSize: number;
  missingLast: number;
  extraLast: number;
  sizeSum: Float64Array;
  sizeN: Float64Array;
  perMinute: Float64Array;
  publishers: number[];
}

/** Replays the file and checks every record against its venue's previous book. */
async function replay(path: string): Promise<Counters> {
  const openNs = regularSession(DATE).openNs;
  const c: Counters = {
    rows: 0,
    failures: [],
    fLast: 0,
    spread1to3: 0,
    crossedVenue: 0,
    crossedNational: 0,
    trades: 0,
    badTradeFollowUp: 0,
    tsBackwards: 0,
    seqBackwards: 0,
    offGrid: 0,
    badSize: 0,
    missingLast: 0,
    extraLast: 0,
    sizeSum: new Float64Array(L),
    sizeN: new Float64Array(L),
    perMinute: new Float64Array(390),
    publishers: [],
  };
  // previous book per venue: [bid keys, ask keys, bid sizes, ask sizes]
  const prev = new Map<number, { px: Int32Array; sz: Int32Array }>();
  const bestBid = new Map<number, number>();
  const bestAsk = new Map<number, number>();
  const lastSeq = new Map<number, number>();
  let lastTs = -1n;
  let pendingTrade: { venue: number; side: number; price: number; size: number } | undefined;
  let last: { venue: number; seq: number; flags: number } | undefined;
  const fail = (msg: string) => {
    if (c.failures.length < 10) c.failures.push(msg);
  };
  const onBatch = (b: Mbp10Batch) => {
    for (let i = 0; i < b.length; i++) {
      const row = c.rows++;
      const v = b.venue[i]!;
      const action = b.action[i]!;
      const depth = b.depth[i]!;
      const seq = b.sequence[i]!;
      const flags = b.flags[i]!;
      // event boundaries: F_LAST exactly on the last record of each (venue, sequence) group
      if (last && (last.venue !== v || last.seq !== seq) && (last.flags & 0x80) === 0) c.missingLast++;
      if (last && last.venue === v && last.seq === seq && (last.flags & 0x80) !== 0) c.extraLast++;
      last = { venue: v, seq, flags };
      if (b.tsRecv[i]! < lastTs) c.tsBackwards++;
      lastTs = b.tsRecv[i]!;
      if (seq < (lastSeq.get(v) ?? 0)) c.seqBackwards++;
      lastSeq.set(v, seq);
      // the book after this record
      const px = new Int32Array(2 * L);
      const sz = new Int32Array(2 * L);
      for (let l = 0; l < L; l++) {
        for (const [s, pxArr, szArr] of [
          [0, b.bidPx, b.bidSz],
          [1, b.askPx, b.askSz],
        ] as const) {
          const p = pxArr[l]![i]!;
          const q = szArr[l]![i]!;
          if (Number.isNaN(p) !== (q === 0)) c.badSize++;
          if (!Number.isNaN(p) && Math.abs(p * 100 - key(p)) > 1e-6) c.offGrid++;
          px[s * L + l] = Number.isNaN(p) ? -1 : key(p);
          sz[s * L + l] = q;
        }
      }
      if (!Number.isNaN(b.price[i]!) && Math.abs(b.price[i]! * 100 - key(b.price[i]!)) > 1e-6) c.offGrid++;
      // trade follow-up: the record after a T is a C at depth 0 of the hit side, same price and size
      if (pendingTrade) {
        const hit = pendingTrade.side === B ? A : B;
        const ok =
          v === pendingTrade.venue &&
          action === 67 &&
          depth === 0 &&
          b.side[i] === hit &&
          key(b.price[i]!) === pendingTrade.price &&
          b.size[i] === pendingTrade.size;
        if (!ok) c.badTradeFollowUp++;
        pendingTrade = undefined;
      }
      const before = prev.get(v);
      if (action === 84) {
        c.trades++;
        if (b.side[i] !== A && b.side[i] !== B) fail(`row ${row}: trade side ${b.side[i]}`);
        if (flags & 0x80) fail(`row ${row}: F_LAST on a T record`);
        pendingTrade = { venue: v, side: b.side[i]!, price: key(b.price[i]!), size: b.size[i]! };
      }
      if (before)
        checkTransition(
          before,
          { px, sz },
          action,
          b.side[i]!,
          depth,
          key(b.price[i]!),
          b.size[i]!,
          row,
          fail,
        );
      prev.set(v, { px, sz });
      if (flags & 0x80) {
        c.fLast++;
        const bid = px[0]!;
        const ask = px[L]!;
        if (bid >= ask) c.crossedVenue++;
        if (ask - bid >= 1 && ask - bid <= 3) c.spread1to3++;
        bestBid.set(v, bid);
        bestAsk.set(v, ask);
        if (Math.max(...bestBid.values()) >= Math.min(...bestAsk.values())) c.crossedNational++;
        for (let l = 0; l < L; l++) {
          c.sizeSum[l]! += sz[l]! + sz[L + l]!;
          c.sizeN[l]! += 2;
        }
        const minute = Number((b.tsRecv[i]! - openNs) / 60_000_000_000n);
        if (minute >= 0 && minute < 390) c.perMinute[minute]! += 1;
      }
    }
  };
  const { publishers } = await readBack(path, onBatch);
  c.publishers = publishers;
  return c;
}

type Book = { px: Int32Array; sz: Int32Array };

/** The book after a record follows from the book before it and the record (MODELS.md section 1). */
function checkTransition(
  before: Book,
  after: Book,
  action: number,
  side: number,
  depth: number,
  price: number,
  size: number,
  row: number,
  fail: (m: string) => void,
): void {
  const same = (s: number, from: number, to: number, shift: number) => {
    for (let l = from; l < to; l++) {
      if (
        after.px[s * L + l] !== before.px[s * L + l + shift] ||
        after.sz[s * L + l] !== before.sz[s * L + l + shift]
      )
        return false;
    }
    return true;
  };
  if (action === 84) {
    if (!same(0, 0, L, 0) || !same(1, 0, L, 0)) fail(`row ${row}: T record changed the book`);
    return;
  }
  if (action === 82) {
    if (after.sz.some((q) => q !== 0)) fail(`row ${row}: book not empty after R`);
    return;
  }
  const s = side === B ? 0 : 1;
  const other = 1 - s;
  if (!same(other, 0, L, 0))
    fail(`row ${row}: ${String.fromCharCode(action)} on one side changed the other side`);
  const o = s * L;
  const d = depth;
  if (action === 65) {
    const join =
      before.px[o + d] === price &&
      after.px[o + d] === price &&
      after.sz[o + d] === before.sz[o + d]! + size &&
      same(s, 0, d, 0) &&
      same(s, d + 1, L, 0);
    const insert =
      after.px[o + d] === price && after.sz[o + d] === size && same(s, 0, d, 0) && same(s, d + 1, L, -1);
    if (!join && !insert) fail(`row ${row}: add at depth ${d} inconsistent with the book`);
  } else if (action === 67) {
    const reduce =
      before.px[o + d] === price &&
      after.px[o + d] === price &&
      after.sz[o + d] === before.sz[o + d]! - size &&
      same(s, 0, d, 0) &&
      same(s, d + 1, L, 0);
    const deeper =
      s === 0 ? after.px[o + L - 1]! < before.px[o + L - 1]! : after.px[o + L - 1]! > before.px[o + L - 1]!;
    const removeLevel =
      before.px[o + d] === price &&
      before.sz[o + d] === size &&
      same(s, 0, d, 0) &&
      same(s, d, L - 1, 1) &&
      deeper;
    if (!reduce && !removeLevel) fail(`row ${row}: cancel at depth ${d} inconsistent with the book`);
  } else {
    fail(`row ${row}: unexpected action ${String.fromCharCode(action)}`);
  }
}

describe("generated book", () => {
  let c: Counters;
  beforeAll(async () => {
    const path = join(dir, "book.parquet");
    await writeSyntheticDay(path, {
      symbol: "BOOK",
      date: DATE,
      venues: 2,
      eventsPerVenue: 100_000,
      seed: 11,
      startPrice: 100,
    });
    c = await replay(path);
  });

  it("every record's book follows from its venue's previous book and the record", () => {
    expect(c.failures).toEqual([]);
  });

  it("closes every event with F_LAST and nothing else", () => {
    expect(c.missingLast).toBe(0);
    expect(c.extraLast).toBe(0);
  });

  it("writes trades as T (aggressor side) followed by C at depth 0 of the hit side", () => {
    expect(c.trades).toBeGreaterThan(10_000);
    expect(c.badTradeFollowUp).toBe(0);
  });

  it("never crosses a venue's book or the national book", () => {
    expect(c.crossedVenue).toBe(0);
    expect(c.crossedNational).toBe(0);
  });

  it("quotes spreads of 1-3 ticks in at least 95% of F_LAST records", () => {
    expect(c.spread1to3 / c.fLast).toBeGreaterThan(0.95);
  });

  it("keeps prices on the tick grid, sizes positive at defined levels, time and sequence monotone", () => {
    expect(c.offGrid).toBe(0);
    expect(c.badSize).toBe(0);
    expect(c.tsBackwards).toBe(0);
    expect(c.seqBackwards).toBe(0);
    expect(c.publishers).toEqual([2, 9]);
  });

  it("shows hundreds of shares per level, growing with depth", () => {
    const mean = Array.from(c.sizeSum, (s, l) => s / c.sizeN[l]!);
    expect(mean[0]).toBeGreaterThan(100);
    expect(mean[0]).toBeLessThan(1000);
    expect(mean[9]!).toBeGreaterThan(2 * mean[0]!);
  });

  it("is busier near the open and the close than at midday (U-shape)", () => {
    const perMin = (a: number, b: number) => c.perMinute.slice(a, b).reduce((x, y) => x + y, 0) / (b - a);
    const midday = perMin(150, 240);
    expect(perMin(0, 30)).toBeGreaterThan(1.5 * midday);
    expect(perMin(360, 390)).toBeGreaterThan(1.2 * midday);
  });
});
