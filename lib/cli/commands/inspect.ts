/** `msor inspect FILE...`: schema summary, rows, time span, venues and data-quality counters of MBP-10 input. */
import type { Command } from "commander";
import { InputError } from "../../core/errors.ts";
import { newYorkDate } from "../../core/session.ts";
import { qualityToJson } from "../../mbp10/quality.ts";
import { Mbp10Stream } from "../../mbp10/stream.ts";
import { fileSource } from "../../ports/fileSource.ts";
import { groupInputs } from "../../sweep/localBacktest.ts";
import { printJson, progress, progressDone } from "../output.ts";

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

/** Replay the inputs once (merged as a backtest would) and report. */
export async function inspect(paths: readonly string[]): Promise<InspectReport> {
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
      progress(`inspect: ${seen.toLocaleString()} / ${stream.numRows.toLocaleString()} rows`);
    }
    progressDone();
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

export function registerInspect(program: Command): void {
  program
    .command("inspect")
    .description(
      "schema summary, rows, time span, venues and data-quality counters of MBP-10 Parquet file(s)",
    )
    .argument(
      "<files...>",
      "MBP-10 Parquet files of one symbol-day (several = one per venue, merged by ts_recv)",
    )
    .option("--json", "print machine-readable JSON")
    .action(async (files: string[], opts: { json?: boolean }) => {
      const r = await inspect(files);
      if (opts.json) return printJson(r);
      const out: string[] = [];
      for (const f of r.files) {
        out.push(`${f.path}`);
        out.push(
          `  ${f.rows.toLocaleString()} rows in ${f.row_groups} row groups, ${f.columns} columns, ${f.levels} levels, ` +
            `prices ${f.price_encoding === "float" ? "float64 $" : "int64 1e-9 $"}, ts_recv ${f.ts_type}, ${(f.bytes / 1e6).toFixed(1)} MB`,
        );
        if (f.planted) out.push(`  planted truth (synthetic): ${JSON.stringify(f.planted)}`);
      }
      const q = r.quality;
      out.push(`span ${q.first_ts} .. ${q.last_ts} (New York date ${r.date_new_york})`);
      out.push(
        `venues: ${r.venues.map((v) => `${v.index}=${v.name} (publisher ${v.publisher_id})`).join(", ")}`,
      );
      out.push("data quality:");
      for (const k of [
        "rows",
        "fLastRecords",
        "trades",
        "crossedBooks",
        "lockedBooks",
        "nonMonotoneTs",
        "sequenceRegressions",
        "sequenceGaps",
        "maybeBadBook",
        "undefinedPrices",
        "clears",
      ]) {
        out.push(`  ${k.padEnd(20)} ${String(q[k]).padStart(12)}`);
      }
      process.stdout.write(`${out.join("\n")}\n`);
    });
}
