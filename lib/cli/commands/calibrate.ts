/**
 * `msor calibrate FILE... [--symbol S] [--date D] [--out DIR] [--json]`: the docs/models.md section 2 statistics of
 * each file (one symbol-day per file), one table row per file; --json prints the full fit tables; --out DIR
 * also writes the records under DIR/calibration/v=.../ (the layout the backtest reads prior days from).
 */
import type { Command } from "commander";
import type { CalibrationRecord } from "../../calibration/types.ts";
import { InputError } from "../../core/errors.ts";
import { validateDate, validateSymbol } from "../../core/ids.ts";
import { fileSource } from "../../ports/fileSource.ts";
import { LocalObjectStore } from "../../ports/localObjectStore.ts";
import { writeCalibration } from "../../store/calibration.ts";
import { calibrateDay } from "../../task/calibrateDay.ts";
import { printJson, printTable, progress, progressDone } from "../output.ts";

export interface CalibrateCliOptions {
  symbol?: string;
  date?: string;
  out?: string;
  root?: string;
  json?: boolean;
}

export const CALIBRATE_TABLE_COLUMNS = [
  "symbol",
  "date",
  "events",
  "volume",
  "sigma_daily",
  "half_spread",
  "lambda",
  "half_life_s",
  "r2",
  "lambda_usd",
  "ofi_coef",
  "seconds",
];

/** Calibrate one MBP-10 file (one symbol-day); symbol/date inferred from the file unless given. */
export async function calibrateFile(
  path: string,
  opts: { symbol?: string; date?: string },
): Promise<{ record: CalibrationRecord; seconds: number }> {
  const started = performance.now();
  const record = await calibrateDay([await fileSource(path)], {
    ...opts,
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
    trade_count: r.tradeCount,
    sigma_daily: r.sigmaDaily,
    half_spread: r.halfSpreadUsd,
    mean_mid: r.meanMidUsd,
    lambda: r.impact.lambda,
    half_life_s: r.impact.halfLifeS,
    beta_per_s: r.impact.beta,
    r2: r.impact.r2,
    lambda_usd: r.impact.lambdaUsd,
    r2_by_half_life: Object.fromEntries(r.impact.candidates.map((c) => [String(c.halfLifeS), c.r2])),
    impact_candidates: r.impact.candidates.map((c) => ({
      half_life_s: c.halfLifeS,
      beta_per_s: c.beta,
      lambda: c.lambda,
      r2: c.r2,
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
      adverse_usd: v.adverseUsd,
      adverse_n: v.adverseN,
    })),
    volume_profile: Array.from(r.volumeProfile),
    seconds,
  };
}

export async function calibrate(files: readonly string[], o: CalibrateCliOptions): Promise<void> {
  if (files.length === 0) throw new InputError("give at least one MBP-10 Parquet file to calibrate");
  if (o.symbol !== undefined) validateSymbol(o.symbol);
  if (o.date !== undefined) validateDate(o.date);
  const dir = o.root ?? o.out;
  const store = dir ? new LocalObjectStore(dir) : undefined;
  const out: Record<string, unknown>[] = [];
  for (const f of files) {
    const { record, seconds } = await calibrateFile(f, o);
    progressDone();
    if (store) await writeCalibration(store, record);
    out.push(calibrationJson(record, seconds));
  }
  if (o.json) printJson(out);
  else
    printTable(
      out.map((r) => ({ ...r, ofi_coef: (r.ofi as { coef_usd: number }).coef_usd })),
      CALIBRATE_TABLE_COLUMNS,
      6,
    );
}

export function registerCalibrate(program: Command): void {
  program
    .command("calibrate")
    .description(
      "calibrate volume profile, volatility, spread, queue outflow, adverse selection, impact and OFI per symbol-day",
    )
    .argument("<files...>", "MBP-10 Parquet files, each one symbol-day")
    .option("--symbol <symbol>", "symbol (default: the file's symbol column)")
    .option("--date <date>", "trading date YYYY-MM-DD (default: New York date of the first record)")
    .option("--root <dir>", "also write the records under DIR/calibration/v=.../symbol=.../date=.../")
    .option("--out <dir>", "the same as --root (the name of earlier versions)")
    .option("--json", "print a JSON array (fit tables per half-life and the Kyle table included)")
    .action(async (files: string[], opts: CalibrateCliOptions) => {
      await calibrate(files, opts);
    });
}
