import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { databentoCsvBatches, importDatabentoCsv } from "../../lib/importers/csv/import.ts";
import { DbnReader } from "../../lib/importers/dbn/decoder.ts";
import { isoNs } from "../../lib/importers/output.ts";
import {
  allCsvCells,
  collect,
  DBN_FIXTURES,
  haveData,
  readBack,
  SHARED_DATA,
  tempDir,
  zstdStored,
} from "./helpers.ts";

const DATABENTO = path.join(SHARED_DATA, "databento");

async function dbnRows(rel: string) {
  const reader = await DbnReader.open(path.join(DATABENTO, rel));
  return allCsvCells(await collect(reader.batches("X")));
}

/** Rewrite a raw Databento CSV as "pretty" CSV: decimal dollar prices, ISO timestamps, a symbol column. */
function prettyCsv(text: string, symbol: string): string {
  const [header, ...lines] = text.split("\n").filter((l) => l !== "");
  const names = header!.split(",");
  const px = (v: string) => {
    if (v === "9223372036854775807") return "";
    const units = BigInt(v);
    const sign = units < 0n ? "-" : "";
    const abs = units < 0n ? -units : units;
    return `${sign}${abs / 1_000_000_000n}.${String(abs % 1_000_000_000n).padStart(9, "0")}`;
  };
  const row = (line: string) =>
    line
      .split(",")
      .map((v, i) => {
        const n = names[i]!;
        if (n === "ts_recv" || n === "ts_event") return isoNs(BigInt(v));
        if (n === "price" || n.includes("_px_")) return px(v);
        return v;
      })
      .concat(symbol)
      .join(",");
  return [`${header},symbol`, ...lines.map(row)].join("\r\n");
}

describe.skipIf(!haveData(DATABENTO))("Databento CSV importer = DBN importer on the same fixture", () => {
  for (const f of DBN_FIXTURES) {
    it(`${f.csv} gives the same rows as ${f.dbn}`, async () => {
      const expected = await dbnRows(f.dbn);
      const stats = { rows: 0, nonMbp10: 0 };
      const batches = await collect(
        databentoCsvBatches(path.join(DATABENTO, f.csv), { symbol: f.symbol }, stats),
      );
      expect(allCsvCells(batches)).toEqual(expected);
      expect(stats).toMatchObject({ rows: expected.length, priceFormat: "fixed" });
      const out = path.join(tempDir(), "csv.parquet");
      const s = await importDatabentoCsv({ input: path.join(DATABENTO, f.csv), out, symbol: f.symbol });
      expect(s).toMatchObject({ format: "csv", rows: expected.length, records: expected.length, levels: 10 });
      expect(allCsvCells((await readBack(out)).batches)).toEqual(expected);
    });
  }

  it("reads decimal prices, ISO 8601 timestamps, CRLF, a symbol column and zstd the same way", async () => {
    const f = DBN_FIXTURES[0];
    const dir = tempDir();
    const file = path.join(dir, "pretty.csv.zst");
    const text = prettyCsv(readFileSync(path.join(DATABENTO, f.csv), "utf8"), "NVDA");
    writeFileSync(file, zstdStored(new TextEncoder().encode(text)));
    const out = path.join(dir, "pretty.parquet");
    const s = await importDatabentoCsv({ input: file, out });
    expect(s.symbol).toBe("NVDA");
    const back = await readBack(out);
    expect(back.batches[0]?.symbol).toBe("NVDA");
    expect(allCsvCells(back.batches)).toEqual(await dbnRows(f.dbn));
  });

  it("starts a new batch when the symbol column changes, and skips other rtypes", async () => {
    const f = DBN_FIXTURES[0];
    const [header, ...lines] = readFileSync(path.join(DATABENTO, f.csv), "utf8").trim().split("\n");
    const withSym = [`${header},symbol`, ...lines.map((l, i) => `${l},${i < 2 ? "AAA" : "BBB"}`)];
    withSym.push(withSym[1]!.replace(/^(\d+,\d+),10,/, "$1,1,")); // an MBP-1 row (rtype 1)
    const file = path.join(tempDir(), "two.csv");
    writeFileSync(file, `${withSym.join("\n")}\n`);
    const stats = { rows: 0, nonMbp10: 0 };
    const batches = await collect(databentoCsvBatches(file, {}, stats));
    expect(batches.map((b) => [b.symbol, b.length])).toEqual([
      ["AAA", 2],
      ["BBB", 2],
    ]);
    expect(stats).toMatchObject({ rows: 5, nonMbp10: 1 });
  });
});

