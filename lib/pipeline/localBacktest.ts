/**
 * Local multi-day backtest (`msor backtest`): group input files by (symbol, New York date), replay the days
 * of each symbol in date order so that day d is backtested with the calibrations of its EARLIER days (each
 * day's own calibration is computed in the same pass and cached under the output folder in the calibration
 * layout), write result Parquet under results/, and aggregate per strategy.
 * Warm-up (docs/models.md 8): a symbol-day with no earlier calibrated day is calibrated (for the later days) but
 * not backtested, unless `includeUncalibrated`: orders sized on the default ADV and models on default
 * parameters are not comparable with calibrated days, and the summary never pools the two.
 */

import { CALENDARS, recordsTradingDate, type TradingCalendar } from "../core/calendars.ts";
import { InputError } from "../core/errors.ts";
import { checkSymbol } from "../core/ids.ts";
import { resolveInstrument } from "../core/instrument.ts";
import { isMboParquet } from "../importers/mbo/replayStream.ts";
import { mboIdentity } from "../mbo/reader.ts";
import { Mbp10File } from "../mbp10/reader.ts";
import type { InputFormat } from "../mbp10/stream.ts";
import type { ByteSource } from "../ports/byteSource.ts";
import { fileSource } from "../ports/fileSource.ts";
import { LocalObjectStore } from "../ports/localObjectStore.ts";
import {
  type GainSummary,
  type StrategySummary,
  summarizeGains,
  summarizeStrategies,
} from "../report/strategySummary.ts";
import type { CellValue } from "../results/schema.ts";
import { l2QueueModelNames, QUEUE_MODELS } from "../sim/registry.ts";
import type { TaskSpec } from "../specs/taskSpec.ts";
import { writeCalibration } from "../store/calibration.ts";
import { loadPriorCalibrations } from "../store/lookback.ts";
import { writeTaskResults } from "../store/results.ts";
import { calibrateDay } from "../task/calibrateDay.ts";
import { runTask, type TaskResult } from "../task/runTask.ts";

export interface DayInput {
  readonly symbol: string;
  readonly date: string;
  readonly paths: string[];
  /** mbp10 (one file per venue, or one multi-publisher file) or mbo (one MBO file). */
  readonly format: InputFormat;
}

/**
 * Symbol (`symbolOverride`, else the symbol column), trading day and format of one input file: the day of its first
 * ts_recv on the symbol's calendar, or on a calendar whose day opens the evening before, of its last (read only
 * then: recordsTradingDate).
 */
async function identify(
  p: string,
  symbolOverride: string | undefined,
  calendarOf: (symbol: string) => TradingCalendar,
): Promise<{ symbol: string; date: string; format: InputFormat }> {
  const dated = async (
    fileSymbol: string | undefined,
    firstTsNs: bigint,
    lastTsNs: () => Promise<bigint>,
    format: InputFormat,
  ) => {
    const symbol = symbolOverride ?? fileSymbol;
    if (!symbol) throw new InputError(`${p} has no symbol column; pass --symbol`);
    checkSymbol(symbol);
    const cal = calendarOf(symbol);
    const date = recordsTradingDate(cal, firstTsNs, cal.opensDayBefore ? await lastTsNs() : firstTsNs);
    return { symbol, date, format };
  };
  const src = await fileSource(p);
  try {
    if (await isMboParquet(src)) {
      const id = await mboIdentity(src);
      return await dated(id.symbol, id.firstTsNs, async () => id.lastTsNs, "mbo");
    }
  } finally {
    await src.close?.();
  }
  const f = await Mbp10File.open(await fileSource(p));
  try {
    const id = await f.identity();
    return await dated(id.symbol, id.firstTsNs, () => f.lastTsNs(), "mbp10");
  } finally {
    await f.close();
  }
}

/**
 * Group files into symbol-days from their contents (symbol column; the trading day of the first ts_recv on the
 * symbol's calendar, `calendarOf`, default NYSE; on a calendar whose day opens the evening before, of the
 * last ts_recv: a Globex file from 18:00 the evening before is dated the next day).
 */
