/**
 * `msor import lobster|dbn|csv`: convert order-book data to MBP-10 Parquet (Databento's layout). Thin: check
 * the arguments, call lib/importers, print a summary (or JSON with --json).
 */
import type { Command } from "commander";
import { InputError } from "../../core/errors.ts";
import { checkDate } from "../../core/ids.ts";
import { instrumentPreset } from "../../core/instrument.ts";
import { importDatabentoCsv } from "../../importers/csv/import.ts";
import { importDbn } from "../../importers/dbn/import.ts";
import { DEFAULT_LOBSTER_VENUE_ID, importLobster } from "../../importers/lobster/import.ts";
import type { MboImportSummary } from "../../importers/mbo/import.ts";
import type { ImportSummary } from "../../importers/output.ts";
import { checkTradingDay, isoToNs, type TradingDayCheck } from "../../importers/tradingDay.ts";
import { parseNumberOption, printJson } from "../output.ts";

interface CommonOptions {
  out: string;
  json?: boolean;
  priceEncoding: string;
}

function priceEncoding(text: string): "float" | "fixed" {
  if (text !== "float" && text !== "fixed") {
    throw new InputError(
      `--price-encoding must be "float" (dollars) or "fixed" (int64 1e-9 $), got "${text}"`,
    );
  }
  return text;
}

function counts(c: Readonly<Record<string, number>>): string {
  const parts = Object.entries(c).map(([k, v]) => `${k.replaceAll("_", " ")} ${v.toLocaleString("en-US")}`);
  return parts.length > 0 ? parts.join(", ") : "none";
}

/** Human summary of an import (the JSON form is the summary object itself). */
export function formatImportSummary(s: ImportSummary | MboImportSummary): string {
  const what = "schema" in s ? "MBO records (order by order)" : `${s.levels} level${s.levels > 1 ? "s" : ""}`;
  const lines = [
    `imported ${s.format} ${s.inputs.join(" + ")}`,
    `  -> ${s.out}: ${s.records.toLocaleString("en-US")} records of ${s.symbol}, ${what} ` +
      `(from ${s.rows.toLocaleString("en-US")} rows in ${s.seconds.toFixed(2)} s)`,
    `  span ${s.span ? `${s.span.first} .. ${s.span.last}` : "-"}`,
    `  dropped: ${counts(s.dropped)}`,
  ];
  if ("schema" in s && s.derived) {
    lines.push(
      `  -> ${s.derived.out}: ${s.derived.records.toLocaleString("en-US")} MBP-10 records derived from the order ` +
        `book (${s.derived.deepChanges.toLocaleString("en-US")} changes below level 10 not published, ` +
        `${s.derived.unknownOrders} records of unknown orders)`,
    );
  }
  if (Object.keys(s.warnings).length > 0) {
    const ex = Object.entries(s.examples).map(
      ([k, rows]) => `${k.replaceAll("_", " ")} e.g. rows ${rows.join(", ")}`,
    );
    lines.push(`  warnings: ${counts(s.warnings)}${ex.length > 0 ? ` (${ex.join("; ")})` : ""}`);
  }
  return lines.join("\n");
}

/** The import writes MBP-10 Parquet: an --out of another extension would mislabel the file. */
export function checkOutPath(out: string): string {
  if (!/\.parquet$/i.test(out))
    throw new InputError(
      `--out must name a .parquet file (the import writes MBP-10 Parquet), got "${out}"; e.g. --out ${out.replace(/(\.[A-Za-z0-9]+)*$/, "")}.parquet`,
    );
  return out;
}

/**
 * The trading day of the imported data on the instrument's calendar (--instrument, default equity-us) with the
 * warnings of lib/importers/tradingDay.ts (--date or the file name disagreeing, no trading day, two days).
 */
function tradingDayOf(
  summary: ImportSummary | MboImportSummary,
  o: { instrument?: string; date?: string },
  input: string,
): TradingDayCheck | undefined {
  if (summary.span === null) return undefined;
  const inst = instrumentPreset(o.instrument ?? "equity-us");
  const day = checkTradingDay({
    instrument: inst.id,
    calendar: inst.calendar,
    firstNs: isoToNs(summary.span.first),
    lastNs: isoToNs(summary.span.last),
    inputPath: input,
    ...(o.date !== undefined ? { date: checkDate(o.date) } : {}),
  });
  // without --instrument or --date the day is said only when something is wrong with it
  return o.instrument !== undefined || o.date !== undefined || day.warnings.length > 0 ? day : undefined;
}

function report(
  summary: ImportSummary | MboImportSummary,
  json: boolean | undefined,
  day?: TradingDayCheck,
): void {
  if (json) {
    printJson(day ? { ...summary, trading_day: day } : summary);
    return;
  }
  process.stdout.write(`${formatImportSummary(summary)}\n`);
  if (!day) return;
  process.stdout.write(
    `  trading day ${day.date} (instrument ${day.instrument}, calendar ${day.calendar})\n`,
  );
  for (const w of day.warnings) process.stdout.write(`  WARNING: ${w}\n`);
  if (day.instrument === "equity-us" && day.warnings.length > 0)
    process.stdout.write("  (read on the NYSE calendar; for CME futures data give --instrument ES)\n");
}

