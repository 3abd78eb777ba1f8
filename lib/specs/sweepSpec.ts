/**
 * The sweep spec (DESIGN.md "Sweep spec"; reference: docs/sweep-spec.md): which symbols and NYSE trading days,
 * where the input lives, the calibration lookback, and the `msor backtest` spec with parameter grids.
 * `resolveSweepSpec` validates everything a key or a task is built from and returns a plain, JSON-ready
 * ResolvedSweep (the content of runs/{R}/manifest.json); it is pure (no clock, no I/O), so planning the same
 * spec twice gives the same manifest.
 */
import { readFile } from "node:fs/promises";
import { parseDocument } from "yaml";
import { z } from "zod";
import { CALENDARS, splitDays, type TradingCalendar, tradingDaysBeforeOn } from "../core/calendars.ts";
import { errorMessage, InputError } from "../core/errors.ts";
import { checkDate, checkRunId, checkSymbol, checkVenue, quoteValue } from "../core/ids.ts";
import {
  type InstrumentConfig,
  resolveInstrument,
  symbolMatches as resolveMatch,
} from "../core/instrument.ts";
import { didYouMean } from "../core/suggest.ts";
import { QUEUE_MODELS } from "../sim/registry.ts";
import { DEFAULT_INPUT_KEY_TEMPLATE, parseInputKeyTemplate, renderInputKey } from "../store/keys.ts";
import { type QueueCheckSpec, QueueCheckSpecSchema, queueCheckWindow } from "./queueCheckSpec.ts";
import { issueText, schemaKeys } from "./specIssues.ts";
import { expandStrategyGrid } from "./strategyGrid.ts";
import { type SweepTask, sweepTask } from "./taskId.ts";
import {
  instrumentEntrySchema,
  instrumentSchema,
  parseTaskSpec,
  strategyLabel,
  type TaskSpec,
} from "./taskSpec.ts";

export const SWEEP_SPEC_VERSION = 1;
export const DEFAULT_LOOKBACK_DAYS = 5;
/** A bound on one run's size so a typo (a 30-year range) fails at planning, not after enqueueing. */
export const MAX_TASKS = 500_000;

/** The file's shape; the values that become keys are checked one by one in resolveSweepSpec. */
export const SweepSpecSchema = z
  .object({
    run_id: z.unknown().optional(),
    /** tickers, or {symbol, instrument} (an instrument preset such as ES, or its fields) */
    symbols: z.array(z.unknown()).min(1, "list at least one symbol"),
    /** a list, or {from, to}; checked in resolveDates for messages that name the problem */
    dates: z.unknown().optional(),
    input: z
      .object({
        root: z.string().min(1).optional(),
        bucket: z.string().optional(),
        key_template: z.unknown().default(DEFAULT_INPUT_KEY_TEMPLATE),
        venues: z.array(z.unknown()).optional(),
        /** mbp10 (default) or mbo: one MBO Parquet file per symbol-day (`msor import dbn`, `msor generate --mbo`) */
        format: z.enum(["mbp10", "mbo"]).optional(),
      })
      .strict()
      .default({ key_template: DEFAULT_INPUT_KEY_TEMPLATE }),
    calibration: z
      .object({ lookback_days: z.number().int().min(1).max(60).default(DEFAULT_LOOKBACK_DAYS) })
      .strict()
      .default({ lookback_days: DEFAULT_LOOKBACK_DAYS }),
    backtest: z.record(z.string(), z.unknown()).default({}),
    /** the queue check of every MBO symbol-day (docs/models.md 6.7), written to the queue_check table */
    queue_check: QueueCheckSpecSchema.optional(),
    /** instruments by symbol or pattern (first match wins); symbols matching none are US equities */
    instruments: z.array(z.unknown()).optional(),
  })
  .strict();
export type SweepSpecInput = z.input<typeof SweepSpecSchema>;

export interface ResolvedInput {
  /** local folder (relative to the working directory) holding the input keys; absent with bucket */
  readonly root?: string;
  /** S3 bucket holding the input keys; absent with root; neither = the backend's default store */
  readonly bucket?: string;
  readonly key_template: string;
  /** the venues rendered into {venue}; [] when the template has no {venue} (one multi-publisher file) */
  readonly venues: readonly string[];
  /** "mbo": one MBO Parquet file per symbol-day; absent = MBP-10 */
  readonly format?: "mbo";
}

