/**
 * `msor calibrate FILE... [--symbol S] [--date D] [--root DIR] [--json]`: the docs/models.md section 2 statistics of
 * each file (one symbol-day per file), one table row per file; --json prints the full fit tables; --out DIR
 * also writes the records under DIR/calibration/v=.../ (the layout the backtest reads prior days from).
 */
import type { Command } from "commander";
import { MIN_SESSION_COVERAGE } from "../../calibration/params.ts";
import type { CalibrationRecord } from "../../calibration/types.ts";
import { InputError } from "../../core/errors.ts";
import { checkDate, checkSymbol } from "../../core/ids.ts";
import { EQUITY_US, type Instrument, instrumentPreset } from "../../core/instrument.ts";
import { isMboParquet } from "../../importers/mbo/replayStream.ts";
import { fileSource } from "../../ports/fileSource.ts";
import { LocalObjectStore } from "../../ports/localObjectStore.ts";
import { writeCalibration } from "../../store/calibration.ts";
import { calibrateDay } from "../../task/calibrateDay.ts";
import { printJson, printTable, progress, progressDone, TABLE_WIDTH, wrapText } from "../output.ts";

export interface CalibrateCliOptions {
  symbol?: string;
  date?: string;
  out?: string;
  root?: string;
  json?: boolean;
  instrument?: string;
}

export const CALIBRATE_TABLE_COLUMNS = [
  "symbol",
  "date",
  "events",
  "volume",
  "session_coverage",
  "sigma_daily",
  "half_spread",
  "lambda",
  "half_life_s",
  "r2",
  "lambda_usd",
  "ofi_coef",
  "seconds",
];

/**
 * What the table's columns measure (docs/models.md section 2), in `instrument`'s units: its quantity unit
 * (shares, contracts), its price unit ($ for a stock; index points for ES, x multiplier = $) and its session.
 */
export function calibrateUnits(instrument: Instrument = EQUITY_US): string {
  const unit = instrument.unit;
  const one = unit === "shares" ? "share" : "contract";
  const px = instrument.multiplier === 1 ? "$" : `price units (x ${instrument.multiplier} = $ per ${one})`;
  const per = instrument.multiplier === 1 ? "$" : "price units";
  const session =
    instrument.calendar.sessionText === "09:30-16:00 New York"
      ? "09:30-16:00 session"
      : `session (${instrument.calendar.sessionText})`;
  return (
    `units: events = records; volume = the day's traded ${unit} (V_d); session_coverage = share of the ${session} the data spans; ` +
    `sigma_daily = root sum of squared 1-min mid log returns (unitless, per day); half_spread = ${px} (time-weighted national); ` +
    "lambda = own impact in daily sigmas per fraction of V_d (unitless); half_life_s = its decay half-life, s (best R^2 of the candidates); " +
    `r2 = uncentered R^2 of that fit; lambda_usd = lambda x sigma_daily x mean mid / V_d, ${per} per ${one}; ` +
    `ofi_coef = ${per} mid move over the OFI horizon per unit of depth-normalised OFI; seconds = time to calibrate`
  );
}

/** The units line of an equity calibration (calibrateUnits of the default instrument). */
export const CALIBRATE_UNITS = calibrateUnits();

/**
 * Warnings a reader of the table needs: a day covering too little of the session (left out of ADV and the
 * profile), and a half-life at the edge of the candidate grid with an R^2 that hardly varies across the
 * candidates (the decay is not identified by this day: the fit picked an end of the grid, not a value).
 */
export function calibrationWarnings(r: CalibrationRecord): string[] {
  const out: string[] = [];
  const day = `${r.symbol} ${r.date}`;
  if (r.sessionCoverage < MIN_SESSION_COVERAGE)
    out.push(
      `${day}: session_coverage ${r.sessionCoverage.toFixed(2)} < ${MIN_SESSION_COVERAGE}: the data spans only part of the session; later days take ADV from full days, from this one only when their lookback has none (its volume scaled up by the profile share it covers: adv_source = extrapolated)`,
    );
  const c = r.impact.candidates.filter((x) => Number.isFinite(x.r2));
  if (c.length >= 2) {
    const hs = c.map((x) => x.halfLifeS);
    const r2s = c.map((x) => x.r2);
    const [lo, hi] = [Math.min(...hs), Math.max(...hs)];
    const [r2lo, r2hi] = [Math.min(...r2s), Math.max(...r2s)];
    const atEdge = r.impact.halfLifeS === lo || r.impact.halfLifeS === hi;
    // flat: the best candidate explains hardly more than the worst (less than 10% of it, or 0.005 absolute)
    const flat = r2hi - r2lo < Math.max(0.005, 0.1 * r2hi);
    if (atEdge && flat)
      out.push(
        `${day}: impact half-life ${r.impact.halfLifeS} s is the ${r.impact.halfLifeS === lo ? "smallest" : "largest"} candidate (${lo}..${hi} s) and R^2 is flat across the candidates ` +
          `(${r2lo.toFixed(4)}..${r2hi.toFixed(4)}): the half-life is weakly identified by this day (lambda with it); do not read it as a measured decay`,
      );
  }
  return out;
}

/**
 * Calibrate one MBP-10 or MBO file (one symbol-day; an MBO file also gets its queue check's choice, docs/models.md
 * 6.7); symbol/date inferred from the file unless given.
 */
