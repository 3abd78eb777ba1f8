/**
 * `msor import csv`: Databento's CSV encoding of MBP-10 (header row with Databento's column names, e.g. from
 * `dbn --csv` or DBNStore.to_csv; optionally zstd-compressed) to MBP-10 Parquet, line by line in 65,536-row
 * batches.
 */
import { DataFormatError, InputError } from "../../core/errors.ts";
import { checkSymbol } from "../../core/ids.ts";
import {
  LEVEL_FIELDS,
  type LevelField,
  levelColumn,
  MAX_LEVELS,
  type Mbp10FullBatch,
  mbp10Columns,
} from "../../mbp10/schema.ts";
import type { Mbp10WriteOptions } from "../../mbp10/writer.ts";
import { readLineChunks, requireFile } from "../input.ts";
import { type ImportSummary, spanOf, writeImport } from "../output.ts";
import { RecordSink } from "../sink.ts";
import { type CellSite, PriceParser, parseCharCell, parseIntCell, parseTimestampNs } from "./fields.ts";

const REQUIRED = ["ts_recv", "publisher_id", "action", "side", "depth", "price", "size", "flags", "sequence"];
const U32_MAX = 0xffffffff;

/** Column positions of a Databento MBP-10 CSV header (-1 = absent optional column). */
export interface CsvLayout {
  readonly columns: number;
  readonly levels: number;
  readonly index: Readonly<Record<string, number>>;
  /** Index of each level field per level: level[f][l] (-1 = absent). */
  readonly level: Readonly<Record<LevelField, readonly number[]>>;
  /** Column name of each level field per level (for messages). */
  readonly levelNames: Readonly<Record<LevelField, readonly string[]>>;
}

/** Map a header line to column positions; errors name the missing columns. */
export function csvLayout(header: string, file: string): CsvLayout {
  const names = header.split(",").map((h) => h.trim().replace(/^"(.*)"$/, "$1"));
  const pos = new Map(names.map((n, i) => [n, i] as const));
  let levels = 0;
  while (levels < MAX_LEVELS && LEVEL_FIELDS.slice(0, 4).every((f) => pos.has(levelColumn(f, levels))))
    levels++;
  const required = [...REQUIRED];
  for (let l = 0; l < Math.max(levels, 1); l++)
    for (const f of LEVEL_FIELDS.slice(0, 4)) required.push(levelColumn(f, l));
  const missing = required.filter((c) => !pos.has(c));
  if (missing.length > 0) {
    const expected = mbp10Columns();
    const found = expected.filter((c) => pos.has(c)).length;
    const shown =
      missing.slice(0, 8).join(", ") + (missing.length > 8 ? `, ... (${missing.length} in all)` : "");
    throw new DataFormatError(
      `${file} line 1: not a Databento MBP-10 CSV header: missing column${missing.length > 1 ? "s" : ""} ${shown} ` +
        `(found ${found} of ${expected.length} expected columns); expected Databento's CSV encoding of MBP-10 ` +
        "with a header row (dbn --csv, DBNStore.to_csv). For LOBSTER files use `msor import lobster`",
    );
  }
  const index: Record<string, number> = {};
  for (const c of [...REQUIRED, "ts_event", "rtype", "instrument_id", "ts_in_delta", "symbol"])
    index[c] = pos.get(c) ?? -1;
  const level = Object.fromEntries(
    LEVEL_FIELDS.map((f) => [f, Array.from({ length: levels }, (_, l) => pos.get(levelColumn(f, l)) ?? -1)]),
  ) as unknown as CsvLayout["level"];
  const levelNames = Object.fromEntries(
    LEVEL_FIELDS.map((f) => [f, Array.from({ length: levels }, (_, l) => levelColumn(f, l))]),
  ) as unknown as CsvLayout["levelNames"];
  return { columns: names.length, levels, index, level, levelNames };
}

/** Fill row `r` of `b` from the cells of one CSV line. */
function fillRow(
  layout: CsvLayout,
  cells: readonly string[],
  site: CellSite,
  prices: PriceParser,
  tsRecv: bigint,
  b: Mbp10FullBatch,
  r: number,
): void {
  const ix = layout.index;
  const int = (name: string, min: number, max: number) =>
    parseIntCell(cells[ix[name]!]!, site, name, min, max);
  b.tsRecv[r] = tsRecv;
  b.tsEvent[r] = ix.ts_event! >= 0 ? parseTimestampNs(cells[ix.ts_event!]!, site, "ts_event") : tsRecv;
  b.publisherId[r] = int("publisher_id", 0, 0xffff);
  if (ix.instrument_id! >= 0) b.instrumentId[r] = int("instrument_id", 0, U32_MAX);
  b.action[r] = parseCharCell(cells[ix.action!]!, site, "action");
  b.side[r] = parseCharCell(cells[ix.side!]!, site, "side");
  b.depth[r] = int("depth", 0, 255);
  b.price[r] = prices.parse(cells[ix.price!]!, site, "price");
  b.size[r] = int("size", 0, U32_MAX);
  b.flags[r] = int("flags", 0, 255);
  if (ix.ts_in_delta! >= 0) b.tsInDelta[r] = int("ts_in_delta", -(2 ** 31), 2 ** 31 - 1);
  b.sequence[r] = int("sequence", 0, U32_MAX);
  const at = layout.level;
  const name = layout.levelNames;
  for (let l = 0; l < layout.levels; l++) {
    b.bidPx[l]![r] = prices.parse(cells[at.bid_px[l]!]!, site, name.bid_px[l]!);
    b.askPx[l]![r] = prices.parse(cells[at.ask_px[l]!]!, site, name.ask_px[l]!);
    b.bidSz[l]![r] = parseIntCell(cells[at.bid_sz[l]!]!, site, name.bid_sz[l]!, 0, U32_MAX);
    b.askSz[l]![r] = parseIntCell(cells[at.ask_sz[l]!]!, site, name.ask_sz[l]!, 0, U32_MAX);
    if (at.bid_ct[l]! >= 0)
      b.bidCt[l]![r] = parseIntCell(cells[at.bid_ct[l]!]!, site, name.bid_ct[l]!, 0, U32_MAX);
    if (at.ask_ct[l]! >= 0)
      b.askCt[l]![r] = parseIntCell(cells[at.ask_ct[l]!]!, site, name.ask_ct[l]!, 0, U32_MAX);
  }
}