export interface ResolvedSweep {
  readonly version: typeof SWEEP_SPEC_VERSION;
  /** as given in the spec; undefined = the planner generates one */
  readonly run_id?: string;
  readonly symbols: readonly string[];
  /** the run's trading days on the symbols' calendar (NYSE unless an instrument says otherwise), ascending */
  readonly dates: readonly string[];
  /** the days of a {from, to} range that are no trading day of that calendar, with the reason (left out) */
  readonly skipped_dates?: readonly { readonly date: string; readonly reason: string }[];
  readonly calibration: { readonly lookback_days: number };
  /** for each run date, the lookback_days trading days before it (ascending): its calibration window */
  readonly lookback: Readonly<Record<string, readonly string[]>>;
  /** every day that needs a calibration record: all run dates and all lookback days, ascending */
  readonly calibration_dates: readonly string[];
  readonly input: ResolvedInput;
  /** the backtest spec with grids expanded (strategies = the instances) and calibration set from the sweep */
  readonly backtest: TaskSpec;
  /** strategy instance labels, in backtest.strategies order */
  readonly strategies: readonly string[];
  /** wave 2: one backtest task per (symbol, run date), ordered by date then symbol order */
  readonly tasks: readonly SweepTask[];
  /** the queue check each backtest task runs on its MBO input (absent = none) */
  readonly queue_check?: QueueCheckSpec;
}

/** Collects problems so one error lists them all (up to a few), each naming its field. */
class Problems {
  readonly list: string[] = [];
  run<T>(f: () => T): T | undefined {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      this.list.push(errorMessage(e));
      return undefined;
    }
  }
  add(message: string): void {
    this.list.push(message);
  }
  throwIfAny(where: string): void {
    if (this.list.length === 0) return;
    if (this.list.length === 1) throw new InputError(`invalid ${where}: ${this.list[0]}`);
    const shown = this.list.slice(0, 8).map((m, i) => `  (${i + 1}) ${m}`);
    if (this.list.length > 8) shown.push(`  (and ${this.list.length - 8} more)`);
    throw new InputError(`invalid ${where}, ${this.list.length} problems:\n${shown.join("\n")}`);
  }
}

const BUCKET_RE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function checkBucket(bucket: string): string {
  if (!BUCKET_RE.test(bucket) || bucket.includes("..") || /^\d+\.\d+\.\d+\.\d+$/.test(bucket)) {
    throw new InputError(
      `invalid input.bucket ${quoteValue(bucket)}: an S3 bucket name is 3-63 characters a-z 0-9 . -, starting and ending with a letter or digit`,
    );
  }
  return bucket;
}

function checkRoot(root: string): string {
  if ([...root].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) {
    throw new InputError(`invalid input.root ${quoteValue(root)}: contains a control character`);
  }
  return root;
}

/** Check each value (naming `field[i]` in errors) and refuse duplicates; returns the accepted values. */
function uniqueList(
  values: readonly unknown[],
  field: string,
  check: (v: unknown, f: string) => string,
  p: Problems,
): string[] {
  const out = new Set<string>();
  for (const [i, value] of values.entries()) {
    const v = p.run(() => check(value, `${field}[${i}]`));
    if (v === undefined) continue;
    if (out.has(v)) p.add(`${field}[${i}] ${v}: listed twice`);
    else out.add(v);
  }
  return [...out];
}

const DATES_HINT = "expected a list of YYYY-MM-DD dates or {from: YYYY-MM-DD, to: YYYY-MM-DD}";

function resolveDates(
  dates: unknown,
  p: Problems,
  cal: TradingCalendar,
  skipped: { date: string; reason: string }[],
): string[] {
  const calName = cal.name === "nyse" ? "NYSE trading day" : `trading day of the ${cal.name} calendar`;
  const aCalName = cal.name === "nyse" ? "an NYSE trading day" : `a ${calName}`;
  if (dates === undefined) {
    p.add(`dates: missing; ${DATES_HINT}`);
    return [];
  }
  if (!Array.isArray(dates)) {
    if (typeof dates !== "object" || dates === null) {
      p.add(`dates: ${DATES_HINT}`);
      return [];
    }
    const extra = Object.keys(dates).filter((k) => k !== "from" && k !== "to");
    if (extra.length > 0) p.add(`dates: unknown field ${quoteValue(extra[0])}; ${DATES_HINT}`);
    const range = dates as { from?: unknown; to?: unknown };
    const from = p.run(() => checkDate(range.from, "dates.from"));
    const to = p.run(() => checkDate(range.to, "dates.to"));
    if (from === undefined || to === undefined) return [];
    const split = p.run(() => splitDays(cal, from, to));
    const days = split?.days ?? [];
    skipped.push(...(split?.skipped ?? []));
    if (from <= to && days.length === 0) p.add(`dates ${from} .. ${to}: no ${calName} in this range`);
    return days;
  }
  if (dates.length === 0) p.add(`dates: empty list; give at least one ${calName}`);
  const listed = uniqueList(dates, "dates", checkDate, p);
  return listed
    .filter((date) => {
      const reason = p.run(() => cal.nonTradingReason(date));
      if (reason === undefined) return true;
      p.add(`dates[${dates.indexOf(date)}] ${date} is not ${aCalName} (${reason}); remove it`);
      return false;
    })
    .sort();
}

