/**
 * Every object key of the storage layout (DESIGN.md "Storage layout"); keys are identical in a local root
 * folder and in S3. This is the ONE module that builds or parses key strings: everything else calls it.
 *
 *   calibration/v={version}/symbol={S}/date={D}/{calibration,profile,fits,venues,outflow}.parquet
 *   results/{table}/run_id={R}/date={D}/{S}.parquet          executions, child_orders, fills, task_quality
 *   results/{table}/run_id={R}/date={D}/part-{NNNNN}.parquet a sweep's compacted part (per table, date, 1,000 symbols)
 *   results/summary/run_id={R}/summary.parquet
 *   staging/{table}/run_id={R}/date={D}/{S}.parquet          a sweep task's own files, read by no table
 *   runs/{R}/manifest.json   runs/{R}/status.json   runs/{R}/tasks/{task_id}.json
 *   runs/{R}/report.html     runs/{R}/summary.lock       runs/{R}/enqueued-w{1,2,3}.json
 *   mbp10/{venue}/{symbol}/{date}.parquet                    default input layout (SYNTH = merged venues)
 *
 * Builders validate the identifiers they are given (symbol, date, run id, task id) so that no key can escape
 * its prefix.
 */

import { CALIBRATION_VERSION } from "../calibration/types.ts";
import { InputError } from "../core/errors.ts";
import {
  checkDate,
  checkRunId,
  checkSymbol,
  checkTableName,
  checkVenue,
  compactDate,
  fail,
  partDigits,
  pathProblem,
  quoteValue,
} from "../core/ids.ts";
import {
  DEFAULT_INPUT_KEY_TEMPLATE,
  PLACEHOLDERS,
  type Placeholder,
  TEMPLATE_LITERAL_RE,
  TEMPLATE_MAX_LENGTH,
} from "./keyParts.ts";

// ---- calibration ---------------------------------------------------------------------------------------

/** The files of one calibration record; calibration.parquet is written last and marks a complete record. */
export const CALIBRATION_FILES = ["calibration", "profile", "fits", "venues", "outflow", "adverse"] as const;
export type CalibrationFile = (typeof CALIBRATION_FILES)[number];

function validateVersion(version: number): number {
  if (!Number.isInteger(version) || version < 1) {
    throw new InputError(`invalid calibration version ${version}: expected an integer >= 1`);
  }
  return version;
}

/** Key prefix of one symbol's calibrations: calibration/v={version}/symbol={S}/ */
export function calibrationSymbolPrefix(symbol: string, version = CALIBRATION_VERSION): string {
  return `calibration/v=${validateVersion(version)}/symbol=${checkSymbol(symbol)}/`;
}

/** Key of a file of the record of (symbol, date): calibration/v=../symbol=../date=../{file}.parquet */
export function calibrationKey(
  symbol: string,
  date: string,
  file: string,
  version = CALIBRATION_VERSION,
): string {
  return `${calibrationSymbolPrefix(symbol, version)}date=${checkDate(date)}/${file}.parquet`;
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
  return `${resultTablePrefix(table.name)}run_id=${checkRunId(runId)}/date=${checkDate(date)}/${checkSymbol(symbol)}.parquet`;
}

/** results/{table}/ (a table's root; Athena's table location). */
export function resultTablePrefix(table: string): string {
  return `results/${checkTableName(table)}/`;
}

/** results/{table}/run_id={R}/ (every file of one run of a table). */
export function resultRunPrefix(table: string, runId: string): string {
  return `${resultTablePrefix(table)}run_id=${checkRunId(runId)}/`;
}

/** The name of part `part` of a compacted partition (part-00000 for every date of up to 1,000 symbols). */
export function compactedFileName(part: number): string {
  return `part-${partDigits(part)}`;
}

/** Whether a file name (without .parquet) under results/ is a sweep's compacted part (all symbols of a date). */
export const isCompactedFileName = (name: string): boolean => /^part-\d{5}$/.test(name);

/**
 * results/{table}/run_id={R}/date={D}/part-{NNNNN}.parquet: a sweep's compaction (wave 3,
 * lib/pipeline/compaction.ts) publishes each part of a table's date partition as ONE object, so a query sees a
 * part whole or not at all.
 */