export interface CsvReadStats {
  /** Data lines read (header and blank lines excluded). */
  rows: number;
  /** Rows skipped because their rtype is not MBP-10 (10). */
  nonMbp10: number;
  /** Price format found: "fixed" (1e-9 integers) or "decimal" (dollars). */
  priceFormat?: "fixed" | "decimal";
}

export interface CsvBatchOptions {
  /** Symbol for every record; default: the file's symbol column. */
  symbol?: string;
  capacity?: number;
}

/** The MBP-10 records of a Databento CSV file as batches (a new batch whenever the symbol column changes). */
export async function* databentoCsvBatches(
  file: string,
  options: CsvBatchOptions,
  stats: CsvReadStats,
): AsyncGenerator<Mbp10FullBatch> {
  const site: CellSite = { file, line: 0 };
  const prices = new PriceParser();
  let layout: CsvLayout | undefined;
  let sink: RecordSink | undefined;
  for await (const lines of readLineChunks(file)) {
    for (const line of lines) {
      site.line++;
      if (!layout) {
        layout = csvLayout(line, file);
        if (options.symbol === undefined && layout.index.symbol! < 0) {
          throw new InputError(`${file} has no symbol column; pass --symbol to label the records`);
        }
        continue;
      }
      if (line.trim() === "") continue;
      const cells = line.split(",");
      if (cells.length !== layout.columns) {
        throw new DataFormatError(
          `${file} line ${site.line}: expected ${layout.columns} columns (as in the header), got ${cells.length}`,
        );
      }
      stats.rows++;
      const ix = layout.index;
      if (ix.rtype! >= 0 && parseIntCell(cells[ix.rtype!]!, site, "rtype", 0, 255) !== 10) {
        stats.nonMbp10++;
        continue;
      }
      const symbol = options.symbol ?? cells[ix.symbol!]!.replace(/^"(.*)"$/, "$1");
      sink ??= new RecordSink(layout.levels, symbol, options.capacity ? { capacity: options.capacity } : {});
      const switched = sink.switchSymbol(symbol);
      if (switched) yield switched;
      const tsRecv = parseTimestampNs(cells[ix.ts_recv!]!, site, "ts_recv");
      const done = sink.start(tsRecv);
      if (done) yield done;
      fillRow(layout, cells, site, prices, tsRecv, sink.batch, sink.row);
    }
  }
  if (!layout)
    throw new DataFormatError(`${file} is empty; expected a Databento MBP-10 CSV with a header row`);
  if (prices.mode) stats.priceFormat = prices.mode;
  const last = sink?.finish();
  if (last) yield last;
}

export interface CsvImportOptions {
  input: string;
  out: string;
  symbol?: string;
  priceEncoding?: Mbp10WriteOptions["priceEncoding"];
}

/** Convert a Databento MBP-10 CSV file to MBP-10 Parquet. */
export async function importDatabentoCsv(options: CsvImportOptions): Promise<ImportSummary> {
  const started = performance.now();
  await requireFile(options.input, "CSV file");
  const symbol = options.symbol === undefined ? undefined : checkSymbol(options.symbol);
  const stats: CsvReadStats = { rows: 0, nonMbp10: 0 };
  let first: bigint | undefined;
  let last: bigint | undefined;
  let levels = 0;
  const symbols = new Set<string>();
  async function* batches() {
    for await (const b of databentoCsvBatches(options.input, symbol === undefined ? {} : { symbol }, stats)) {
      first ??= b.tsRecv[0];
      last = b.tsRecv[b.length - 1];
      levels = b.levels;
      symbols.add(b.symbol);
      yield b;
    }
  }
  const records = await writeImport(
    options.out,
    batches(),
    { priceEncoding: options.priceEncoding ?? "float" },
    () =>
      new DataFormatError(
        `${options.input} has no MBP-10 rows (read ${stats.rows} data rows, ${stats.nonMbp10} of another rtype); nothing written`,
      ),
  );
  return {
    format: "csv",
    inputs: [options.input],
    out: options.out,
    symbol: [...symbols].join(","),
    levels,
    rows: stats.rows,
    records,
    dropped: stats.nonMbp10 > 0 ? { non_mbp10: stats.nonMbp10 } : {},
    warnings: {},
    examples: {},
    span: spanOf(first, last),
    seconds: (performance.now() - started) / 1000,
  };
}
