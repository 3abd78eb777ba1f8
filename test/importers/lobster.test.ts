import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { importLobster, lobsterBatches, newLobsterStats } from "../../lib/importers/lobster/import.ts";
import { Flag, type Mbp10FullBatch } from "../../lib/mbp10/schema.ts";
import { collect, FIXTURES, haveData, readBack, SHARED_DATA, tempDir } from "./helpers.ts";

const LOBSTER = path.join(SHARED_DATA, "lobster");
const TINY = path.join(FIXTURES, "lobster/TINY_2012-06-21_34200000_57600000_");
const tiny = {
  messagePath: `${TINY}message_2.csv`,
  orderbookPath: `${TINY}orderbook_2.csv`,
  date: "2012-06-21",
  symbol: "TINY",
};

/** One record per row for assertions: code letters, dollars, book as [bidPx, bidSz, askPx, askSz] per level. */
function records(batches: readonly Mbp10FullBatch[]) {
  return batches.flatMap((b) =>
    Array.from({ length: b.length }, (_, r) => ({
      ts: b.tsRecv[r]!,
      action: String.fromCharCode(b.action[r]!),
      side: String.fromCharCode(b.side[r]!),
      depth: b.depth[r]!,
      price: b.price[r]!,
      size: b.size[r]!,
      last: (b.flags[r]! & Flag.LAST) !== 0,
      seq: b.sequence[r]!,
      publisher: b.publisherId[r]!,
      book: Array.from({ length: b.levels }, (_, l) => [
        b.bidPx[l]![r]!,
        b.bidSz[l]![r]!,
        b.askPx[l]![r]!,
        b.askSz[l]![r]!,
      ]),
    })),
  );
}

const N = Number.NaN;