export async function groupInputs(
  paths: readonly string[],
  symbolOverride?: string,
  calendarOf: (symbol: string) => TradingCalendar = () => CALENDARS.nyse!,
): Promise<DayInput[]> {
  const days = new Map<string, DayInput>();
  for (const p of paths) {
    const id = await identify(p, symbolOverride, calendarOf);
    const { symbol, date } = id;
    const key = `${symbol}|${date}`;
    const d = days.get(key) ?? { symbol, date, paths: [], format: id.format };
    if (d.format !== id.format || (d.format === "mbo" && d.paths.length > 0)) {
      throw new InputError(
        `${p} and ${d.paths[0]} are both ${symbol} ${date}; an MBO file is the whole symbol-day (not merged with ` +
          "other files): backtest the MBO file or the MBP-10 files, not both",
      );
    }
    d.paths.push(p);
    days.set(key, d);
  }
  return [...days.values()].sort((a, b) => a.symbol.localeCompare(b.symbol) || a.date.localeCompare(b.date));
}

/** File sources of `paths`; when one cannot be opened, the ones already open are closed. */
async function openAll(paths: readonly string[]): Promise<ByteSource[]> {
  const out: ByteSource[] = [];
  try {
    for (const p of paths) out.push(await fileSource(p));
  } catch (e) {
    await Promise.all(out.map((s) => s.close?.()));
    throw e;
  }
  return out;
}

export interface BacktestSummary {
  readonly runId: string;
  readonly outDir: string;
  readonly days: {
    symbol: string;
    date: string;
    /** Calibrated only (no earlier calibrated day): not backtested, no result rows. */
    warm_up: boolean;
    calibration_source: string;
    calibration_dates: string[];
    /** Prior-day calibrations ignored as older than calibration.max_age_days. */
    stale_dates: string[];
    defaults_used: string[];
    /** Override sets (calibration.overrides) with the parameters each fixes or scales; empty = none. */
    parameter_sets: { name: string; overridden: string[]; adv: number }[];
    /** calibrated | extrapolated | default (lib/calibration/params.ts advOf); the warm-up's own volume: "day". */
    adv_source: string;
    adv: number;
    parent_sizes: number[];
    rows: number;
    /** Longest stretch without a record inside the session, seconds (NaN for a warm-up day). */
    max_gap_s: number;
    /** Book levels per side in the data. */
    book_levels: number;
    /** sim.queue_model calibrated only: the model the day used (calibrated: NAME) and why. */
    queue_model?: string;
    queue_reason?: string;
    /** The symbol's instrument (docs/models.md 1b) and its session. */
    instrument: string;
    session: string;
    /** The instrument's unit of quantity: shares or contracts. */
    unit: string;
    /** Why the date is no trading day of the instrument's calendar (a holiday, a weekend); absent when it is. */
    not_trading_day?: string;
  }[];
  readonly strategies: StrategySummary[];
  /** Routing gain (x/sor vs x/market) and alpha gain (alpha=K vs alpha=none), paired per parent order. */
  readonly gains: GainSummary[];
  readonly executions: Record<string, CellValue>[];
}

