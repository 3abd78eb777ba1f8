import path from "node:path";
import { describe, expect, it } from "vitest";
import { priceKey } from "../../lib/core/units.ts";
import { DbnReader } from "../../lib/importers/dbn/decoder.ts";
import { importDbn } from "../../lib/importers/dbn/import.ts";
import { deriveMbp10 } from "../../lib/importers/mbo/deriveMbp10.ts";
import type { MboImportSummary } from "../../lib/importers/mbo/import.ts";
import { FifoBook } from "../../lib/mbo/fifoBook.ts";
import { readMboBatches } from "../../lib/mbo/reader.ts";
import type { MboBatch } from "../../lib/mbo/schema.ts";
import type { Mbp10FullBatch } from "../../lib/mbp10/schema.ts";
import { fileSource } from "../../lib/ports/fileSource.ts";
import { haveSharedData, SHARED_DATA } from "../helpers/sharedData.ts";
import { tempDir } from "../helpers/tmp.ts";
import { type MboRow, mboBatch, once } from "../mbo/helpers.ts";
import { readBack } from "./helpers.ts";

const ESH4 = path.join(
  SHARED_DATA,
  "databento",
  "GLBX.MDP3",
  "esh4-glbx-mdp3-20231225-to-2330utc.mbo.dbn.zst",
);
const OPEN_NS = 1703545200000000000n; // 2023-12-25 23:00 UTC = 18:00 New York, the Globex open

async function derive(rows: readonly MboRow[]): Promise<Mbp10FullBatch> {
  const out: Mbp10FullBatch[] = [];
  for await (const b of deriveMbp10(once(mboBatch(rows)), "X")) out.push(b);
  expect(out).toHaveLength(1);
  return out[0]!;
}

const ch = (c: number) => String.fromCharCode(c);

describe("MBP-10 derived from MBO (hand-built golden cases)", () => {
  it("publishes A/C/M/T with the book after each; F is not published; counts are orders per level", async () => {
    const d = await derive([
      { t: 1, a: "A", s: "B", px: 100, sz: 5, id: 1 },
      { t: 2, a: "A", s: "A", px: 101, sz: 3, id: 2 },
      { t: 3, a: "A", s: "B", px: 99.75, sz: 2, id: 3, f: 0 },
      { t: 3, a: "A", s: "B", px: 100, sz: 4, id: 4 },
      { t: 4, a: "T", s: "A", px: 100, sz: 6, id: 9, f: 0 },
      { t: 4, a: "F", s: "B", px: 100, sz: 5, id: 1, f: 0 },
      { t: 4, a: "F", s: "B", px: 100, sz: 1, id: 4, f: 0 },
      { t: 5, a: "C", s: "B", px: 100, sz: 5, id: 1, f: 0 },
      { t: 5, a: "M", s: "B", px: 100, sz: 3, id: 4 },
    ]);
    expect(d.length).toBe(7);
    const rows = Array.from({ length: d.length }, (_, i) => [
      ch(d.action[i]!),
      ch(d.side[i]!),
      d.price[i],
      d.size[i],
      d.depth[i],
      d.flags[i],
      d.bidPx[0]![i],
      d.bidSz[0]![i],
      d.bidCt[0]![i],
      d.bidPx[1]![i],
      d.bidSz[1]![i],
      d.askPx[0]![i],
      d.askSz[0]![i],
    ]);
    expect(rows).toEqual([
      ["A", "B", 100, 5, 0, 0x80, 100, 5, 1, Number.NaN, 0, Number.NaN, 0],
      ["A", "A", 101, 3, 0, 0x80, 100, 5, 1, Number.NaN, 0, 101, 3],
      ["A", "B", 99.75, 2, 1, 0, 100, 5, 1, 99.75, 2, 101, 3],
      ["A", "B", 100, 4, 0, 0x80, 100, 9, 2, 99.75, 2, 101, 3],
      ["T", "A", 100, 6, 0, 0, 100, 9, 2, 99.75, 2, 101, 3],
      ["C", "B", 100, 5, 0, 0, 100, 4, 1, 99.75, 2, 101, 3],
      ["M", "B", 100, 3, 0, 0x80, 100, 3, 1, 99.75, 2, 101, 3],
    ]);
  });

  it("a change below level 10 is not published and its F_LAST moves to the event's last published record", async () => {
    const rows: MboRow[] = [];
    for (let l = 0; l < 10; l++) rows.push({ t: 1, a: "A", s: "A", px: 100 + l, sz: 1, id: 10 + l, f: 0 });
    rows.push({ t: 1, a: "A", s: "A", px: 110, sz: 7, id: 30, f: 0x80 }); // 11th level, ends the event
    rows.push({ t: 2, a: "C", s: "A", px: 110, sz: 2, id: 30, f: 0x80 }); // deep again: nothing to move
    rows.push({ t: 3, a: "C", s: "A", px: 100, sz: 1, id: 10, f: 0x80 }); // best leaves: level 11 shows
    const d = await derive(rows);
    expect(d.length).toBe(11);
    expect(Array.from(d.flags.subarray(0, 10))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80]);
    expect(d.depth[9]).toBe(9);
    expect(ch(d.action[10]!)).toBe("C");
    expect(d.askPx[0]![10]).toBe(101);
    expect(d.askPx[9]![10]).toBe(110);
    expect(d.askSz[9]![10]).toBe(5); // the deep partial cancel was applied, unpublished
  });
});

