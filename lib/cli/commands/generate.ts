/**
 * `msor generate`: write one synthetic MBP-10 symbol-day (all venues in one file, merged by ts_recv) with a
 * planted transient impact stored under the Parquet key-value metadata `msor.planted`.
 *
 * --out FILE writes FILE; --out DIR (an existing directory, or a path ending with "/") writes
 * DIR/mbp10/SYNTH/{symbol}/{date}.parquet, the default input key template mbp10/{venue}/{symbol}/{date}.parquet
 * with the venue folder "SYNTH" for the merged multi-venue file.
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import { checkTradingDay } from "../../core/calendar.ts";
import { InputError } from "../../core/errors.ts";
import { validateSymbol } from "../../core/ids.ts";
import { inputKey, SYNTH_VENUE_FOLDER } from "../../store/keys.ts";
import { resolveOptions, type SynthOptions } from "../../synth/options.ts";
import { type WriteSyntheticResult, writeSyntheticDay } from "../../synth/write.ts";
import { parseNumberOption, printJson, progress, progressDone } from "../output.ts";

interface GenerateCliOptions {
  symbol: string;
  date: string;
  venues?: string;
  events?: string;
  seed?: string;
  lambda?: string;
  halfLifeS?: string;
  out: string;
  json?: boolean;
}

/** Resolve --out: a directory (existing, or ending with a separator) gets the default key layout. */
export async function resolveOutPath(out: string, symbol: string, date: string): Promise<string> {
  if (out.trim() === "") throw new InputError("--out must be a file or directory path, got an empty string");
  // a path that does not name a .parquet file is a folder (created if needed)
  let isDir = out.endsWith("/") || out.endsWith("\\") || !out.toLowerCase().endsWith(".parquet");
  if (!isDir)
    isDir = await stat(out).then(
      (s) => s.isDirectory(),
      () => false,
    );
  return isDir ? join(out, ...inputKey(SYNTH_VENUE_FOLDER, symbol, date).split("/")) : out;
}

/** CLI strings to generator options (validated; every error is one InputError line). */
export function parseGenerateOptions(o: GenerateCliOptions): SynthOptions {
  const options: SynthOptions = { symbol: validateSymbol(o.symbol), date: checkTradingDay(o.date, "--date") };
  if (o.venues !== undefined)
    options.venues = parseNumberOption("--venues", o.venues, { min: 1, integer: true });
  if (o.events !== undefined)
    options.eventsPerVenue = parseNumberOption("--events", o.events, { min: 1, integer: true });
  if (o.seed !== undefined) options.seed = parseNumberOption("--seed", o.seed, { min: 0, integer: true });
  if (o.lambda !== undefined) options.plantedLambda = parseNumberOption("--lambda", o.lambda, { min: 0 });
  if (o.halfLifeS !== undefined)
    options.plantedHalfLifeS = parseNumberOption("--half-life-s", o.halfLifeS, { min: 0 });
  resolveOptions(options); // range checks (venues 1..4, lambda > 0, ...) before any file is touched
  return options;
}

export async function generate(o: GenerateCliOptions): Promise<WriteSyntheticResult> {
  const options = parseGenerateOptions(o);
  const path = await resolveOutPath(o.out, options.symbol, options.date);
  const result = await writeSyntheticDay(path, options, (done, total) => {
    if (total >= 500_000)
      progress(
        `generate ${options.symbol} ${options.date}: ${done.toLocaleString()} / ${total.toLocaleString()} rows`,
      );
  });
  if (result.rows >= 500_000) progressDone();
  return result;
}

/** Register `msor generate` on the program. */
export function registerGenerate(program: Command): void {
  program
    .command("generate")
    .description(
      "write a seeded synthetic MBP-10 day (all venues in one file) with a planted impact (lambda, half-life) " +
        "in its metadata; --out DIR writes DIR/mbp10/SYNTH/{symbol}/{date}.parquet",
    )
    .requiredOption("--symbol <symbol>", "ticker, e.g. AAPL")
    .requiredOption(
      "--date <date>",
      "NYSE trading day YYYY-MM-DD (weekends and exchange holidays are refused)",
    )
    .option("--venues <n>", "number of venues 1..4 (XNAS, XNYS, EDGX, MEMX)", "2")
    .option("--events <n>", "book events per venue", "1000000")
    .option("--seed <n>", "random seed", "1")
    .option(
      "--lambda <l>",
      "planted impact lambda, in the units of docs/models.md section 2 (default: per day, impact ~55-75% of variance)",
    )
    .option(
      "--half-life-s <s>",
      "planted impact half-life, seconds (default: 60/300/900/1800/3600 by symbol)",
    )
    .requiredOption(
      "--out <path>",
      "output file, or directory for the mbp10/SYNTH/{symbol}/{date}.parquet layout",
    )
    .option("--json", "print JSON")
    .action(async (opts: GenerateCliOptions) => {
      const r = await generate(opts);
      const p = r.planted;
      if (opts.json) {
        printJson({ path: r.path, rows: r.rows, venues: p.venues, planted: p });
        return;
      }
      process.stdout.write(
        `wrote ${r.path}\n` +
          `  rows ${r.rows.toLocaleString()}, venues ${p.venues.map((v) => `${v.publisher_id} ${v.name}`).join(", ")}\n` +
          `  planted lambda ${p.lambda.toFixed(3)} (sigma-units per daily-volume fraction), half-life ${p.half_life_s} s, ` +
          `sigma_d ${(100 * p.sigma_daily).toFixed(2)}%, daily volume ${p.daily_volume.toLocaleString()} shares\n`,
      );
    });
}