export function compactedResultKey(
  table: { readonly name: string },
  runId: string,
  date: string,
  part = 0,
): string {
  return `${resultRunPrefix(table.name, runId)}date=${checkDate(date)}/${compactedFileName(part)}.parquet`;
}

/** staging/{table}/run_id={R}/ : where a sweep's tasks write their result files (outside every table). */
export function stagingRunPrefix(table: string, runId: string): string {
  resultTablePrefix(table); // same name rules
  return `staging/${table}/run_id=${checkRunId(runId)}/`;
}

/** staging/{table}/run_id={R}/date={D}/{S}.parquet: one sweep task's file, compacted by wave 3. */
export function stagingResultKey(
  table: { readonly name: string },
  runId: string,
  date: string,
  symbol: string,
): string {
  return `${stagingRunPrefix(table.name, runId)}date=${checkDate(date)}/${checkSymbol(symbol)}.parquet`;
}

/** (date, file name without .parquet) of a key `{prefix}date={D}/{name}.parquet`; undefined otherwise. */
function dateAndFile(prefix: string, key: string): { date: string; symbol: string } | undefined {
  if (!key.startsWith(prefix)) return undefined;
  const m = /^date=(\d{4}-\d{2}-\d{2})\/([^/]+)\.parquet$/.exec(key.slice(prefix.length));
  return m ? { date: m[1]!, symbol: m[2]! } : undefined;
}

/**
 * (date, symbol) of a key listed under resultRunPrefix; `symbol` is a part-NNNNN name (isCompactedFileName) for
 * a sweep's compacted part (all its symbols of the date in one file). Undefined for any other key.
 */
export function parseResultKey(
  table: string,
  runId: string,
  key: string,
): { date: string; symbol: string } | undefined {
  return dateAndFile(resultRunPrefix(table, runId), key);
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
  return `runs/${checkRunId(runId)}/`;
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

/**
 * runs/{R}/enqueued-w{1|2|3}.json: when each task of a wave was last sent (run-length encoded), so that a
 * re-plan or a timed-out wave-2 or wave-3 enqueue sends only tasks whose last send is older than the visibility
 * timeout.
 */
export function enqueueLogKey(runId: string, wave: 1 | 2 | 3): string {
  return `${runPrefix(runId)}enqueued-w${wave}.json`;
}

/** active-runs/: one entry per unfinished run (written by the planner, removed by the finish). */
export const ACTIVE_RUNS_PREFIX = "active-runs/";

/** active-runs/{R}.json: the periodic summary tick lists these to find runs to look at. */
export function activeRunKey(runId: string): string {
  return `${ACTIVE_RUNS_PREFIX}${checkRunId(runId)}.json`;
}

/** The run id of a key listed under ACTIVE_RUNS_PREFIX; undefined for any other key. */
export function runIdOfActiveKey(key: string): string | undefined {
  if (!key.startsWith(ACTIVE_RUNS_PREFIX) || !key.endsWith(".json")) return undefined;
  const id = key.slice(ACTIVE_RUNS_PREFIX.length, -".json".length);
  try {
    return checkRunId(id);
  } catch {
    return undefined;
  }
}

// ---- input ---------------------------------------------------------------------------------------------

/** Venue folder of a merged multi-venue file in the input layout (what `msor generate --out DIR` writes). */
export const SYNTH_VENUE_FOLDER = "SYNTH";

/** mbp10/{venue}/{symbol}/{date}.parquet, the default input key template. */
export function inputKey(venue: string, symbol: string, date: string): string {
  return `mbp10/${checkVenue(venue, "venue folder")}/${checkSymbol(symbol)}/${checkDate(date)}.parquet`;
}

// ---- input key template (sweep specs) --------------------------------------------------------------

type Token = { readonly literal: string } | { readonly placeholder: Placeholder };

/** A parsed, validated input key template. */
export interface InputKeyTemplate {
  readonly template: string;
  readonly tokens: readonly Token[];
  readonly placeholders: ReadonlySet<Placeholder>;
}

/**
 * Parse and validate a key template: only the four placeholders, literal text from A-Z a-z 0-9 . _ = - /,
 * relative (no leading '/'), no empty, '.' or '..' segments, no trailing '/', and it must name {symbol} and one
 * of {date} / {yyyymmdd} so that every symbol-day has its own key.
 */
export function parseInputKeyTemplate(template: unknown, field = "input.key_template"): InputKeyTemplate {
  const hint = `use placeholders {${PLACEHOLDERS.join("} {")}} and literal A-Z a-z 0-9 . _ = - / (default ${DEFAULT_INPUT_KEY_TEMPLATE})`;
  if (typeof template !== "string") return fail(field, template, "must be a string", hint);
  if (template.length === 0) return fail(field, template, "is empty", hint);
  if (template.length > TEMPLATE_MAX_LENGTH) {
    return fail(field, template, `is longer than ${TEMPLATE_MAX_LENGTH} characters`, hint);
  }
  const tokens: Token[] = [];
  const placeholders = new Set<Placeholder>();
  const re = /\{([^{}]*)\}/g;
  let last = 0;
  const literal = (text: string) => {
    if (text.length === 0) return;
    if (text.includes("{") || text.includes("}")) fail(field, template, "has an unmatched '{' or '}'", hint);
    if (!TEMPLATE_LITERAL_RE.test(text)) {
      const problem =
        pathProblem(text.replaceAll("/", "")) ?? "contains a character outside A-Z a-z 0-9 . _ = - /";
      fail(field, template, problem, hint);
    }
    tokens.push({ literal: text });
  };
  for (let m = re.exec(template); m !== null; m = re.exec(template)) {
    literal(template.slice(last, m.index));
    const name = m[1]!;
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
      fail(field, template, `has the unknown placeholder {${quoteValue(name).slice(1, -1)}}`, hint);
    }
    tokens.push({ placeholder: name as Placeholder });
    placeholders.add(name as Placeholder);
    last = m.index + m[0].length;
  }
  literal(template.slice(last));
  if (template.startsWith("/")) fail(field, template, "is an absolute path (starts with '/')", hint);
  if (template.endsWith("/")) fail(field, template, "ends with '/' (it must name a file)", hint);
  for (const segment of template.split("/")) {
    if (segment === "") fail(field, template, "has an empty segment ('//')", hint);
    if (segment === "." || segment === "..")
      fail(field, template, `has the relative segment '${segment}'`, hint);
  }
  if (!placeholders.has("symbol")) fail(field, template, "does not use {symbol}", hint);
  if (!placeholders.has("date") && !placeholders.has("yyyymmdd")) {
    fail(field, template, "uses neither {date} nor {yyyymmdd}", hint);
  }
  return { template, tokens, placeholders };
}

