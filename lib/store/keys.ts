/**
 * Every object key of the storage layout (DESIGN.md "Storage layout"); keys are identical in a local root
 * folder and in S3. This is the ONE module that builds or parses key strings: everything else calls it.
 *
 *   calibration/v={version}/symbol={S}/date={D}/{calibration,profile,fits,venues,outflow}.parquet
 *   results/{table}/run_id={R}/date={D}/{S}.parquet          executions, child_orders, fills, task_quality
 *   results/summary/run_id={R}/summary.parquet
 *   runs/{R}/manifest.json   runs/{R}/status.json   runs/{R}/tasks/{task_id}.json
 *   runs/{R}/report.html     runs/{R}/summary.lock
 *   mbp10/{venue}/{symbol}/{date}.parquet                    default input layout (SYNTH = merged venues)
 *
 * Builders validate the identifiers they are given (symbol, date, run id, task id) so that no key can escape
 * its prefix.
 */

import { CALIBRATION_VERSION } from "../calibration/types.ts";
import { InputError } from "../core/errors.ts";
import { validateDate, validateRunId, validateSymbol } from "../core/ids.ts";

// ---- calibration ---------------------------------------------------------------------------------------

/** The files of one calibration record; calibration.parquet is written last and marks a complete record. */
export const CALIBRATION_FILES = ["calibration", "profile", "fits", "venues", "outflow"] as const;
export type CalibrationFile = (typeof CALIBRATION_FILES)[number];

function validateVersion(version: number): number {
  if (!Number.isInteger(version) || version < 1) {
    throw new InputError(`invalid calibration version ${version}: expected an integer >= 1`);
  }
  return version;
}

/** Key prefix of one symbol's calibrations: calibration/v={version}/symbol={S}/ */
export function calibrationSymbolPrefix(symbol: string, version = CALIBRATION_VERSION): string {
  return `calibration/v=${validateVersion(version)}/symbol=${validateSymbol(symbol)}/`;
}

/** Key of a file of the record of (symbol, date): calibration/v=../symbol=../date=../{file}.parquet */
export function calibrationKey(
  symbol: string,
  date: string,
  file: string,
  version = CALIBRATION_VERSION,
): string {
  return `${calibrationSymbolPrefix(symbol, version)}date=${validateDate(date)}/${file}.parquet`;
}

/**
 * The date of a complete record from a key listed under calibrationSymbolPrefix (its calibration.parquet);
 * undefined for any other key.
 */
export function calibrationDateOfKey(symbol: string, version: number, key: string): string | undefined {
  const prefix = calibrationSymbolPrefix(symbol, version);
  if (!key.startsWith(prefix)) return undefined;
  const m = /^date=(\d{4}-\d{2}-\d{2})\/calibration\.parquet$/.exec(key.slice(prefix.length));
  return m ? m[1] : undefined;
}

/** Where a calibration record lives, parsed from a path to its folder or to one of its files. */
export interface CalibrationLocation {
  /** The folder holding calibration/ ("." when the path starts with calibration/). */
  readonly root: string;
  readonly version: number;
  readonly symbol: string;
  readonly date: string;
}

const CALIBRATION_PATH_RE =
  /^(.*?)\/?calibration\/v=(\d+)\/symbol=([^/]+)\/date=(\d{4}-\d{2}-\d{2})(?:\/[^/]+\.parquet)?\/?$/;

/** Parse ROOT/calibration/v=N/symbol=S/date=D[/file.parquet]; undefined when the path has another shape. */
export function parseCalibrationPath(path: string): CalibrationLocation | undefined {
  const m = CALIBRATION_PATH_RE.exec(path);
  if (!m) return undefined;
  return { root: m[1] || ".", version: Number(m[2]), symbol: m[3]!, date: m[4]! };
}

// ---- results -------------------------------------------------------------------------------------------