const FIELDS = SweepSpecSchema.shape;

/** One top-level field through its schema; its issues (path from the field) into `p`. */
function parseField<T>(schema: z.ZodType<T>, field: string, value: unknown, p: Problems): T | undefined {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const known = schemaKeys(schema);
  for (const i of r.error.issues) p.add(issueText(i, known, [field]));
  return undefined;
}

function resolveInput(
  input: z.infer<typeof SweepSpecSchema>["input"],
  p: Problems,
): ResolvedInput | undefined {
  if (input.root !== undefined && input.bucket !== undefined) {
    p.add("input: give root (a local folder) or bucket (S3), not both");
  }
  const root = input.root === undefined ? undefined : p.run(() => checkRoot(input.root!));
  const bucket = input.bucket === undefined ? undefined : p.run(() => checkBucket(input.bucket!));
  const template = p.run(() => parseInputKeyTemplate(input.key_template));
  const venues = uniqueList(input.venues ?? [], "input.venues", checkVenue, p);
  if (template === undefined) return undefined;
  const usesVenue = template.placeholders.has("venue");
  if (usesVenue && input.venues === undefined) {
    p.add(
      `input.venues: the key template ${template.template} uses {venue}; list the venues, e.g. venues: [xnas]`,
    );
  } else if (usesVenue && input.venues?.length === 0) {
    p.add("input.venues: empty list; the key template uses {venue}, so list at least one venue");
  } else if (!usesVenue && input.venues !== undefined) {
    p.add(
      `input.venues: the key template ${template.template} has no {venue} (one file per symbol-day); remove venues or add {venue} to the template`,
    );
  }
  if (input.format === "mbo" && usesVenue) {
    p.add(
      `input.format mbo: an MBO file is the whole symbol-day; the key template ${template.template} must not use {venue}`,
    );
  }
  return {
    ...(root !== undefined ? { root } : {}),
    ...(bucket !== undefined ? { bucket } : {}),
    key_template: template.template,
    venues: usesVenue ? venues : [],
    ...(input.format === "mbo" ? { format: "mbo" as const } : {}),
  };
}

function resolveBacktest(raw: Record<string, unknown>, lookbackDays: number, p: Problems) {
  if (raw.calibration !== undefined) {
    p.add("backtest.calibration: set calibration.lookback_days at the top level of the sweep spec instead");
    return undefined;
  }
  if (raw.strategies !== undefined && !Array.isArray(raw.strategies)) {
    p.add("backtest.strategies: expected a list of strategy entries");
    return undefined;
  }
  const grid =
    raw.strategies === undefined ? undefined : p.run(() => expandStrategyGrid(raw.strategies as unknown[]));
  const gridFailed = raw.strategies !== undefined && grid === undefined;
  // (with a failed grid the rest is still checked, on the default strategies, so that one error lists it all)
  const { strategies: _, ...rest } = raw;
  const spec = p.run(() =>
    parseTaskSpec(
      {
        ...(gridFailed ? rest : raw),
        ...(grid ? { strategies: grid.map((g) => g.spec) } : {}),
        calibration: { lookback_days: lookbackDays },
      },
      "backtest",
    ),
  );
  return gridFailed ? undefined : spec;
}

/**
 * Validate a parsed spec object and resolve it: trading days, lookback windows, expanded strategies, tasks.
 * Throws InputError listing every problem found, each naming its field and value; `where` names the spec
 * (e.g. its file path) in that message.
 */