export async function runLocalBacktest(a: {
  paths: readonly string[];
  spec: TaskSpec;
  outDir: string;
  runId: string;
  symbol?: string;
  /** Backtest days without an earlier calibrated day too (on default parameters; summarised apart). */
  includeUncalibrated?: boolean;
  onDay?: (d: DayInput, index: number, total: number) => void;
  onProgress?: (rows: number, total: number) => void;
}): Promise<BacktestSummary> {
  const store = new LocalObjectStore(a.outDir);
  const instrumentOf = (symbol: string) => resolveInstrument(a.spec.instruments, symbol, a.spec.fees);
  const days = await groupInputs(a.paths, a.symbol, (s) => instrumentOf(s).calendar);
  const mbp10Day = days.find((d) => d.format !== "mbo");
  if (QUEUE_MODELS.get(a.spec.sim.queue_model).needsMbo && mbp10Day) {
    throw new InputError(
      `sim.queue_model ${a.spec.sim.queue_model} needs MBO input (order-level data), but ${mbp10Day.paths.join(", ")} ` +
        `(${mbp10Day.symbol} ${mbp10Day.date}) is MBP-10; backtest MBO Parquet files (\`msor import dbn FILE.mbo.dbn.zst ` +
        `--out FILE.mbo.parquet\`) or choose an L2 queue model (${l2QueueModelNames().join(", ")})`,
    );
  }
  const executions: Record<string, CellValue>[] = [];
  const dayRows: BacktestSummary["days"] = [];
  for (const [i, d] of days.entries()) {
    a.onDay?.(d, i, days.length);
    const inst = instrumentOf(d.symbol);
    const reason = inst.calendar.nonTradingReason(d.date);
    const dayInfo = {
      instrument: inst.id,
      session: inst.calendar.sessionText,
      unit: inst.unit,
      ...(reason !== undefined ? { not_trading_day: reason } : {}),
    };
    const prior = await loadPriorCalibrations(store, d.symbol, d.date, {
      lookbackDays: a.spec.calibration.lookback_days,
      maxAgeDays: a.spec.calibration.max_age_days,
    });
    if (!a.includeUncalibrated) {
      if (prior.records.length === 0) {
        const record = await calibrateDay(await openAll(d.paths), {
          symbol: d.symbol,
          date: d.date,
          format: d.format,
          calendar: inst.calendar,
        });
        await writeCalibration(store, record);
        dayRows.push({
          symbol: d.symbol,
          date: d.date,
          warm_up: true,
          calibration_source: "default",
          calibration_dates: [],
          stale_dates: [...(prior.staleDates ?? [])],
          defaults_used: [],
          parameter_sets: [],
          adv: record.dailyVolume,
          adv_source: "day",
          parent_sizes: [],
          rows: record.events,
          max_gap_s: Number.NaN,
          book_levels: Number.NaN,
          ...dayInfo,
        });
        continue;
      }
    }
    const r: TaskResult = await runTask({
      symbol: d.symbol,
      date: d.date,
      sources: await openAll(d.paths),
      format: d.format,
      spec: a.spec,
      prior,
      ...(a.onProgress ? { onProgress: a.onProgress } : {}),
    });
    if (r.calibration) await writeCalibration(store, r.calibration);
    await writeTaskResults(store, a.runId, d.date, d.symbol, r);
    executions.push(...r.executions.map((e) => ({ ...e, date: d.date })));
    dayRows.push({
      symbol: d.symbol,
      date: d.date,
      warm_up: false,
      calibration_source: r.taskQuality[0]?.calibration_source as string,
      calibration_dates: r.params.dates,
      stale_dates: [...(r.params.staleDates ?? [])],
      defaults_used: r.params.defaultsUsed,
      parameter_sets: r.parameterSets
        .filter((p) => p.name !== "")
        .map((p) => ({ name: p.name, overridden: [...p.params.overridden], adv: p.params.adv })),
      adv: r.params.adv,
      adv_source: r.params.advSource,
      parent_sizes: [...new Set(r.executions.map((e) => Number(e.parent_qty)))],
      rows: r.quality.rows,
      max_gap_s: Number(r.taskQuality[0]?.max_gap_s ?? Number.NaN),
      book_levels: Number(r.taskQuality[0]?.book_levels ?? Number.NaN),
      ...(a.spec.sim.queue_model === "calibrated"
        ? { queue_model: r.queueModel.name, queue_reason: r.queueModel.reason ?? "" }
        : {}),
      ...dayInfo,
    });
  }
  return {
    runId: a.runId,
    outDir: a.outDir,
    days: dayRows,
    strategies: summarizeStrategies(executions),
    gains: summarizeGains(executions),
    executions,
  };
}