function dayOptions(cmd: Command): Command {
  return cmd
    .option(
      "--instrument <name>",
      "instrument of the data: equity-us (default, NYSE) or ES (CME Globex: a trading day starts 18:00 New York the evening before)",
    )
    .option(
      "--date <YYYY-MM-DD>",
      "the trading day the file is for: checked against the data, the file name and the instrument's calendar (warnings)",
    );
}

function common(cmd: Command, out = "output MBP-10 Parquet file"): Command {
  return cmd
    .requiredOption("--out <file>", out)
    .option(
      "--price-encoding <kind>",
      "float (dollars, Databento's pretty_px) or fixed (int64 1e-9 $)",
      "float",
    )
    .option("--json", "print a machine-readable summary");
}

/** Register `msor import` and its sub-commands lobster, dbn and csv. */
export function registerImport(program: Command): void {
  const cmd = program
    .command("import")
    .description(
      "convert order-book data (LOBSTER, Databento DBN or CSV) to MBP-10 Parquet (Databento MBO to MBO Parquet)",
    );

  common(
    cmd
      .command("lobster")
      .description("LOBSTER message + orderbook files (any level count) to MBP-10 Parquet")
      .argument("<message>", "LOBSTER message file (..._message_N.csv)")
      .argument("<orderbook>", "LOBSTER orderbook file (..._orderbook_N.csv)")
      .requiredOption(
        "--date <YYYY-MM-DD>",
        "trading date (LOBSTER times are seconds after New York midnight)",
      )
      .requiredOption("--symbol <symbol>", "ticker written to the symbol column")
      .option("--venue-id <n>", "publisher_id of every record", String(DEFAULT_LOBSTER_VENUE_ID)),
  ).action(
    async (
      message: string,
      orderbook: string,
      o: CommonOptions & { date: string; symbol: string; venueId: string },
    ) => {
      const summary = await importLobster({
        messagePath: message,
        orderbookPath: orderbook,
        date: o.date,
        symbol: o.symbol,
        venueId: parseNumberOption("--venue-id", o.venueId, { integer: true, min: 0 }),
        out: checkOutPath(o.out),
        priceEncoding: priceEncoding(o.priceEncoding),
      });
      report(summary, o.json);
    },
  );

  dayOptions(
    common(
      cmd
        .command("dbn")
        .description(
          "Databento DBN (v1-v3, .dbn or .dbn.zst): MBP-10 records to MBP-10 Parquet; MBO records to MBO Parquet " +
            "(and, with --mbp10-out, the MBP-10 derived from the order book)",
        )
        .argument("<file>", "DBN file, plain or zstd-compressed")
        .option(
          "--symbol <symbol>",
          "symbol to write (and select, in a multi-symbol file); default: the file's",
        )
        .option("--mbp10-out <file>", "MBO input: also write the derived MBP-10 Parquet here"),
      "output Parquet file: MBP-10 for MBP-10 input, MBO for MBO input",
    ),
  ).action(
    async (
      file: string,
      o: CommonOptions & { symbol?: string; mbp10Out?: string; instrument?: string; date?: string },
    ) => {
      if (o.instrument !== undefined) instrumentPreset(o.instrument);
      const summary = await importDbn({
        input: file,
        out: checkOutPath(o.out),
        ...(o.symbol === undefined ? {} : { symbol: o.symbol }),
        ...(o.mbp10Out === undefined ? {} : { mbp10Out: o.mbp10Out }),
        priceEncoding: priceEncoding(o.priceEncoding),
      });
      report(summary, o.json, tradingDayOf(summary, o, file));
    },
  );

  dayOptions(
    common(
      cmd
        .command("csv")
        .description("Databento MBP-10 CSV (header row; .csv or .csv.zst) to MBP-10 Parquet")
        .argument("<file>", "CSV file, plain or zstd-compressed")
        .option("--symbol <symbol>", "symbol to write; default: the file's symbol column"),
    ),
  ).action(
    async (file: string, o: CommonOptions & { symbol?: string; instrument?: string; date?: string }) => {
      if (o.instrument !== undefined) instrumentPreset(o.instrument);
      const summary = await importDatabentoCsv({
        input: file,
        out: checkOutPath(o.out),
        ...(o.symbol === undefined ? {} : { symbol: o.symbol }),
        priceEncoding: priceEncoding(o.priceEncoding),
      });
      report(summary, o.json, tradingDayOf(summary, o, file));
    },
  );
}

/** Alias following main.ts's `register(program)` convention. */
export const register = registerImport;
