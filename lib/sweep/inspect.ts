/** What `msor inspect` reports about MBP-10 input: files, venues, time span and data-quality counters. */
import { InputError } from "../core/errors.ts";
import { newYorkDate } from "../core/session.ts";
import { qualityToJson } from "../mbp10/quality.ts";
import { Mbp10Stream } from "../mbp10/stream.ts";
import { fileSource } from "../ports/fileSource.ts";
import { groupInputs } from "./localBacktest.ts";

export interface InspectReport {
  files: {
    path: string;
    rows: number;
    row_groups: number;
    levels: number;
    price_encoding: string;
    ts_type: string;
    columns: number;
    bytes: number;
    planted?: unknown;
  }[];
  venues: { index: number; publisher_id: number; name: string }[];
  date_new_york: string;
  quality: Record<string, number | string>;
}

/**
 * Replay MBP-10 input files once, merged as a backtest would (several files must be the venues of ONE
 * symbol-day), and report the files, venues and data-quality counters. `onProgress`: rows replayed so far.
 */
export async function inspectInputs(
  paths: readonly string[],
  onProgress?: (rows: number, total: number) => void,
): Promise<InspectReport> {
  if (paths.length > 1) {
    // several files are the venues of ONE symbol-day; anything else would be merged into nonsense
    const days = await groupInputs(paths);
    if (days.length > 1) {
      throw new InputError(
        `inspect merges the venue files of one symbol-day, but these are ${days.map((d) => `${d.symbol} ${d.date}`).join(", ")}; inspect them one by one`,
      );
    }
  }
  const stream = await Mbp10Stream.open(await Promise.all(paths.map((p) => fileSource(p))));
  try {
    let seen = 0;
    for await (const b of stream.batches()) {
      seen += b.length;
      onProgress?.(seen, stream.numRows);
    }
    const q = stream.quality.q;
    return {
      files: stream.files.map((f) => ({
        path: f.name,
        rows: f.numRows,
        row_groups: f.rowGroupRows.length,
        levels: f.levels,
        price_encoding: f.priceEncoding,
        ts_type: f.timestampType,
        columns: f.columns.length,
        bytes: f.source.size,
        ...(f.keyValue.has("msor.planted") ? { planted: f.metadataJson("msor.planted") } : {}),
      })),
      venues: stream.venues.venues.map((v, index) => ({ index, publisher_id: v.publisherId, name: v.name })),
      date_new_york: q.rows ? newYorkDate(q.firstTsNs) : "",
      quality: qualityToJson(q),
    };
  } finally {
    await stream.close();
  }
}