async function all(it: AsyncIterable<MboBatch>): Promise<MboBatch[]> {
  const out: MboBatch[] = [];
  for await (const b of it) out.push(b);
  return out;
}

describe.skipIf(!haveSharedData(path.dirname(ESH4), "real CME ESH4 MBO (Databento GLBX.MDP3) tests"))(
  "real ESH4 MBO: import, FIFO book, derived MBP-10",
  () => {
    const dir = tempDir();

    it("imports to MBO Parquet (read back equal to the DBN decode) and derives MBP-10 in the replay's layout", async () => {
      const out = path.join(dir, "es.mbo.parquet");
      const mbp10Out = path.join(dir, "es.mbp10.parquet");
      const s = (await importDbn({
        input: ESH4,
        out,
        mbp10Out,
        capacity: 10_000,
      } as never)) as MboImportSummary;
      expect(s.schema).toBe("mbo");
      expect(s.records).toBe(44_371);
      expect(s.symbol).toBe("ESH4");
      expect(s.derived?.unknownOrders).toBe(0);
      const reader = await DbnReader.open(ESH4);
      const dbn = await all(reader.mboBatches("ESH4"));
      const back = await all(readMboBatches(await fileSource(out), "ESH4"));
      const flat = (bs: MboBatch[], f: (b: MboBatch, i: number) => unknown) =>
        bs.flatMap((b) => Array.from({ length: b.length }, (_, i) => f(b, i)));
      for (const f of [
        (b: MboBatch, i: number) => b.tsRecv[i],
        (b: MboBatch, i: number) => b.orderId[i],
        (b: MboBatch, i: number) => b.price[i],
        (b: MboBatch, i: number) => `${b.action[i]}${b.side[i]}${b.size[i]}${b.flags[i]}${b.sequence[i]}`,
      ]) {
        expect(flat(back, f)).toEqual(flat(dbn, f));
      }
      // first record: a snapshot add (flags SNAPSHOT | BAD_TS_RECV), decoded from Databento's MboMsg layout
      const b0 = dbn[0]!;
      expect([
        ch(b0.action[0]!),
        ch(b0.side[0]!),
        b0.price[0],
        b0.size[0],
        b0.orderId[0],
        b0.flags[0],
      ]).toEqual(["A", "B", 4799, 2, 6412777162812n, 0x28]);
      const { batches, levels } = await readBack(mbp10Out);
      expect(levels).toBe(10);
      let trades = 0;
      let crossedAfterOpen = 0;
      let rows = 0;
      for (const b of batches) {
        rows += b.length;
        for (let i = 0; i < b.length; i++) {
          if (b.action[i] === 84) trades++;
          if (b.tsRecv[i]! >= OPEN_NS && b.flags[i]! & 0x80 && b.bidPx[0]![i]! >= b.askPx[0]![i]!)
            crossedAfterOpen++;
        }
      }
      expect(rows).toBe(s.derived?.records);
      expect(trades).toBe(1865); // every MBO trade record (978 buy + 886 sell aggressors + 1 unknown)
      // the pre-open book may cross (orders wait for the opening auction); once trading opens it must not
      expect(crossedAfterOpen).toBeLessThanOrEqual(1);
    });

    it("the FIFO book explains the fills: the orders a trade fills are the front of their queue", async () => {
      const reader = await DbnReader.open(ESH4);
      const book = new FifoBook();
      let checked = 0;
      let front = 0;
      let aggressor = -1n;
      // the fills of one trade: level -> shares, and each fill's (level, shares ahead of it, size)
      const total = new Map<number, number>();
      let pending: [number, number, number][] = [];
      const settle = () => {
        // a trade fills the front of each queue it reaches (its F records may list those orders in any order)
        for (const [key, ahead, size] of pending) if (ahead <= total.get(key)! - size) front++;
        checked += pending.length;
        pending = [];
        total.clear();
      };
      for await (const b of reader.mboBatches("ESH4")) {
        for (let i = 0; i < b.length; i++) {
          const a = b.action[i]!;
          if (a === 70) {
            const id = b.orderId[i]!;
            const pk = book.keyOf(id);
            // the aggressor's own fill, and auction fills away from the order's price, are not queue fills
            if (id === aggressor || pk !== priceKey(b.price[i]!)) continue;
            const side = book.sideOf(id);
            const key = pk * 2 + side;
            pending.push([key, book.sizeAhead(side, pk, book.priorityOf(id) - 0.5), b.size[i]!]);
            total.set(key, (total.get(key) ?? 0) + b.size[i]!);
            continue;
          }
          settle();
          if (a === 84) aggressor = b.orderId[i]!;
          else book.apply(a, b.side[i]!, b.price[i]!, b.size[i]!, b.orderId[i]!);
        }
      }
      settle();
      console.log(`ESH4 fills at the front of their FIFO queue: ${front} of ${checked}`);
      expect(checked).toBeGreaterThan(3500);
      expect(front / checked).toBeGreaterThan(0.95); // measured 3,448 of 3,578 (96.4%)
    });
  },
);

