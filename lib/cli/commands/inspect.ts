/** `msor inspect FILE...`: schema summary, rows, time span, venues and data-quality counters of MBP-10 input. */
import type { Command } from "commander";
import { MIN_SESSION_COVERAGE } from "../../calibration/params.ts";
import { type InspectReport, inspectInputs } from "../../pipeline/inspect.ts";
import { printJson, progress, progressDone } from "../output.ts";

/** Replay the inputs once (merged as a backtest would) and report. */
export async function inspect(paths: readonly string[]): Promise<InspectReport> {
  const r = await inspectInputs(paths, (seen, total) =>
    progress(`inspect: ${seen.toLocaleString()} / ${total.toLocaleString()} rows`),
  );
  progressDone();
  return r;
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
      out.push(`span ${q.first_ts} .. ${q.last_ts} (UTC)`);
      const ses = r.session;
      if (ses) {
        out.push(
          `  New York ${ses.date} ${ses.first_local} .. ${ses.last_local}${ses.not_trading_day ? ` (NOT an NYSE trading day: ${ses.not_trading_day})` : ""}; ` +
            `covers ${(100 * ses.session_coverage).toFixed(1)}% of the 09:30-16:00 session` +
            (ses.session_coverage < MIN_SESSION_COVERAGE
              ? ` (below ${100 * MIN_SESSION_COVERAGE}%: later days take ADV from full days, from this one only by extrapolation)`
              : ""),
        );
      }
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

export type { InspectReport };
