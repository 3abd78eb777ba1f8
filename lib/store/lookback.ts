/**
 * The lookback loader: the calibration records of the days STRICTLY BEFORE a backtest day (docs/models.md
 * section 2: no look-ahead), read from an ObjectStore and combined by lib/calibration (pure).
 */
import {
  type CalibrationDefaults,
  type CalibrationParams,
  type PriorCalibrations,
  paramsFromPrior,
} from "../calibration/params.ts";
import { CALIBRATION_VERSION } from "../calibration/types.ts";
import { InputError } from "../core/errors.ts";
import { checkDate } from "../core/ids.ts";
import type { ObjectStore } from "../ports/objectStore.ts";
import { listCalibrationDates, readCalibration } from "./calibration.ts";

export type { PriorCalibrations };

export interface LoadCalibrationOptions {
  /** Number of prior days to combine (integer >= 1, default 5). */
  readonly lookbackDays?: number;
  /**
   * Records older than this many calendar days before the backtest day are ignored (default 14): a stale
   * calibration is not today's market. The ignored dates are listed in `staleDates`.
   */
  readonly maxAgeDays?: number;
  readonly version?: number;
  readonly defaults?: CalibrationDefaults;
}

/**
 * The prior-day records of (symbol, date): lists calibration/v={version}/symbol={S}/, keeps the dates STRICTLY
 * BEFORE `date`, the latest `lookbackDays` of them, and reads those no older than `maxAgeDays`.
 */
export async function loadPriorCalibrations(
  store: ObjectStore,
  symbol: string,
  date: string,
  options: LoadCalibrationOptions = {},
): Promise<PriorCalibrations> {
  checkDate(date);
  const lookback = options.lookbackDays ?? 5;
  if (!Number.isInteger(lookback) || lookback < 1) {
    throw new InputError(
      `lookbackDays must be an integer >= 1 (calibration uses prior days only), got ${lookback}`,
    );
  }
  const version = options.version ?? CALIBRATION_VERSION;
  const maxAge = options.maxAgeDays ?? DEFAULT_MAX_AGE_DAYS;
  if (!Number.isInteger(maxAge) || maxAge < 1) {
    throw new InputError(`maxAgeDays must be an integer >= 1 (calendar days), got ${maxAge}`);
  }
  const window = (await listCalibrationDates(store, symbol, version))
    .filter((d) => d < date)
    .slice(-lookback);
  const fresh = (d: string) => calendarDaysBetween(d, date) <= maxAge;
  const records = await Promise.all(
    window.filter(fresh).map((d) => readCalibration(store, symbol, d, version)),
  );
  return { records, staleDates: window.filter((d) => !fresh(d)) };
}

/**
 * Parameters for a backtest of (symbol, date): the prior records (loadPriorCalibrations) combined by
 * lib/calibration (paramsFromPrior). With none, every field comes from `defaults` and source = "default".
 */
export async function loadCalibrationParams(
  store: ObjectStore,
  symbol: string,
  date: string,
  options: LoadCalibrationOptions = {},
): Promise<CalibrationParams> {
  return paramsFromPrior(await loadPriorCalibrations(store, symbol, date, options), options.defaults);
}

/** Default `maxAgeDays`: calibrations more than two calendar weeks old are ignored. */
export const DEFAULT_MAX_AGE_DAYS = 14;

/** Calendar days from a to b (YYYY-MM-DD, validated), b - a. */
function calendarDaysBetween(a: string, b: string): number {
  const t = (d: string) => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10)));
  return Math.round((t(b) - t(a)) / 86_400_000);
}