describe("LOBSTER importer on the hand-written fixture (every event type)", () => {
  it("maps each message to the documented records", async () => {
    const stats = newLobsterStats();
    const recs = records(await collect(lobsterBatches(tiny, stats)));
    // rows 9-11 are type 7: the halt (price -1) is a clear record, quoting (0) and trading (1) resumes are none
    expect(stats).toMatchObject({
      rows: 15,
      levels: 2,
      halts: 1,
      haltExamples: [9],
      resumes: 2,
      haltedRows: 0,
      inconsistentRows: 0,
      records: 16,
    });
    const brief = recs.map((r) => [r.seq, r.action, r.side, r.depth, r.price, r.size, r.last]);
    expect(brief).toEqual([
      [1, "A", "B", 0, 100, 100, true],
      [2, "A", "A", 0, 101, 200, true],
      [3, "A", "B", 1, 99.9, 50, false],
      [4, "A", "A", 0, 100.5, 30, true],
      [5, "T", "A", 0, 100, 40, false], // execution of a resting bid: the aggressor sold
      [5, "C", "B", 0, 100, 40, false],
      [6, "T", "A", 0, 100, 60, false],
      [6, "C", "B", 0, 100, 60, true],
      [7, "C", "A", 0, 100.5, 10, true],
      [8, "T", "B", 1, 100.7, 25, true], // hidden execution of a sell order: a buyer lifted
      [9, "R", "N", 0, N, 0, true], // trading halt: a clear; rows 10-11 (quoting, trading resume) write none
      [12, "T", "N", 0, 100.6, 500, true], // cross after the resume
      [13, "C", "A", 0, 100.5, 20, true],
      [14, "A", "A", 1, 101.1, 70, true],
      [15, "T", "B", 0, 101, 200, false],
      [15, "C", "A", 0, 101, 200, true],
    ]);
    expect(recs.every((r) => r.publisher === 2)).toBe(true);
    // 34200.000000001 s after New York midnight of 2012-06-21 (EDT, UTC-4)
    expect(recs[0]!.ts).toBe(BigInt(Date.UTC(2012, 5, 21, 13, 30)) * 1_000_000n + 1n);
    expect(recs[2]!.ts - recs[0]!.ts).toBe(499_999_999n);
  });

  it("a type-4 execution is a trade with the book before, then a cancel with the book after", async () => {
    const recs = records(await collect(lobsterBatches(tiny, newLobsterStats())));
    const [t5, c5, t6, c6] = recs.slice(4, 8);
    expect(t5!.book).toEqual([
      [100, 100, 100.5, 30],
      [99.9, 50, 101, 200],
    ]);
    expect(c5!.book).toEqual([
      [100, 60, 100.5, 30],
      [99.9, 50, 101, 200],
    ]);
    expect(t6!.book).toEqual(c5!.book);
    expect(c6!.book).toEqual([
      [99.9, 50, 100.5, 30],
      [N, 0, 101, 200],
    ]);
    const [t15, c15] = recs.slice(14);
    expect([t15!.side, c15!.side]).toEqual(["B", "A"]); // resting ask executed: aggressor is a buyer
    expect(t15!.book).toEqual([
      [99.9, 50, 101, 200],
      [N, 0, 101.1, 70],
    ]);
    expect(c15!.book).toEqual([
      [99.9, 50, 101.1, 70],
      [N, 0, N, 0],
    ]);
  });

  it("the first row's book-before is reconstructed; empty levels are NaN with size 0", async () => {
    const recs = records(await collect(lobsterBatches(tiny, newLobsterStats())));
    expect(recs[0]!.book).toEqual([
      [100, 100, N, 0],
      [N, 0, N, 0],
    ]);
  });

  it("gives the same records whatever the batch size (F_LAST across batch boundaries)", async () => {
    const all = records(await collect(lobsterBatches(tiny, newLobsterStats())));
    const small = await collect(lobsterBatches({ ...tiny, capacity: 4 }, newLobsterStats()));
    expect(small.map((b) => b.length)).toEqual([4, 4, 4, 4]);
    expect(records(small)).toEqual(all);
  });

  it("writes Parquet and summarizes rows, records, halts and span", async () => {
    const out = path.join(tempDir(), "tiny.parquet");
    const s = await importLobster({ ...tiny, out, venueId: 7 });
    expect(s).toMatchObject({
      format: "lobster",
      rows: 15,
      records: 16,
      levels: 2,
      dropped: { halt_resumes: 2 },
      warnings: { trading_halts: 1 },
      examples: { trading_halts: [9] },
      span: { first: "2012-06-21T13:30:00.000000001Z", last: "2012-06-21T13:30:06.000000000Z" },
    });
    const back = await readBack(out);
    expect(back.levels).toBe(2);
    const recs = records(back.batches);
    expect(recs.every((r) => r.publisher === 7)).toBe(true);
    expect(recs).toEqual(records(await collect(lobsterBatches({ ...tiny, venueId: 7 }, newLobsterStats()))));
  });

  it("counts rows whose book is not the previous book plus the message", async () => {
    const dir = tempDir();
    const lines = readFileSync(tiny.orderbookPath, "utf8").trim().split("\n");
    lines[6] = lines[6]!.replace("1005000,20,", "1005000,25,"); // row 7 shows 25 instead of 30 - 10
    writeFileSync(path.join(dir, "ob.csv"), `${lines.join("\n")}\n`);
    const s = await importLobster({
      ...tiny,
      orderbookPath: path.join(dir, "ob.csv"),
      out: path.join(dir, "o.parquet"),
    });
    // row 7, and row 8 (hidden: book must not change)
    expect(s.warnings).toEqual({ inconsistent_book_rows: 2, trading_halts: 1 });
    expect(s.examples).toEqual({ inconsistent_book_rows: [7, 8], trading_halts: [9] });
  });
});