export interface InputKeyValues {
  readonly symbol: string;
  readonly date: string;
  /** required when the template uses {venue} */
  readonly venue?: string | undefined;
}

/**
 * The object key (relative to the input root or bucket) of one symbol-day (and venue). Every value is
 * validated again here, and the result is checked to be a plain relative key, so a caller that skipped
 * planning still cannot escape the prefix.
 */
export function renderInputKey(template: InputKeyTemplate, values: InputKeyValues): string {
  const symbol = checkSymbol(values.symbol);
  const date = checkDate(values.date);
  let venue: string | undefined;
  if (template.placeholders.has("venue")) {
    if (values.venue === undefined) {
      throw new InputError(
        `input key template ${template.template} uses {venue}: give the venue to render it`,
      );
    }
    venue = checkVenue(values.venue);
  }
  const rendered: Record<Placeholder, string> = {
    symbol,
    date,
    yyyymmdd: compactDate(date),
    venue: venue ?? "",
  };
  const key = template.tokens.map((t) => ("literal" in t ? t.literal : rendered[t.placeholder])).join("");
  assertRelativeKey(key);
  return key;
}

/** True when `key` is a relative object key whose segments are all plain names (no '', '.', '..'). */
export function isRelativeKey(key: string): boolean {
  if (!/^[A-Za-z0-9._=/-]+$/.test(key)) return false;
  return key.split("/").every((s) => s !== "" && s !== "." && s !== "..");
}

function assertRelativeKey(key: string): void {
  if (!isRelativeKey(key)) {
    throw new InputError(`internal: rendered input key ${quoteValue(key)} is not a plain relative key`);
  }
}

export {
  DEFAULT_INPUT_KEY_TEMPLATE,
  ORIGINAL_INPUT_KEY_TEMPLATE,
  PLACEHOLDERS,
  type Placeholder,
  TEMPLATE_MAX_LENGTH,
} from "./keyParts.ts";
