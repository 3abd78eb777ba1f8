/**
 * `msor inspect FILE... [--instrument NAME]`: schema summary, rows, time span, the trading day and session
 * coverage on the instrument's calendar, venues and data-quality counters of MBP-10 or MBO input.
 */
import type { Command } from "commander";
import { MIN_SESSION_COVERAGE } from "../../calibration/params.ts";
import { addDays } from "../../core/calendars.ts";
import { EQUITY_US, instrumentPreset } from "../../core/instrument.ts";
import { type InspectReport, inspectInputs, type SessionSpan } from "../../pipeline/inspect.ts";
import { printJson, progress, progressDone } from "../output.ts";

/** Replay the inputs once (merged as a backtest would) and report, on `instrument`'s calendar. */
export async function inspect(paths: readonly string[], instrument?: string): Promise<InspectReport> {
  const preset = instrument === undefined ? EQUITY_US : instrumentPreset(instrument);
  const r = await inspectInputs(
    paths,
    (seen, total) => progress(`inspect: ${seen.toLocaleString()} / ${total.toLocaleString()} rows`),
    preset,
  );
  progressDone();
  return r;
}

/** The span line: local date and clocks, the trading day on the calendar, the session share it covers. */
export function spanLine(ses: SessionSpan): string {
  const below =
    ses.session_coverage < MIN_SESSION_COVERAGE
      ? ` (below ${100 * MIN_SESSION_COVERAGE}%: later days take ADV from full days, from this one only by extrapolation)`
      : "";
  const city = ses.time_zone === "America/New_York" ? "New York" : ses.time_zone;
  if (ses.instrument === EQUITY_US.id) {
    // the equity day: one New York date, the 09:30-16:00 session
    return (
      `  ${city} ${ses.date} ${ses.first_local} .. ${ses.last_local}${ses.not_trading_day ? ` (NOT an NYSE trading day: ${ses.not_trading_day})` : ""}; ` +
      `covers ${(100 * ses.session_coverage).toFixed(1)}% of the 09:30-16:00 session${below}` +
      (ses.not_trading_day === "Sunday" || ses.session_coverage === 0
        ? "\n  (futures data? --instrument ES reads the span on the Globex calendar)"
        : "")
    );
  }
  // hours past 24 of the last record: the next local date
  const h = Number(ses.last_local.slice(0, 2));
  const last =
    h >= 24
      ? `${addDays(ses.first_local_date, Math.floor(h / 24))} ${String(h % 24).padStart(2, "0")}${ses.last_local.slice(2)}`
      : ses.last_local;
  return (
    `  ${city} ${ses.first_local_date} ${ses.first_local} .. ${last}: trading day ${ses.date} of ${ses.instrument} ` +
    `(calendar ${ses.calendar}${ses.not_trading_day ? `; NOT a trading day: ${ses.not_trading_day}` : ""}); ` +
    `covers ${(100 * ses.session_coverage).toFixed(1)}% of the session ${ses.session}${below}`
  );
}

export function registerInspect(program: Command): void {
  program
    .command("inspect")
    .description(
      "schema summary, rows, time span, trading day and session coverage, venues and data-quality counters of MBP-10 or MBO Parquet file(s)",
    )
    .argument(
      "<files...>",
      "MBP-10 Parquet files of one symbol-day (several = one per venue, merged by ts_recv), or one MBO Parquet file (told by its columns; replayed as its derived MBP-10)",
    )
    .option(
      "--instrument <name>",
      "equity-us (default: the NYSE 09:30-16:00 session) or ES (the Globex day from 18:00 New York on D-1 to 17:00): the calendar the trading day and session coverage are on",
    )
    .option("--json", "print machine-readable JSON")
    .action(async (files: string[], opts: { json?: boolean; instrument?: string }) => {
      const r = await inspect(files, opts.instrument);
      if (opts.json) return printJson(r);
      const out: string[] = [];
      for (const f of r.files) {
        out.push(`${f.path}`);
        out.push(
          f.format === "mbo"
            ? `  MBO: ${f.rows.toLocaleString()} records in ${f.row_groups} row groups, ${f.columns} columns, ` +
                `${(f.bytes / 1e6).toFixed(1)} MB; replayed as its derived MBP-10 (${f.levels} levels)`
            : `  ${f.rows.toLocaleString()} rows in ${f.row_groups} row groups, ${f.columns} columns, ${f.levels} levels, ` +
                `prices ${f.price_encoding === "float" ? "float64 $" : "int64 1e-9 $"}, ts_recv ${f.ts_type}, ${(f.bytes / 1e6).toFixed(1)} MB`,
        );
        if (f.planted) out.push(`  planted truth (synthetic): ${JSON.stringify(f.planted)}`);
      }
      const q = r.quality;
      out.push(`span ${q.first_ts} .. ${q.last_ts} (UTC)`);
      if (r.session) out.push(spanLine(r.session));
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