export function resolveSweepSpec(value: unknown, where = "sweep spec"): ResolvedSweep {
  if (value === null || value === undefined) throw new InputError(`invalid ${where}: the spec is empty`);
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new InputError(
      `invalid ${where}: expected a mapping of fields (${Object.keys(FIELDS).join(", ")})`,
    );
  }
  // each field is parsed on its own, so a schema problem in one field (or an unknown field) does not hide
  // the checks of the others: one error lists them all
  const raw = value as Record<string, unknown>;
  const p = new Problems();
  for (const k of Object.keys(raw)) {
    if (!(k in FIELDS))
      p.add(
        `${k}: unrecognized key${didYouMean(k, Object.keys(FIELDS))}; the fields are ${Object.keys(FIELDS).join(", ")}`,
      );
  }
  const runId = raw.run_id === undefined ? undefined : p.run(() => checkRunId(raw.run_id, "run_id"));
  const symbolsRaw = parseField(FIELDS.symbols, "symbols", raw.symbols, p);
  // a symbol entry {symbol, instrument} is a ticker plus an instrument entry matching exactly it
  const entries: InstrumentConfig[] = [];
  const tickers = (symbolsRaw ?? []).map((s, i) => {
    if (typeof s !== "object" || s === null || Array.isArray(s)) return s;
    const { symbol, instrument, ...extra } = s as Record<string, unknown>;
    if (Object.keys(extra).length > 0)
      p.add(`symbols[${i}]: unknown field ${quoteValue(Object.keys(extra)[0])}; give {symbol, instrument}`);
    if (typeof symbol === "string" && instrument !== undefined) {
      const inst = parseField(instrumentSchema(), `symbols[${i}].instrument`, instrument, p);
      if (inst !== undefined)
        entries.push({ match: symbol, ...(typeof inst === "string" ? { preset: inst } : inst) });
    }
    return symbol;
  });
  const symbols = symbolsRaw ? uniqueList(tickers, "symbols", checkSymbol, p) : [];
  for (const e of parseField(FIELDS.instruments, "instruments", raw.instruments, p) ?? []) {
    const r = parseField(instrumentEntrySchema(), "instruments", e, p);
    if (r) entries.push(r);
  }
  // the symbols' calendar: one per run (the dates, lookbacks and tasks are one calendar's days)
  const bt = (raw.backtest ?? {}) as Record<string, unknown>;
  const btEntries = (Array.isArray(bt.instruments) ? bt.instruments : []).filter(
    (x): x is InstrumentConfig =>
      typeof x === "object" && x !== null && typeof (x as { match?: unknown }).match === "string",
  );
  const btOne =
    typeof bt.instrument === "string" || (typeof bt.instrument === "object" && bt.instrument !== null)
      ? (bt.instrument as InstrumentConfig | string)
      : undefined;
  const allEntries = [
    ...entries,
    ...btEntries,
    ...(btOne === undefined
      ? []
      : [typeof btOne === "string" ? { match: "*", preset: btOne } : { ...btOne, match: "*" }]),
  ];
  const calendars = new Map<string, { cal: TradingCalendar; symbols: string[] }>();
  for (const s of symbols) {
    let inst: ReturnType<typeof resolveInstrument> | undefined;
    try {
      inst = resolveInstrument(allEntries, s, {});
    } catch (err) {
      // a malformed backtest entry is reported by the backtest spec's own check
      if (err instanceof InputError) p.add(`instrument of ${s}: ${errorMessage(err)}`);
      continue;
    }
    const e = allEntries.find((x) => resolveMatch(x.match, s));
    const key = JSON.stringify([inst.calendar.name, e?.holidays ?? [], e?.open_days ?? []]);
    const c = calendars.get(key) ?? { cal: inst.calendar, symbols: [] };
    c.symbols.push(s);
    calendars.set(key, c);
  }
  if (calendars.size > 1) {
    p.add(
      `symbols: the run mixes calendars (${[...calendars.values()].map((c) => `${c.cal.name}: ${c.symbols.join(", ")}`).join("; ")}); run each calendar's symbols in a sweep of its own`,
    );
  }
  const calendar = [...calendars.values()][0]?.cal ?? CALENDARS.nyse!;
  const skipped: { date: string; reason: string }[] = [];
  const dates = resolveDates(raw.dates, p, calendar, skipped);
  const inputRaw = parseField(FIELDS.input, "input", raw.input, p);
  const input = inputRaw ? resolveInput(inputRaw, p) : undefined;
  const lookbackDays = parseField(FIELDS.calibration, "calibration", raw.calibration, p)?.lookback_days;
  const backtestRaw = parseField(FIELDS.backtest, "backtest", raw.backtest, p);
  // (checked with the default lookback when calibration is wrong, so that its problems are listed too)
  // the backtest spec carries every instrument entry: the symbols', the sweep's, then its own
  const { instrument: _one, instruments: _list, ...btRest } = backtestRaw ?? {};
  const backtest = backtestRaw
    ? resolveBacktest(
        allEntries.length > 0 ? { ...btRest, instruments: allEntries } : backtestRaw,
        lookbackDays ?? DEFAULT_LOOKBACK_DAYS,
        p,
      )
    : undefined;
  const queueCheck = parseField(FIELDS.queue_check, "queue_check", raw.queue_check, p);
  if (queueCheck !== undefined) p.run(() => queueCheckWindow(queueCheck));
  const mbo = input?.format === "mbo";
  if (queueCheck !== undefined && input && !mbo) {
    p.add("queue_check: the queue check needs MBO input (order-level data); set input.format: mbo");
  }
  const queueModel = backtest?.sim.queue_model;
  if (queueModel !== undefined && QUEUE_MODELS.get(queueModel).needsMbo && input && !mbo) {
    p.add(
      `backtest.sim.queue_model ${queueModel}: needs MBO input (order-level data); set input.format: mbo or choose an L2 queue model`,
    );
  }
  const lookback: Record<string, readonly string[]> = {};
  const calibration = new Set<string>(dates);
  for (const d of lookbackDays === undefined ? [] : dates) {
    const before = p.run(() => tradingDaysBeforeOn(calendar, d, lookbackDays!));
    if (before === undefined) continue;
    lookback[d] = before;
    for (const b of before) calibration.add(b);
  }
  const nTasks = symbols.length * dates.length;
  if (nTasks > MAX_TASKS) {
    p.add(
      `${symbols.length} symbols x ${dates.length} days = ${nTasks} tasks, more than ${MAX_TASKS}; split the run`,
    );
  }
  p.throwIfAny(where);
  const tasks: SweepTask[] = [];
  for (const d of dates) for (const s of symbols) tasks.push(sweepTask("backtest", s, d));
  return {
    version: SWEEP_SPEC_VERSION,
    ...(runId !== undefined ? { run_id: runId } : {}),
    symbols,
    dates,
    ...(skipped.length > 0 ? { skipped_dates: skipped } : {}),
    calibration: { lookback_days: lookbackDays! },
    lookback,
    calibration_dates: [...calibration].sort(),
    input: input!,
    backtest: backtest!,
    strategies: backtest!.strategies.map(strategyLabel),
    tasks,
    ...(queueCheck !== undefined ? { queue_check: queueCheck } : {}),
  };
}