describe("Databento CSV import errors", () => {
  const write = (name: string, text: string) => {
    const file = path.join(tempDir(), name);
    writeFileSync(file, text);
    return file;
  };
  const header = (drop: string[] = []) => {
    const cols = [
      "ts_recv",
      "ts_event",
      "rtype",
      "publisher_id",
      "instrument_id",
      "action",
      "side",
      "depth",
      "price",
    ];
    cols.push("size", "flags", "ts_in_delta", "sequence", "bid_px_00", "ask_px_00", "bid_sz_00", "ask_sz_00");
    cols.push("bid_ct_00", "ask_ct_00");
    return cols.filter((c) => !drop.includes(c)).join(",");
  };
  const row =
    "1609113600006150193,1609113600005871213,10,1,5482,A,B,0,3702250000000,1,130,26128,145805,3702250000000,3702750000000,19,13,11,13";

  it("imports a minimal one-level file", async () => {
    const file = write("ok.csv", `${header()}\n${row}\n`);
    const s = await importDatabentoCsv({ input: file, out: `${file}.parquet`, symbol: "ESH1" });
    expect(s).toMatchObject({ rows: 1, records: 1, levels: 1, symbol: "ESH1" });
  });

  it("names the missing columns of a bad header", async () => {
    const file = write("bad.csv", `${header(["price", "bid_px_00", "sequence"])}\n`);
    await expect(importDatabentoCsv({ input: file, out: `${file}.parquet`, symbol: "X" })).rejects.toThrow(
      /bad\.csv line 1: not a Databento MBP-10 CSV header: missing columns price, sequence, bid_px_00 \(found 16 of 74/,
    );
  });

  it("asks for --symbol when there is no symbol column", async () => {
    const file = write("nosym.csv", `${header()}\n${row}\n`);
    await expect(importDatabentoCsv({ input: file, out: `${file}.parquet` })).rejects.toThrow(
      /nosym\.csv has no symbol column; pass --symbol/,
    );
  });

  it("names file, line and column of an unparseable number", async () => {
    const file = write("num.csv", `${header()}\n${row}\n${row.replace(",1,130,", ",1x,130,")}\n`);
    await expect(importDatabentoCsv({ input: file, out: `${file}.parquet`, symbol: "X" })).rejects.toThrow(
      /num\.csv line 3, column size: "1x" is not an integer/,
    );
  });

  it("names the line with a wrong column count", async () => {
    const file = write("cols.csv", `${header()}\n${row},7\n`);
    await expect(importDatabentoCsv({ input: file, out: `${file}.parquet`, symbol: "X" })).rejects.toThrow(
      /cols\.csv line 2: expected 19 columns \(as in the header\), got 20/,
    );
  });

  it("rejects a bad timestamp", async () => {
    const file = write("ts.csv", `${header()}\n${row.replace(/^\d+/, "yesterday")}\n`);
    await expect(importDatabentoCsv({ input: file, out: `${file}.parquet`, symbol: "X" })).rejects.toThrow(
      /ts\.csv line 2, column ts_recv: "yesterday" is not a timestamp/,
    );
  });

  it("names a missing file", async () => {
    await expect(importDatabentoCsv({ input: "/nonexistent/a.csv", out: "/tmp/a.parquet" })).rejects.toThrow(
      /CSV file \/nonexistent\/a\.csv does not exist; check the path/,
    );
  });
});
