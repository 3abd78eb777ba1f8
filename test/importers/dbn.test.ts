import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { decompress } from "fzstd";
import { describe, expect, it } from "vitest";
import { DbnReader } from "../../lib/importers/dbn/decoder.ts";
import { importDbn } from "../../lib/importers/dbn/import.ts";
import { parseDbnMetadata } from "../../lib/importers/dbn/metadata.ts";
import { encodeDbnMetadata } from "./dbn-encode.ts";
import {
  allCsvCells,
  collect,
  DBN_FIXTURES,
  haveData,
  readBack,
  readCsvRows,
  SHARED_DATA,
  tempDir,
  zstdStored,
} from "./helpers.ts";

const DATABENTO = path.join(SHARED_DATA, "databento");

async function decodeAll(file: string, capacity?: number) {
  const reader = await DbnReader.open(file);
  const batches = await collect(reader.batches("X", capacity ? { capacity } : {}));
  return { reader, batches };
}

/** Plain (decompressed) bytes of a fixture. */
function plainBytes(rel: string): Uint8Array {
  const raw = readFileSync(path.join(DATABENTO, rel));
  return rel.endsWith(".zst") ? decompress(raw) : raw;
}

describe.skipIf(!haveData(DATABENTO))("DBN decoder on Databento's fixtures (golden)", () => {
  for (const f of DBN_FIXTURES) {
    it(`${f.dbn} decodes to exactly its DECODED.csv (every column, raw 1e-9 prices)`, async () => {
      const { reader, batches } = await decodeAll(path.join(DATABENTO, f.dbn));
      expect(reader.metadata.version).toBe(f.version);
      expect(reader.metadata.symbols).toEqual([f.symbol]);
      expect(reader.metadata.schema).toBe(2);
      const expected = await readCsvRows(path.join(DATABENTO, f.csv));
      expect(allCsvCells(batches)).toEqual(expected);
      expect(reader.counts).toMatchObject({ records: expected.length, mbp10: expected.length });
    });

    it(`${f.dbn} imported to Parquet reads back with the same values`, async () => {
      const out = path.join(tempDir(), "out.parquet");
      const s = await importDbn({ input: path.join(DATABENTO, f.dbn), out });
      const expected = await readCsvRows(path.join(DATABENTO, f.csv));
      expect(s).toMatchObject({
        format: "dbn",
        symbol: f.symbol,
        rows: expected.length,
        records: expected.length,
      });
      const back = await readBack(out);
      expect(back.levels).toBe(10);
      expect(back.batches.every((b) => b.symbol === f.symbol)).toBe(true);
      expect(allCsvCells(back.batches)).toEqual(expected);
    });
  }

  it("reports the span of ts_recv with nanoseconds", async () => {
    const s = await importDbn({
      input: path.join(DATABENTO, DBN_FIXTURES[0].dbn),
      out: path.join(tempDir(), "s.parquet"),
    });
    expect(s.span).toEqual({
      first: "2020-12-28T09:01:28.297109209Z",
      last: "2020-12-28T09:01:41.004661045Z",
    });
  });

  it("fixed-point price encoding reads back with the same values", async () => {
    const f = DBN_FIXTURES[1];
    const out = path.join(tempDir(), "fixed.parquet");
    await importDbn({ input: path.join(DATABENTO, f.dbn), out, priceEncoding: "fixed" });
    expect(allCsvCells((await readBack(out)).batches)).toEqual(
      await readCsvRows(path.join(DATABENTO, f.csv)),
    );
  });

  it("re-encoding the parsed v2 and v3 metadata reproduces the fixture bytes (layout check)", async () => {
    for (const f of DBN_FIXTURES) {
      const bytes = plainBytes(f.dbn);
      const { reader } = await decodeAll(path.join(DATABENTO, f.dbn));
      const encoded = encodeDbnMetadata(reader.metadata, f.version);
      expect(Buffer.from(bytes.subarray(0, encoded.length))).toEqual(Buffer.from(encoded));
    }
  });

  it("decodes DBN version 1 (22-byte symbols, record_count) built from the v2 fixture", async () => {
    const f = DBN_FIXTURES[2];
    const v2 = plainBytes(f.dbn);
    const length = new DataView(v2.buffer, v2.byteOffset).getUint32(4, true);
    const md = parseDbnMetadata(v2.subarray(8, 8 + length), 2, f.dbn);
    const v1 = Buffer.concat([encodeDbnMetadata(md, 1), v2.subarray(8 + length)]);
    const file = path.join(tempDir(), "v1.dbn");
    writeFileSync(file, v1);
    const { reader, batches } = await decodeAll(file);
    expect(reader.metadata).toMatchObject({
      version: 1,
      symbolCstrLen: 22,
      symbols: ["ESH1"],
      dataset: "GLBX.MDP3",
    });
    expect(reader.metadata.mappings[0]?.intervals[0]).toEqual({
      startDate: 20201228,
      endDate: 20201229,
      symbol: "5482",
    });
    expect(allCsvCells(batches)).toEqual(await readCsvRows(path.join(DATABENTO, f.csv)));
  });

  it("streams across batch boundaries and chunk boundaries (capacity 3, stored zstd)", async () => {
    const f = DBN_FIXTURES[0];
    const file = path.join(tempDir(), "stored.dbn.zst");
    writeFileSync(file, zstdStored(plainBytes(f.dbn)));
    const { batches } = await decodeAll(file, 3);
    expect(batches.map((b) => b.length)).toEqual([3, 1]);
    expect(allCsvCells(batches)).toEqual(await readCsvRows(path.join(DATABENTO, f.csv)));
  });

  it("counts and skips records that are not MBP-10", async () => {
    const f = DBN_FIXTURES[2];
    const bytes = Buffer.from(plainBytes(f.dbn));
    const length = bytes.readUInt32LE(4);
    const other = Buffer.alloc(16); // a bare 16-byte record of rtype 0x17 (status-like)
    other[0] = 4;
    other[1] = 0x17;
    const file = path.join(tempDir(), "mixed.dbn");
    writeFileSync(file, Buffer.concat([bytes.subarray(0, 8 + length), other, bytes.subarray(8 + length)]));
    const out = path.join(tempDir(), "mixed.parquet");
    const s = await importDbn({ input: file, out });
    expect(s).toMatchObject({ rows: 3, records: 2, dropped: { rtype_0x17: 1 } });
  });
});