describe("derived MBP-10 (property)", () => {
  it("every published row shows the 10 best levels of the per-price sums of the live orders; F_LAST survives", async () => {
    const fc = (await import("fast-check")).default;
    const ev = fc.record({
      act: fc.constantFrom("A", "A", "A", "C", "M", "T"),
      id: fc.integer({ min: 1, max: 40 }),
      side: fc.constantFrom("B", "A"),
      tick: fc.integer({ min: 0, max: 14 }),
      size: fc.integer({ min: 1, max: 9 }),
      last: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(ev, { minLength: 1, maxLength: 120 }), async (events) => {
        // bids on ticks 0..14 below 100, asks above: never crossed
        const live = new Map<number, { side: string; px: number; size: number }>();
        const rows: MboRow[] = [];
        const snapshots: Map<number, number>[][] = []; // per MBO row: [bid sums, ask sums] after it
        events.forEach((e, t) => {
          const px = e.side === "B" ? 100 - e.tick * 0.25 : 100.25 + e.tick * 0.25;
          const o = live.get(e.id);
          const f = e.last || t === events.length - 1 ? 0x80 : 0;
          if (e.act === "A" && !o) {
            live.set(e.id, { side: e.side, px, size: e.size });
            rows.push({ t, a: "A", s: e.side, px, sz: e.size, id: e.id, f });
          } else if (e.act === "C" && o) {
            const c = Math.min(o.size, e.size);
            o.size -= c;
            if (o.size === 0) live.delete(e.id);
            rows.push({ t, a: "C", s: o.side, px: o.px, sz: c, id: e.id, f });
          } else if (e.act === "M" && o) {
            o.px = o.side === "B" ? 100 - e.tick * 0.25 : 100.25 + e.tick * 0.25;
            o.size = e.size;
            rows.push({ t, a: "M", s: o.side, px: o.px, sz: e.size, id: e.id, f });
          } else {
            rows.push({ t, a: "T", s: e.side, px: 100, sz: e.size, id: 999, f });
          }
          const sums = ["B", "A"].map((sd) => {
            const m = new Map<number, number>();
            for (const x of live.values()) if (x.side === sd) m.set(x.px, (m.get(x.px) ?? 0) + x.size);
            return m;
          });
          snapshots.push(sums);
        });
        const d = await derive(rows);
        let lastFlagsOk = true;
        for (let i = 0; i < d.length; i++) {
          const t = Number(d.tsRecv[i]);
          const [bids, asks] = snapshots[t]!;
          const bk = [...bids!.keys()].sort((x, y) => y - x).slice(0, 10);
          const ak = [...asks!.keys()].sort((x, y) => x - y).slice(0, 10);
          for (let l = 0; l < 10; l++) {
            expect(Number.isNaN(d.bidPx[l]![i]!) ? undefined : d.bidPx[l]![i]).toBe(bk[l]);
            expect(d.bidSz[l]![i]).toBe(bk[l] === undefined ? 0 : bids!.get(bk[l]!));
            expect(Number.isNaN(d.askPx[l]![i]!) ? undefined : d.askPx[l]![i]).toBe(ak[l]);
            expect(d.askSz[l]![i]).toBe(ak[l] === undefined ? 0 : asks!.get(ak[l]!));
          }
          // the last published row of an event (same ts, the MBO event ended with F_LAST) carries F_LAST
          const next = i + 1 < d.length ? Number(d.tsRecv[i + 1]) : Number.POSITIVE_INFINITY;
          if (next !== t && rows.some((r) => r.t === t && (r.f ?? 0) & 0x80) && !(d.flags[i]! & 0x80))
            lastFlagsOk = false;
        }
        expect(lastFlagsOk).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
