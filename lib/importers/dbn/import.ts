/** `msor import dbn`: Databento DBN (v1-v3, MBP-10 records) to MBP-10 Parquet. */
import { DataFormatError, InputError } from "../../core/errors.ts";
import type { Mbp10WriteOptions } from "../../mbp10/writer.ts";
import { requireFile } from "../input.ts";
import { DBN_SCHEMA_MBO, importDbnMbo, type MboImportSummary } from "../mbo/import.ts";
import { type ImportSummary, spanOf, writeImport } from "../output.ts";
import { DbnReader } from "./decoder.ts";
import { chooseDbnSymbol, type DbnSymbolChoice } from "./symbols.ts";

export interface DbnImportOptions {
  input: string;
  out: string;
  /** Label (and, in a multi-symbol file, select) the records; default: the file's only symbol. */
  symbol?: string;
  priceEncoding?: Mbp10WriteOptions["priceEncoding"];
  /** MBO input only: also write the MBP-10 derived from the order book here. */
  mbp10Out?: string;
}

/**
 * Decode `input` and write its MBP-10 records to `out` (10 levels, Databento's Parquet layout); an MBO file
 * (metadata schema mbo) is written as MBO Parquet instead, plus its derived MBP-10 at `mbp10Out`.
 */
export async function importDbn(options: DbnImportOptions): Promise<ImportSummary | MboImportSummary> {
  const started = performance.now();
  await requireFile(options.input, "DBN file");
  const reader = await DbnReader.open(options.input);
  let choice: DbnSymbolChoice;
  try {
    choice = chooseDbnSymbol(reader.metadata, options.input, options.symbol);
  } catch (e) {
    await reader.close();
    throw e;
  }
  if (reader.metadata.schema === DBN_SCHEMA_MBO) {
    return importDbnMbo(reader, choice, {
      input: options.input,
      out: options.out,
      ...(options.mbp10Out ? { mbp10Out: options.mbp10Out } : {}),
    });
  }
  if (options.mbp10Out) {
    await reader.close();
    throw new InputError(
      `--mbp10-out derives MBP-10 from MBO, but ${options.input} is not an MBO file; drop --mbp10-out`,
    );
  }
  let first: bigint | undefined;
  let last: bigint | undefined;
  async function* batches() {
    for await (const b of reader.batches(choice.symbol, { instrumentIds: choice.instrumentIds })) {
      first ??= b.tsRecv[0];
      last = b.tsRecv[b.length - 1];
      yield b;
    }
  }
  let records: number;
  try {
    records = await writeImport(
      options.out,
      batches(),
      { priceEncoding: options.priceEncoding ?? "float" },
      () => {
        const c = reader.counts;
        const others = Object.entries(c.otherRtypes).map(([t, n]) => `${n} of rtype ${t}`);
        return new DataFormatError(
          `${options.input} has no MBP-10 records (rtype 0x0a) for ${choice.symbol}: read ${c.records} records` +
            `${others.length > 0 ? ` (${others.join(", ")})` : ""}; nothing written. Is it another schema (MBO, MBP-1)?`,
        );
      },
    );
  } finally {
    await reader.close();
  }
  const c = reader.counts;
  const dropped: Record<string, number> = {};
  for (const [rtype, n] of Object.entries(c.otherRtypes)) dropped[`rtype_${rtype}`] = n;
  if (c.otherInstruments > 0) dropped.other_instruments = c.otherInstruments;
  return {
    format: "dbn",
    inputs: [options.input],
    out: options.out,
    symbol: choice.symbol,
    levels: 10,
    rows: c.records,
    records,
    dropped,
    warnings: {},
    examples: {},
    span: spanOf(first, last),
    seconds: (performance.now() - started) / 1000,
  };
}