describe("LOBSTER import errors", () => {
  const variant = (which: "message" | "orderbook", edit: (lines: string[]) => string[]) => {
    const dir = tempDir();
    const src = which === "message" ? tiny.messagePath : tiny.orderbookPath;
    const file = path.join(dir, `${which.toUpperCase()}.csv`);
    writeFileSync(file, `${edit(readFileSync(src, "utf8").trim().split("\n")).join("\n")}\n`);
    return {
      ...tiny,
      [which === "message" ? "messagePath" : "orderbookPath"]: file,
      out: path.join(dir, "o.parquet"),
    };
  };

  it("names a missing file", async () => {
    await expect(
      importLobster({ ...tiny, messagePath: "/nonexistent/m.csv", out: "/tmp/o.parquet" }),
    ).rejects.toThrow(/LOBSTER message file \/nonexistent\/m\.csv does not exist; check the path/);
  });

  it("reports mismatched row counts with both counts, and writes nothing", async () => {
    const o = variant("orderbook", (l) => l.slice(0, 14));
    await expect(importLobster(o)).rejects.toThrow(
      /LOBSTER row counts differ: .*message_2\.csv has 15 rows but .*ORDERBOOK\.csv has 14/,
    );
    expect(readdirSync(path.dirname(o.out))).toEqual(["ORDERBOOK.csv"]);
    // the same error after some batches were written (capacity 4): still an error, still no file
    await expect(importLobster({ ...o, capacity: 4 })).rejects.toThrow(/LOBSTER row counts differ/);
    expect(readdirSync(path.dirname(o.out))).toEqual(["ORDERBOOK.csv"]);
    const m = variant("message", (l) => l.slice(0, 12));
    await expect(importLobster(m)).rejects.toThrow(/MESSAGE\.csv has 12 rows but .*orderbook_2\.csv has 15/);
  });

  it("names file and line of a row with the wrong column count", async () => {
    const o = variant("message", (l) => l.map((x, i) => (i === 9 ? x.split(",").slice(0, 5).join(",") : x)));
    await expect(importLobster(o)).rejects.toThrow(/MESSAGE\.csv line 10: expected 6 columns .*got 5/);
    const b = variant("orderbook", (l) => l.map((x, i) => (i === 4 ? `${x},1` : x)));
    await expect(importLobster(b)).rejects.toThrow(
      /ORDERBOOK\.csv line 5: expected 8 columns \(2 levels x 4\), got 9/,
    );
    const c = variant("orderbook", (l) => l.map((x) => x.split(",").slice(0, 7).join(",")));
    await expect(importLobster(c)).rejects.toThrow(/ORDERBOOK\.csv line 1: expected a multiple of 4 columns/);
  });

  it("names file and line of unparseable numbers and times", async () => {
    const size = variant("message", (l) => l.map((x, i) => (i === 2 ? x.replace(",50,", ",5o,") : x)));
    await expect(importLobster(size)).rejects.toThrow(/MESSAGE\.csv line 3: size "5o" is not an integer/);
    const time = variant("message", (l) =>
      l.map((x, i) => (i === 0 ? x.replace("34200.000000001", "9:30") : x)),
    );
    await expect(importLobster(time)).rejects.toThrow(
      /MESSAGE\.csv line 1: time "9:30" is not seconds after midnight/,
    );
    const px = variant("orderbook", (l) => l.map((x, i) => (i === 3 ? x.replace("1005000", "100.5") : x)));
    await expect(importLobster(px)).rejects.toThrow(
      /ORDERBOOK\.csv line 4: ask price 1 "100.5" is not an integer/,
    );
    const type = variant("message", (l) => l.map((x, i) => (i === 1 ? x.replace(",1,102,", ",9,102,") : x)));
    await expect(importLobster(type)).rejects.toThrow(/MESSAGE\.csv line 2: event type 9 is not 1-7/);
    const halt = variant("message", (l) => l.map((x, i) => (i === 8 ? x.replace(",0,-1,-1", ",0,2,-1") : x)));
    await expect(importLobster(halt)).rejects.toThrow(
      /MESSAGE\.csv line 9: a type-7 \(trading halt\) message has price 2; LOBSTER writes -1 \(halt\), 0/,
    );
  });

  it("validates date, symbol and venue id", async () => {
    const out = path.join(tempDir(), "o.parquet");
    await expect(importLobster({ ...tiny, out, date: "2012-06-31" })).rejects.toThrow(
      /invalid date "2012-06-31"/,
    );
    await expect(importLobster({ ...tiny, out, symbol: "../x" })).rejects.toThrow(/invalid symbol "..\/x"/);
    await expect(importLobster({ ...tiny, out, venueId: 70000 })).rejects.toThrow(
      /venue id must be an integer/,
    );
  });
});

/** LOBSTER orderbook rows as numbers. */
function lobsterBook(file: string): number[][] {
  return readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((l) => l.split(",").map(Number));
}

/** Does record `r`'s book equal LOBSTER book row `row` on `levels` levels (prices compared in 1e-4 $ units)? */
function bookMismatch(
  b: Mbp10FullBatch,
  r: number,
  row: readonly number[],
  levels: number,
): string | undefined {
  for (let l = 0; l < levels; l++) {
    const [ap, as, bp, bs] = row.slice(4 * l, 4 * l + 4) as [number, number, number, number];
    const got = [b.askPx[l]![r]!, b.askSz[l]![r]!, b.bidPx[l]![r]!, b.bidSz[l]![r]!];
    const px = (p: number) => (Number.isNaN(p) ? "none" : String(Math.round(p * 1e4)));
    const want = [
      Math.abs(ap) === 9999999999 ? "none" : String(ap),
      as,
      Math.abs(bp) === 9999999999 ? "none" : String(bp),
      bs,
    ];
    const have = [px(got[0]!), got[1], px(got[2]!), got[3]];
    if (JSON.stringify(want) !== JSON.stringify(have)) return `level ${l + 1}: want ${want} got ${have}`;
  }
  return undefined;
}

