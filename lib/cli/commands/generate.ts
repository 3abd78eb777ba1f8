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
import { checkTradingDayOn } from "../../core/calendars.ts";
import { InputError } from "../../core/errors.ts";
import { checkSymbol } from "../../core/ids.ts";
import { instrumentPreset } from "../../core/instrument.ts";
import { seedFrom } from "../../core/rng.ts";
import { newYorkClockToUtcNs } from "../../core/session.ts";
import { deriveMbp10 } from "../../importers/mbo/deriveMbp10.ts";
import { writeMboFile } from "../../mbo/writer.ts";
import { writeMbp10File } from "../../mbp10/writer.ts";
import { inputKey, SYNTH_VENUE_FOLDER } from "../../store/keys.ts";
import { futuresSegments, writeSyntheticFuturesDay } from "../../synth/futures.ts";
import { CANCEL_LAWS, type CancelLaw, generateMbo } from "../../synth/mbo.ts";
import { writeMboDbn } from "../../synth/mboDbn.ts";
import { resolveOptions, type SynthOptions } from "../../synth/options.ts";
import { type WriteSyntheticResult, writeSyntheticDay } from "../../synth/write.ts";
import { parseNumberOption, printJson, progress, progressDone } from "../output.ts";

interface GenerateCliOptions {
  mbo?: string;
  mbp10Out?: string;
  symbol: string;
  date: string;
  venues?: string;
  events?: string;
  seed?: string;
  lambda?: string;
  halfLifeS?: string;
  out: string;
  json?: boolean;
  instrument?: string;
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

/** The numeric options of every synthetic MBP-10 day (equity or futures), parsed into `options`. */
function numberOptions(o: GenerateCliOptions, options: SynthOptions): void {
  if (o.venues !== undefined)
    options.venues = parseNumberOption("--venues", o.venues, { min: 1, integer: true });
  if (o.events !== undefined)
    options.eventsPerVenue = parseNumberOption("--events", o.events, { min: 1, integer: true });
  if (o.seed !== undefined) options.seed = parseNumberOption("--seed", o.seed, { min: 0, integer: true });
  if (o.lambda !== undefined) options.plantedLambda = parseNumberOption("--lambda", o.lambda, { min: 0 });
  if (o.halfLifeS !== undefined)
    options.plantedHalfLifeS = parseNumberOption("--half-life-s", o.halfLifeS, { min: 0 });
}

/** CLI strings to generator options (validated; every error is one InputError line). */
export function parseGenerateOptions(o: GenerateCliOptions): SynthOptions {
  const options: SynthOptions = { symbol: checkSymbol(o.symbol), date: checkTradingDay(o.date, "--date") };
  numberOptions(o, options);
  resolveOptions(options); // range checks (venues 1..4, lambda > 0, ...) before any file is touched
  return options;
}

export async function generate(o: GenerateCliOptions): Promise<WriteSyntheticResult> {
  if (o.instrument !== undefined && o.instrument !== "equity-us") return generateFutures(o, o.instrument);
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

/**
 * `msor generate --instrument ES`: a synthetic futures trading day (lib/synth/futures.ts): the instrument's tick
 * and calendar (--date is the trading day: the file starts at 18:00 New York the evening before), the evening
 * and the day session; one venue (GLBX.MDP3) unless --venues says more.
 */
async function generateFutures(o: GenerateCliOptions, name: string): Promise<WriteSyntheticResult> {
  const instrument = instrumentPreset(name);
  const symbol = checkSymbol(o.symbol);
  const date = checkTradingDayOn(instrument.calendar, o.date, "--date");
  const options: SynthOptions = { symbol, date, venues: 1 };
  numberOptions(o, options);
  for (const seg of futuresSegments(options, instrument)) resolveOptions(seg);
  const path = await resolveOutPath(o.out, symbol, date);
  const r = await writeSyntheticFuturesDay(path, options, instrument, (done, total) => {
    if (total >= 500_000)
      progress(`generate ${symbol} ${date}: ${done.toLocaleString()} / ${total.toLocaleString()} rows`);
  });
  if (r.rows >= 500_000) progressDone();
  return r;
}

/**
 * `msor generate --mbo LAW`: synthetic MBO (order by order, lib/synth/mbo.ts) from 09:30 New York of --date,
 * as DBN (--out *.dbn) or MBO Parquet (--out *.parquet), and with --mbp10-out the MBP-10 derived from it.
 */
export async function generateMboFile(
  o: GenerateCliOptions,
): Promise<{ path: string; records: number; seed: number; mbp10?: string }> {
  const law = o.mbo as CancelLaw;
  if (!CANCEL_LAWS.includes(law)) {
    throw new InputError(`--mbo takes a cancel-position law: ${CANCEL_LAWS.join(", ")} (got "${o.mbo}")`);
  }
  const symbol = checkSymbol(o.symbol);
  const date = checkTradingDay(o.date, "--date");
  const events = parseNumberOption("--events", o.events ?? "1000000", { min: 1, integer: true });
  // without --seed every symbol-day gets its own flow, as the MBP-10 generator's seedFrom(seed, symbol, date)
  const seed =
    o.seed !== undefined
      ? parseNumberOption("--seed", o.seed, { min: 0, integer: true })
      : seedFrom(1, symbol, date);
  const startNs = newYorkClockToUtcNs(date, "09:30");
  const gen = () => generateMbo({ seed, events, cancelLaw: law, symbol, startNs });
  const lower = o.out.toLowerCase();
  let records: number;
  if (lower.endsWith(".dbn")) records = await writeMboDbn(o.out, gen(), symbol, startNs);
  else if (lower.endsWith(".parquet")) records = (await writeMboFile(o.out, gen())).rows;
  else throw new InputError(`with --mbo, --out must name a .dbn or .parquet file (got "${o.out}")`);
  if (o.mbp10Out === undefined) return { path: o.out, records, seed };
  await writeMbp10File(o.mbp10Out, deriveMbp10(gen(), symbol));
  return { path: o.out, records, seed, mbp10: o.mbp10Out };
}

/** Register `msor generate` on the program. */
export function registerGenerate(program: Command): void {
  program
    .command("generate")
    .description(
      "write a seeded synthetic trading day: MBP-10 (all venues in one file; an equity day or, with --instrument ES, " +
        "a Globex day) with a planted impact (lambda, half-life) in its metadata, --out DIR writes " +
        "DIR/mbp10/SYNTH/{symbol}/{date}.parquet; or MBO order by order with --mbo",
    )
    .requiredOption("--symbol <symbol>", "ticker, e.g. AAPL")
    .requiredOption(
      "--date <date>",
      "trading day YYYY-MM-DD of the instrument's calendar (weekends and exchange holidays are refused)",
    )
    .option(
      "--venues <n>",
      "number of venues 1..4: XNAS.ITCH, XNYS.PILLAR, EDGX.PITCH, MEMX.MEMOIR in this order (default 2); with --instrument ES 1..5: GLBX.MDP3 and then those (default 1)",
    )
    .option(
      "--instrument <name>",
      "equity-us (default) or ES: a CME E-mini day (tick 0.25, x50; the Globex evening from 18:00 New York on D-1 and the day session 09:30-16:00)",
    )
    .option("--events <n>", "book events per venue", "1000000")
    .option(
      "--seed <n>",
      "random seed (default 1; the day's random streams also hash the symbol and --date; with --mbo the seed " +
        "is a hash of the symbol and --date unless given)",
    )
    .option(
      "--lambda <l>",
      "planted impact lambda, in the units of docs/models.md section 2 (default: per day, impact ~55-75% of variance; " +
        "with --instrument ES each segment's, default one impact per contract: 4 bps for 1% of the day's volume at once)",
    )
    .option(
      "--half-life-s <s>",
      "planted impact half-life, seconds (default: 60/300/900/1800/3600 by symbol)",
    )
    .requiredOption(
      "--out <path>",
      "output file, or directory for the mbp10/SYNTH/{symbol}/{date}.parquet layout",
    )
    .option(
      "--mbo <law>",
      "write synthetic MBO (order by order) instead, cancels at the best placed by LAW: uniform, front or back; " +
        "--out FILE.dbn or FILE.parquet",
    )
    .option("--mbp10-out <file>", "with --mbo: also write the MBP-10 derived from the MBO records")
    .option("--json", "print JSON")
    .action(async (opts: GenerateCliOptions) => {
      if (opts.mbo !== undefined) {
        const m = await generateMboFile(opts);
        if (opts.json) printJson(m);
        else
          process.stdout.write(
            `wrote ${m.path}: ${m.records.toLocaleString()} MBO records (cancel law ${opts.mbo}, seed ${m.seed})` +
              `${m.mbp10 ? `\n  derived MBP-10: ${m.mbp10}` : ""}\n`,
          );
        return;
      }
      if (opts.mbp10Out !== undefined) throw new InputError("--mbp10-out needs --mbo LAW");
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
          `sigma_d ${(100 * p.sigma_daily).toFixed(2)}%, daily volume ${p.daily_volume.toLocaleString()} ${"instrument" in p ? "contracts" : "shares"}\n`,
      );
    });
}
