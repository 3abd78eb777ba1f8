/** Shared helpers for the importer tests: where the shared real data lives, read-back, CSV-cell views. */
import { mkdtempSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { UNDEF_PRICE_I64, usdToFixed } from "../../lib/core/units.ts";
import { Mbp10File } from "../../lib/mbp10/reader.ts";
import { levelColumn, type Mbp10FullBatch } from "../../lib/mbp10/schema.ts";
import { fileSource } from "../../lib/ports/fileSource.ts";
import { haveSharedData, SHARED_DATA } from "../helpers/sharedData.ts";

/** The real-data samples (docs/test-data.md; absent in a user's clone: tests skip). */
export { SHARED_DATA };
export const FIXTURES = path.resolve(import.meta.dirname, "../fixtures");

/** Databento's MBP-10 fixtures with their decoded CSV (docs/test-data.md). */
export const DBN_FIXTURES = [
  {
    dbn: "XNAS.ITCH/test_data.mbp-10.dbn.zst",
    csv: "XNAS.ITCH/test_data.mbp-10.DECODED.csv",
    version: 3,
    symbol: "NVDA",
  },
  {
    dbn: "GLBX.MDP3/test_data.mbp-10.dbn.zst",
    csv: "GLBX.MDP3/test_data.mbp-10.DECODED.csv",
    version: 3,
    symbol: "ESH1",
  },
  {
    dbn: "dbn-v3/test_data.mbp-10.dbn",
    csv: "dbn-v3/test_data.mbp-10.v3.DECODED.csv",
    version: 2,
    symbol: "ESH1",
  },
  {
    dbn: "dbn-v3/test_data.mbp-10.v3.dbn.zst",
    csv: "dbn-v3/test_data.mbp-10.v3.DECODED.csv",
    version: 3,
    symbol: "ESH1",
  },
] as const;

/** True when `dir` exists; otherwise logs why the tests that need it are skipped. */
export function haveData(dir: string): boolean {
  return haveSharedData(dir, "the real-data importer tests");
}

export function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), "msor-import-"));
}

const LEVEL_CSV_FIELDS = ["bid_px", "ask_px", "bid_sz", "ask_sz", "bid_ct", "ask_ct"] as const;

function priceText(usd: number): string {
  return Number.isNaN(usd) ? String(UNDEF_PRICE_I64) : String(usdToFixed(usd));
}

/** Row `r` of a batch in Databento's CSV text form (raw 1e-9 integer prices), keyed by column name. */
export function csvCells(b: Mbp10FullBatch, r: number): Record<string, string> {
  const out: Record<string, string> = {
    ts_recv: String(b.tsRecv[r]),
    ts_event: String(b.tsEvent[r]),
    rtype: String(b.rtype[r]),
    publisher_id: String(b.publisherId[r]),
    instrument_id: String(b.instrumentId[r]),
    action: String.fromCharCode(b.action[r]!),
    side: String.fromCharCode(b.side[r]!),
    depth: String(b.depth[r]),
    price: priceText(b.price[r]!),
    size: String(b.size[r]),
    flags: String(b.flags[r]),
    ts_in_delta: String(b.tsInDelta[r]),
    sequence: String(b.sequence[r]),
  };
  for (let l = 0; l < b.levels; l++) {
    for (const f of LEVEL_CSV_FIELDS) {
      const v = {
        bid_px: b.bidPx,
        ask_px: b.askPx,
        bid_sz: b.bidSz,
        ask_sz: b.askSz,
        bid_ct: b.bidCt,
        ask_ct: b.askCt,
      }[f][l]![r]!;
      out[levelColumn(f, l)] = f.endsWith("_px") ? priceText(v) : String(v);
    }
  }
  return out;
}

/** Every row of some batches in CSV text form. */
export function allCsvCells(batches: readonly Mbp10FullBatch[]): Record<string, string>[] {
  return batches.flatMap((b) => Array.from({ length: b.length }, (_, r) => csvCells(b, r)));
}

/** Rows of a Databento CSV file keyed by its header (no symbol column expected in the fixtures). */
export async function readCsvRows(file: string): Promise<Record<string, string>[]> {
  const [header, ...lines] = (await readFile(file, "utf8")).split("\n").filter((l) => l.trim() !== "");
  const names = header!.split(",");
  return lines.map((line) => Object.fromEntries(line.split(",").map((v, i) => [names[i]!, v])));
}

/** Collect an async iterable of batches. */
export async function collect(it: AsyncIterable<Mbp10FullBatch>): Promise<Mbp10FullBatch[]> {
  const out: Mbp10FullBatch[] = [];
  for await (const b of it) out.push(b);
  return out;
}

/** Read an MBP-10 Parquet file back with the project's reader (every column). */
export async function readBack(
  file: string,
): Promise<{ batches: Mbp10FullBatch[]; levels: number; rows: number }> {
  const f = await Mbp10File.open(await fileSource(file));
  try {
    return { batches: await collect(f.fullBatches()), levels: f.levels, rows: f.numRows };
  } finally {
    await f.close();
  }
}

/**
 * A zstd frame holding `data` in raw (stored) blocks: valid zstd that any decoder must accept, built without a
 * compressor so the tests need no zstd binary (RFC 8878: magic, frame header with a 128 KiB window, blocks).
 */
export function zstdStored(data: Uint8Array): Uint8Array {
  const BLOCK = 128 * 1024;
  const parts: number[] = [0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38];
  const out: Uint8Array[] = [Uint8Array.from(parts)];
  for (let at = 0; at < data.length || at === 0; at += BLOCK) {
    const chunk = data.subarray(at, at + BLOCK);
    const last = at + BLOCK >= data.length ? 1 : 0;
    const h = (chunk.length << 3) | last; // block type 0 = raw
    out.push(Uint8Array.of(h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff), chunk);
    if (data.length === 0) break;
  }
  return Buffer.concat(out);
}
