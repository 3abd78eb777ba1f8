/**
 * `msor import dbn` on an MBO file: the MBO records to MBO Parquet and, with `mbp10Out`, the MBP-10 derived
 * from them (deriveMbp10.ts) in the layout the L2 replay reads. Both are streamed (memory bounded by one batch
 * and the live order book), each in its own pass over the DBN file.
 */
import { DataFormatError } from "../../core/errors.ts";
import type { MboBatch } from "../../mbo/schema.ts";
import { writeMboFile } from "../../mbo/writer.ts";
import { DbnReader } from "../dbn/decoder.ts";
import type { DbnSymbolChoice } from "../dbn/symbols.ts";
import { type ImportSummary, spanOf, writeImport } from "../output.ts";
import { Mbp10Deriver } from "./deriveMbp10.ts";

/** Databento schema code of MBO in DBN metadata. */
export const DBN_SCHEMA_MBO = 0;

export interface MboImportOptions {
  input: string;
  out: string;
  /** Also write the derived MBP-10 here. */
  mbp10Out?: string;
  /** Rows per batch (tests). */
  capacity?: number;
}

/** What the MBO import adds to the common summary. */
export interface MboImportSummary extends ImportSummary {
  readonly schema: "mbo";
  /** The derived MBP-10 file, when asked for. */
  readonly derived: {
    readonly out: string;
    readonly records: number;
    /** MBO changes below the 10th level (not in MBP-10). */
    readonly deepChanges: number;
    /** Cancels/modifies of orders the book never saw (0 on a file that starts with a snapshot or a clear). */
    readonly unknownOrders: number;
  } | null;
}

async function* selected(
  reader: DbnReader,
  choice: DbnSymbolChoice,
  capacity?: number,
): AsyncGenerator<MboBatch> {
  yield* reader.mboBatches(choice.symbol, {
    ...(choice.instrumentIds ? { instrumentIds: choice.instrumentIds } : {}),
    ...(capacity ? { capacity } : {}),
  });
}

function noMbo(input: string, reader: DbnReader, symbol: string): DataFormatError {
  const c = reader.counts;
  const others = Object.entries(c.otherRtypes).map(([t, n]) => `${n} of rtype ${t}`);
  return new DataFormatError(
    `${input} has no MBO records (rtype 0xa0) for ${symbol}: read ${c.records} records` +
      `${others.length > 0 ? ` (${others.join(", ")})` : ""}; nothing written`,
  );
}

/** Import an opened MBO DBN file (`reader` is consumed and closed). */
export async function importDbnMbo(
  reader: DbnReader,
  choice: DbnSymbolChoice,
  options: MboImportOptions,
): Promise<MboImportSummary> {
  const started = performance.now();
  let first: bigint | undefined;
  let last: bigint | undefined;
  async function* spanned() {
    for await (const b of selected(reader, choice, options.capacity)) {
      first ??= b.tsRecv[0];
      last = b.tsRecv[b.length - 1];
      yield b;
    }
  }
  let rows: number;
  try {
    ({ rows } = await writeMboFile(options.out, spanned()));
  } finally {
    await reader.close();
  }
  if (rows === 0) throw noMbo(options.input, reader, choice.symbol);
  const c = reader.counts;
  let derived: MboImportSummary["derived"] = null;
  if (options.mbp10Out) {
    const again = await DbnReader.open(options.input);
    const d = new Mbp10Deriver(choice.symbol, options.capacity ? { capacity: options.capacity } : {});
    async function* mbp10() {
      for await (const m of selected(again, choice, options.capacity)) {
        for (let r = 0; r < m.length; r++) {
          const done = d.push(m, r);
          if (done) yield done;
        }
      }
      const rest = d.finish();
      if (rest) yield rest;
    }
    try {
      const records = await writeImport(options.mbp10Out, mbp10(), { priceEncoding: "float" }, () =>
        noMbo(options.input, again, choice.symbol),
      );
      derived = {
        out: options.mbp10Out,
        records,
        deepChanges: d.deepChanges,
        unknownOrders: d.unknownOrders,
      };
    } finally {
      await again.close();
    }
  }
  const dropped: Record<string, number> = {};
  for (const [rtype, n] of Object.entries(c.otherRtypes)) dropped[`rtype_${rtype}`] = n;
  if (c.otherInstruments > 0) dropped.other_instruments = c.otherInstruments;
  return {
    format: "dbn",
    schema: "mbo",
    inputs: [options.input],
    out: options.out,
    symbol: choice.symbol,
    levels: 0,
    rows: c.records,
    records: rows,
    dropped,
    warnings: {},
    examples: {},
    span: spanOf(first, last),
    seconds: (performance.now() - started) / 1000,
    derived,
  };
}
