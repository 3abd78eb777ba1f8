/**
 * Writing an import: batches stream into `<out>.partial` which is renamed to `out` only when the whole input
 * was read, so a failed import never leaves a plausible-looking but incomplete file behind.
 */
import { rename, rm } from "node:fs/promises";
import type { Mbp10FullBatch } from "../mbp10/schema.ts";
import { type Mbp10WriteOptions, writeMbp10File } from "../mbp10/writer.ts";

/** What every importer reports (printed by `msor import ... --json`). */
export interface ImportSummary {
  /** Input format: "lobster", "dbn" or "csv". */
  readonly format: string;
  readonly inputs: readonly string[];
  readonly out: string;
  readonly symbol: string;
  /** Book levels written (1..10). */
  readonly levels: number;
  /** Source rows (LOBSTER messages, DBN records, CSV data lines) read. */
  readonly rows: number;
  /** MBP-10 records written. */
  readonly records: number;
  /** Source rows not converted, by reason (e.g. halts, non_mbp10). */
  readonly dropped: Readonly<Record<string, number>>;
  /** Data-quality findings that did not stop the import, by kind (e.g. inconsistent_book_rows). */
  readonly warnings: Readonly<Record<string, number>>;
  /** First rows of each warning kind (source row numbers), for a look at the data. */
  readonly examples: Readonly<Record<string, readonly number[]>>;
  /** ts_recv of the first and last records, ISO 8601 UTC with nanoseconds; null when nothing was written. */
  readonly span: { readonly first: string; readonly last: string } | null;
  readonly seconds: number;
}

/** ISO 8601 UTC with 9 fractional digits for an int64 ns timestamp. */
export function isoNs(tNs: bigint): string {
  const ms = tNs / 1_000_000n - (tNs % 1_000_000n < 0n ? 1n : 0n);
  const frac = tNs - ms * 1_000_000n;
  const iso = new Date(Number(ms)).toISOString(); // ...:SS.mmmZ
  return `${iso.slice(0, -1)}${String(frac).padStart(6, "0")}Z`;
}

/** The span field of a summary. */
export function spanOf(first: bigint | undefined, last: bigint | undefined): ImportSummary["span"] {
  return first === undefined || last === undefined ? null : { first: isoNs(first), last: isoNs(last) };
}

/**
 * Stream `batches` to `out` through a temporary file; returns the rows written. An error raised while
 * reading the input is rethrown as is (not as the Parquet writer's wrapping of it); `onEmpty` builds the
 * error for an input without any record (nothing is written then).
 */
export async function writeImport(
  out: string,
  batches: AsyncIterable<Mbp10FullBatch>,
  options: Mbp10WriteOptions,
  onEmpty: () => Error,
): Promise<number> {
  const it = batches[Symbol.asyncIterator]();
  const head = await it.next();
  if (head.done) throw onEmpty();
  let inputError: unknown;
  async function* all(): AsyncGenerator<Mbp10FullBatch> {
    yield head.value as Mbp10FullBatch;
    try {
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    } catch (e) {
      inputError = e;
      throw e;
    }
  }
  const tmp = `${out}.partial`;
  try {
    const { rows } = await writeMbp10File(tmp, all(), options);
    // the shared writer ends the file normally when its input fails mid-way: never keep that file
    if (inputError !== undefined) throw inputError;
    await rename(tmp, out);
    return rows;
  } catch (e) {
    await rm(tmp, { force: true });
    throw inputError ?? e;
  }
}