describe("DBN import errors", () => {
  it("names a missing file", async () => {
    await expect(importDbn({ input: "/nonexistent/x.dbn.zst", out: "/tmp/x.parquet" })).rejects.toThrow(
      /DBN file \/nonexistent\/x\.dbn\.zst does not exist; check the path/,
    );
  });

  it("rejects bytes that are not DBN, saying what they start with", async () => {
    const file = path.join(tempDir(), "notdbn.dbn");
    writeFileSync(file, "ts_recv,ts_event\n1,2\n");
    await expect(importDbn({ input: file, out: `${file}.parquet` })).rejects.toThrow(
      /notdbn\.dbn is not a DBN file: it starts with bytes 74 73 5f 72 .*msor import csv/,
    );
  });

  it("says that a Parquet file needs no import", async () => {
    const file = path.join(tempDir(), "day.parquet");
    writeFileSync(file, "PAR1 parquet bytes PAR1");
    await expect(importDbn({ input: file, out: `${file}.out.parquet` })).rejects.toThrow(
      /day\.parquet is a Parquet file, not DBN: .*needs no import: give it to `msor inspect` or `msor backtest`/,
    );
  });

  it("rejects an empty file", async () => {
    const file = path.join(tempDir(), "empty.dbn");
    writeFileSync(file, "");
    await expect(DbnReader.open(file)).rejects.toThrow(/is not a DBN file: it is empty/);
  });

  it("rejects an unsupported DBN version", async () => {
    const file = path.join(tempDir(), "v9.dbn");
    writeFileSync(file, Buffer.from([0x44, 0x42, 0x4e, 9, 0, 0, 0, 0]));
    await expect(DbnReader.open(file)).rejects.toThrow(/DBN version 9; supported versions are 1, 2, 3/);
  });

  describe.skipIf(!haveData(DATABENTO))("truncated files", () => {
    it("reports a truncated last record with its number and offset", async () => {
      const bytes = plainBytes(DBN_FIXTURES[2].dbn);
      const file = path.join(tempDir(), "cut.dbn");
      writeFileSync(file, bytes.subarray(0, bytes.length - 100));
      const out = path.join(tempDir(), "cut.parquet");
      await expect(importDbn({ input: file, out })).rejects.toThrow(
        /cut\.dbn is truncated: record 2 at decoded byte 721 has 268 of its 368 bytes \(1 complete records before it\)/,
      );
    });

    it("reports truncated metadata", async () => {
      const file = path.join(tempDir(), "cutmeta.dbn");
      writeFileSync(file, plainBytes(DBN_FIXTURES[2].dbn).subarray(0, 50));
      await expect(DbnReader.open(file)).rejects.toThrow(/is truncated: its DBN metadata declares 345 bytes/);
    });

    it("reports a truncated zstd stream", async () => {
      const raw = readFileSync(path.join(DATABENTO, DBN_FIXTURES[0].dbn));
      const file = path.join(tempDir(), "cut.dbn.zst");
      writeFileSync(file, raw.subarray(0, raw.length - 40));
      await expect(importDbn({ input: file, out: `${file}.parquet` })).rejects.toThrow(
        /cut\.dbn\.zst(: zstd decompression failed| is truncated)/,
      );
    });

    it("leaves no output file behind on failure", async () => {
      const dir = tempDir();
      const bytes = plainBytes(DBN_FIXTURES[2].dbn);
      writeFileSync(path.join(dir, "cut.dbn"), bytes.subarray(0, bytes.length - 10));
      await expect(
        importDbn({ input: path.join(dir, "cut.dbn"), out: path.join(dir, "o.parquet") }),
      ).rejects.toThrow();
      const { readdirSync } = await import("node:fs");
      expect(readdirSync(dir)).toEqual(["cut.dbn"]);
    });
  });
});