export async function calibrateFile(
  path: string,
  opts: { symbol?: string; date?: string; instrument?: string },
): Promise<{ record: CalibrationRecord; seconds: number }> {
  const started = performance.now();
  const probe = await fileSource(path);
  let mbo: boolean;
  try {
    mbo = await isMboParquet(probe);
  } finally {
    await probe.close?.();
  }
  const { instrument, ...rest } = opts;
  const record = await calibrateDay([await fileSource(path)], {
    ...rest,
    ...(mbo ? { format: "mbo" as const } : {}),
    ...(instrument !== undefined ? { calendar: instrumentPreset(instrument).calendar } : {}),
    onProgress: (symbol, date, rows, total) =>
      progress(
        `calibrate ${symbol} ${date}: ${rows.toLocaleString("en-US")} / ${total.toLocaleString("en-US")} rows`,
      ),
  });
  return { record, seconds: (performance.now() - started) / 1000 };
}

/** The --json object of one record: scalars, R^2 per candidate half-life, the Kyle table, venues. */
export function calibrationJson(r: CalibrationRecord, seconds: number): Record<string, unknown> {
  return {
    symbol: r.symbol,
    date: r.date,
    events: r.events,
    /** V_d: this day's volume (ADV is the mean of several days' volume, computed by the lookback loader). */
    volume: r.dailyVolume,
    daily_volume: r.dailyVolume,
    session_coverage: r.sessionCoverage,
    data_start_s: r.dataStartS,
    data_end_s: r.dataEndS,
    trade_count: r.tradeCount,
    sigma_daily: r.sigmaDaily,
    half_spread: r.halfSpreadUsd,
    mean_mid: r.meanMidUsd,
    lambda: r.impact.lambda,
    half_life_s: r.impact.halfLifeS,
    beta_per_s: r.impact.beta,
    r2: r.impact.r2,
    lambda_rel: r.impact.lambdaRel,
    lambda_usd: r.impact.lambdaUsd,
    r2_by_half_life: Object.fromEntries(r.impact.candidates.map((c) => [String(c.halfLifeS), c.r2])),
    impact_candidates: r.impact.candidates.map((c) => ({
      half_life_s: c.halfLifeS,
      beta_per_s: c.beta,
      lambda: c.lambda,
      lambda_rel: c.lambdaRel,
      r2: c.r2,
      ssr: c.ssr,
      sst: c.sst,
      n: c.n,
    })),
    kyle: r.kyle.map((k) => ({
      period_s: k.periodS,
      lambda_usd_per_share: k.lambdaUsdPerShare,
      intercept_usd: k.interceptUsd,
      r2: k.r2,
      n: k.n,
    })),
    ofi: {
      window_s: r.ofi.windowS,
      horizon_s: r.ofi.horizonS,
      coef_usd: r.ofi.coefUsd,
      r2: r.ofi.r2,
      n: r.ofi.n,
      avg_depth: r.ofi.avgDepth,
    },
    venues: r.venues.map((v) => ({
      venue: v.venue,
      side: v.side,
      outflow_mean: v.outflowMean,
      adverse_usd_by_horizon_s: Object.fromEntries(v.adverse.map((a) => [String(a.horizonS), a.usd])),
      adverse_n: v.adverse[0]?.n ?? 0,
    })),
    volume_profile: Array.from(r.volumeProfile),
    // MBO days: the queue check's choice (sim.queue_model calibrated on later days)
    ...(r.queue ? { queue: r.queue } : {}),
    seconds,
  };
}

export async function calibrate(files: readonly string[], o: CalibrateCliOptions): Promise<void> {
  if (files.length === 0) throw new InputError("give at least one MBP-10 or MBO Parquet file to calibrate");
  if (o.symbol !== undefined) checkSymbol(o.symbol);
  if (o.date !== undefined) checkDate(o.date);
  const dir = o.root ?? o.out;
  const store = dir ? new LocalObjectStore(dir) : undefined;
  const out: Record<string, unknown>[] = [];
  const warnings: string[] = [];
  for (const f of files) {
    const { record, seconds } = await calibrateFile(f, o);
    progressDone();
    if (store) await writeCalibration(store, record);
    const warned = calibrationWarnings(record);
    warnings.push(...warned);
    out.push({ ...calibrationJson(record, seconds), warnings: warned });
  }
  if (o.json) {
    printJson(out);
    return;
  }
  printTable(
    out.map((r) => ({ ...r, ofi_coef: (r.ofi as { coef_usd: number }).coef_usd })),
    CALIBRATE_TABLE_COLUMNS,
    6,
  );
  const instrument = o.instrument === undefined ? EQUITY_US : instrumentPreset(o.instrument);
  process.stdout.write(`\n${wrapText(calibrateUnits(instrument), TABLE_WIDTH, "  ")}\n`);
  for (const w of warnings) process.stdout.write(`${wrapText(`WARNING: ${w}`, TABLE_WIDTH, "  ")}\n`);
}

export function registerCalibrate(program: Command): void {
  program
    .command("calibrate")
    .description(
      "calibrate volume profile, volatility, spread, queue outflow, adverse selection, impact and OFI per symbol-day",
    )
    .argument(
      "<files...>",
      "MBP-10 Parquet files, each one symbol-day, or MBO Parquet files (one symbol-day each; the record also keeps the queue check's choice)",
    )
    .option("--symbol <symbol>", "symbol (default: the file's symbol column)")
    .option("--date <date>", "trading date YYYY-MM-DD (default: the trading day of the first record)")
    .option(
      "--instrument <name>",
      "equity-us (default: the 09:30-16:00 session) or ES (the Globex day from 18:00 New York on D-1 to 17:00)",
    )
    .option("--root <dir>", "also write the records under DIR/calibration/v=.../symbol=.../date=.../")
    .option("--out <dir>", "the same as --root (the name of earlier versions)")
    .option("--json", "print a JSON array (fit tables per half-life and the Kyle table included)")
    .action(async (files: string[], opts: CalibrateCliOptions) => {
      await calibrate(files, opts);
    });
}