/** Check every F_LAST record of an import against the LOBSTER orderbook row of its message. */
async function checkFLastBooks(out: string, orderbook: string, levels: number) {
  const rows = lobsterBook(orderbook);
  const { batches } = await readBack(out);
  let checked = 0;
  const bad: string[] = [];
  let timestamps = 0;
  let prevTs = -1n;
  for (const b of batches) {
    for (let r = 0; r < b.length; r++) {
      if (b.tsRecv[r]! !== prevTs) timestamps++;
      prevTs = b.tsRecv[r]!;
      if ((b.flags[r]! & Flag.LAST) === 0) continue;
      checked++;
      const m = bookMismatch(b, r, rows[b.sequence[r]! - 1]!, levels);
      if (m && bad.length < 5) bad.push(`row ${b.sequence[r]}: ${m}`);
    }
  }
  return { checked, bad, timestamps };
}

describe.skipIf(!haveData(LOBSTER))("LOBSTER importer on the real samples", () => {
  it("GOOG 2012-06-21 level 1: the whole day imports and every F_LAST book equals the LOBSTER book", async () => {
    const dir = path.join(LOBSTER, "GOOG_2012-06-21_L1");
    const base = path.join(dir, "GOOG_2012-06-21_34200000_57600000_");
    const out = path.join(tempDir(), "goog.parquet");
    const s = await importLobster({
      messagePath: `${base}message_1.csv`,
      orderbookPath: `${base}orderbook_1.csv`,
      date: "2012-06-21",
      symbol: "GOOG",
      out,
    });
    // 49,482 messages, of which 7,765 visible executions (T + C each), no halts
    expect(s).toMatchObject({
      rows: 49_482,
      records: 49_482 + 7_765,
      levels: 1,
      dropped: {},
      warnings: {},
    });
    expect(s.span).toEqual({
      first: "2012-06-21T13:30:00.015105074Z",
      last: "2012-06-21T19:59:59.320718269Z",
    });
    console.log(
      `GOOG day: ${s.rows} rows in ${s.seconds.toFixed(2)} s = ${Math.round(s.rows / s.seconds)} rows/s`,
    );
    const { checked, bad, timestamps } = await checkFLastBooks(out, `${base}orderbook_1.csv`, 1);
    expect(bad).toEqual([]);
    expect(checked).toBe(timestamps);
    expect(checked).toBeGreaterThan(30_000);
  });

  it("AAPL 10 levels: every F_LAST book equals the LOBSTER book on all 10 levels", async () => {
    const base = path.join(LOBSTER, "AAPL_2012-06-21_L10_head/AAPL_2012-06-21_34200000_57600000_");
    const out = path.join(tempDir(), "aapl.parquet");
    const s = await importLobster({
      messagePath: `${base}message_10.head.csv`,
      orderbookPath: `${base}orderbook_10.head.csv`,
      date: "2012-06-21",
      symbol: "AAPL",
      out,
    });
    // 999 rows (the last line has no newline), 98 visible executions
    expect(s).toMatchObject({ rows: 999, records: 999 + 98, levels: 10, warnings: {} });
    const { checked, bad } = await checkFLastBooks(out, `${base}orderbook_10.head.csv`, 10);
    expect(bad).toEqual([]);
    expect(checked).toBeGreaterThan(500);
  });

  it("TSLA sample: the type-6 cross becomes a trade with side N", async () => {
    const base = path.join(LOBSTER, "TSLA_2015-01-07_L10_SAMPLE/TSLA_2015-01-07_34200000_57600000_");
    const stats = newLobsterStats();
    const batches = await collect(
      lobsterBatches(
        {
          messagePath: `${base}message_10_SAMPLE.csv`,
          orderbookPath: `${base}orderbook_10_SAMPLE.csv`,
          date: "2015-01-07",
          symbol: "TSLA",
        },
        stats,
      ),
    );
    expect(stats).toMatchObject({ rows: 50, halts: 0, resumes: 0, inconsistentRows: 0, records: 50 + 8 });
    const cross = records(batches).filter((r) => r.seq === 3);
    expect(cross.map((r) => [r.action, r.side, r.price, r.size])).toEqual([["T", "N", 213.35, 19725]]);
    // 2015-01-07 is EST (UTC-5): 34200.492462611 s -> 14:30:00.492462611Z
    expect(cross[0]!.ts).toBe(BigInt(Date.UTC(2015, 0, 7, 14, 30)) * 1_000_000n + 492_462_611n);
    const first = records(batches)[0]!;
    expect([first.action, first.side]).toEqual(["T", "B"]); // row 1: execution of a sell order (direction -1)
  });
});