/** results/{table}/run_id={R}/date={D}/{S}.parquet (table: a result TableSchema, or anything with its name). */
export function resultKey(
  table: { readonly name: string },
  runId: string,
  date: string,
  symbol: string,
): string {
  return `${resultTablePrefix(table.name)}run_id=${validateRunId(runId)}/date=${validateDate(date)}/${validateSymbol(symbol)}.parquet`;
}

/** results/{table}/ (a table's root; Athena's table location). */
export function resultTablePrefix(table: string): string {
  if (!/^[a-z][a-z0-9_]*$/.test(table)) {
    throw new InputError(`invalid result table name "${table}": lower-case letters, digits and '_'`);
  }
  return `results/${table}/`;
}

/** results/{table}/run_id={R}/ (every file of one run of a table). */
export function resultRunPrefix(table: string, runId: string): string {
  return `${resultTablePrefix(table)}run_id=${validateRunId(runId)}/`;
}

/** results/summary/run_id={R}/summary.parquet */
export function summaryKey(runId: string): string {
  return `${resultRunPrefix("summary", runId)}summary.parquet`;
}

// ---- runs ----------------------------------------------------------------------------------------------

const TASK_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._=-]{0,127}$/;

/** A task id as it appears in runs/{R}/tasks/{task_id}.json: letters, digits, '.', '_', '=', '-'. */
export function validateTaskId(taskId: string): string {
  if (!TASK_ID_RE.test(taskId) || taskId.includes("..")) {
    throw new InputError(
      `invalid task id "${taskId}": use 1-128 letters, digits, '.', '_', '=' or '-', starting with a letter or digit`,
    );
  }
  return taskId;
}

/** runs/{R}/ */
export function runPrefix(runId: string): string {
  return `runs/${validateRunId(runId)}/`;
}

/** runs/{R}/manifest.json: the resolved sweep spec and task list. */
export function manifestKey(runId: string): string {
  return `${runPrefix(runId)}manifest.json`;
}

/** runs/{R}/status.json */
export function statusKey(runId: string): string {
  return `${runPrefix(runId)}status.json`;
}

/** runs/{R}/tasks/ (every task marker of a run). */
export function taskMarkerPrefix(runId: string): string {
  return `${runPrefix(runId)}tasks/`;
}

/** runs/{R}/tasks/{task_id}.json: a task's outcome, written put-if-absent after its results. */
export function taskMarkerKey(runId: string, taskId: string): string {
  return `${taskMarkerPrefix(runId)}${validateTaskId(taskId)}.json`;
}

/** The task id of a key listed under taskMarkerPrefix; undefined for any other key. */
export function taskIdOfMarkerKey(runId: string, key: string): string | undefined {
  const prefix = taskMarkerPrefix(runId);
  if (!key.startsWith(prefix) || !key.endsWith(".json")) return undefined;
  const id = key.slice(prefix.length, -".json".length);
  return TASK_ID_RE.test(id) && !id.includes("/") ? id : undefined;
}

/** runs/{R}/report.html */
export function reportKey(runId: string): string {
  return `${runPrefix(runId)}report.html`;
}

/** runs/{R}/summary.lock: held (put-if-absent) by the one summary writer of a run. */
export function summaryLockKey(runId: string): string {
  return `${runPrefix(runId)}summary.lock`;
}

// ---- input ---------------------------------------------------------------------------------------------

/** Venue folder of a merged multi-venue file in the input layout (what `msor generate --out DIR` writes). */
export const SYNTH_VENUE_FOLDER = "SYNTH";

/** mbp10/{venue}/{symbol}/{date}.parquet, the default input key template. */
export function inputKey(venue: string, symbol: string, date: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/.test(venue)) {
    throw new InputError(`invalid venue folder "${venue}": letters, digits, '_' or '-'`);
  }
  return `mbp10/${venue}/${validateSymbol(symbol)}/${validateDate(date)}.parquet`;
}