/**
 * Wave 1 candidates: one calibrate task per (symbol, calibration date), ordered by date then symbol. The
 * planner enqueues only those whose calibration record is missing.
 */
export function calibrationTasks(sweep: ResolvedSweep): SweepTask[] {
  const out: SweepTask[] = [];
  for (const d of sweep.calibration_dates)
    for (const s of sweep.symbols) out.push(sweepTask("calibrate", s, d));
  return out;
}

/** The input object keys of one symbol-day (one per venue, or one when the template has no {venue}). */
export function inputKeys(input: ResolvedInput, symbol: string, date: string): string[] {
  const template = parseInputKeyTemplate(input.key_template);
  if (!template.placeholders.has("venue")) return [renderInputKey(template, { symbol, date })];
  return input.venues.map((venue) => renderInputKey(template, { symbol, date, venue }));
}

/** Parse spec text: JSON when `format` is json, else YAML (which also reads JSON). Errors give line and column. */
export function parseSweepSpecText(
  text: string,
  where = "sweep spec",
  format: "yaml" | "json" = "yaml",
): unknown {
  if (format === "json") {
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      throw new InputError(`invalid ${where}: not valid JSON (${errorMessage(e)})`);
    }
  }
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true, schema: "core" });
  if (doc.errors.length > 0) {
    const first = doc.errors
      .slice(0, 3)
      .map((e) => e.message.split("\n")[0])
      .join("; ");
    throw new InputError(`invalid ${where}: not valid YAML (${first})`);
  }
  try {
    return doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (e) {
    throw new InputError(`invalid ${where}: ${errorMessage(e)}`);
  }
}

/** Parse and resolve spec text. */
export function loadSweepSpec(
  text: string,
  where = "sweep spec",
  format: "yaml" | "json" = "yaml",
): ResolvedSweep {
  return resolveSweepSpec(parseSweepSpecText(text, where, format), where);
}

/** Read, parse and resolve a spec file (.json as JSON, anything else as YAML). */
export async function readSweepSpecFile(path: string): Promise<ResolvedSweep> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new InputError(`cannot read sweep spec ${path}: ${errorMessage(e)}; check the --spec path`);
  }
  return loadSweepSpec(text, `sweep spec ${path}`, path.toLowerCase().endsWith(".json") ? "json" : "yaml");
}
