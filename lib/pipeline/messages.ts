/**
 * The sweep's wire protocol (DESIGN.md "Protocol and guarantees"): the task message (task queue), the task
 * marker / completion message (runs/{R}/tasks/{task_id}.json and the completion queue), and the per-strategy
 * aggregates a completion carries in a mergeable form. Everything that arrives from a queue is validated
 * here with zod before anything is built from it.
 */
import { z } from "zod";
import { DataFormatError, InputError } from "../core/errors.ts";
import { checkRunId, checkSymbol, MAX_PART } from "../core/ids.ts";
import { SKETCH_EXACT_MAX } from "../metrics/quantileSketch.ts";
import { MEAN_COLUMNS, SAMPLE_PARENTS } from "../report/strategyAggregates.ts";
import {
  type CompactTask,
  compactTaskId,
  type SweepTask,
  sweepTaskId,
  type TaskKind,
} from "../specs/taskId.ts";
import { taskMarkerKey, validateTaskId } from "../store/keys.ts";
import { COMPACT_FILES_PER_PART } from "./compaction.ts";

/** Wave 1 calibrates, wave 2 backtests (a task per (symbol, day)); wave 3 compacts (compaction.ts). */
export const WAVE_OF: Record<TaskKind, 1 | 2> = { calibrate: 1, backtest: 2 };
export const KIND_OF_WAVE: Record<1 | 2, TaskKind> = { 1: "calibrate", 2: "backtest" };

const RunIdField = z.string().min(1).max(128);
const TaskIdField = z.string().min(1).max(160);
const DateField = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD");

/** A (symbol, day) task: calibrate (wave 1) or backtest (wave 2). */
export const SymbolDayMessageSchema = z
  .object({
    run_id: RunIdField,
    task_id: TaskIdField,
    wave: z.union([z.literal(1), z.literal(2)]),
    symbol: z.string().min(1).max(64),
    date: DateField,
  })
  .strict();
export type SymbolDayMessage = z.infer<typeof SymbolDayMessageSchema>;

/** A compaction task (wave 3): one part of one table's date partition, from the staged files of `symbols`. */
export const CompactMessageSchema = z
  .object({
    run_id: RunIdField,
    task_id: TaskIdField,
    wave: z.literal(3),
    table: z.string().min(1).max(64),
    date: DateField,
    part: z.number().int().min(0).max(MAX_PART),
    /** the part's symbols whose backtest ended ok (frozen when wave 3 started), in symbol order */
    symbols: z.array(z.string().min(1).max(64)).max(COMPACT_FILES_PER_PART),
  })
  .strict();
export type CompactMessage = z.infer<typeof CompactMessageSchema>;

export type TaskMessage = SymbolDayMessage | CompactMessage;

export function taskMessage(runId: string, task: SweepTask): SymbolDayMessage {
  return {
    run_id: runId,
    task_id: task.task_id,
    wave: WAVE_OF[task.kind],
    symbol: task.symbol,
    date: task.date,
  };
}

export function compactMessage(runId: string, task: CompactTask, symbols: readonly string[]): CompactMessage {
  return {
    run_id: runId,
    task_id: task.task_id,
    wave: 3,
    table: task.table,
    date: task.date,
    part: task.part,
    symbols: [...symbols],
  };
}

/** What a message body claims to be, even when invalid: enough to record a failed marker. */
export interface ParsedTaskMessage {
  readonly message?: TaskMessage;
  /** Why the message is invalid (undefined when valid). */
  readonly problem?: string;
  /** run and task ids that pass the key checks, when the body names them (to record the failure). */
  readonly runId?: string;
  readonly taskId?: string;
}

/** The task id a valid message's fields give, and the symbols of a compaction message checked. */
function expectedTaskId(m: TaskMessage): string {
  if (m.wave !== 3) return sweepTaskId(KIND_OF_WAVE[m.wave], m.symbol, m.date);
  for (let i = 0; i < m.symbols.length; i++) {
    checkSymbol(m.symbols[i]!);
    if (i > 0 && !(m.symbols[i - 1]! < m.symbols[i]!))
      throw new InputError(
        `symbols must be distinct and in order (${m.symbols[i - 1]} before ${m.symbols[i]})`,
      );
  }
  return compactTaskId(m.table, m.date, m.part);
}

/** Parse and check a task message body; never throws. */
export function parseTaskMessage(body: string): ParsedTaskMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return { problem: `task message is not JSON: ${JSON.stringify(body.slice(0, 80))}` };
  }
  const ids: { runId?: string; taskId?: string } = {};
  const compaction = !!raw && typeof raw === "object" && (raw as Record<string, unknown>).wave === 3;
  if (raw && typeof raw === "object") {
    const r = raw as Record<string, unknown>;
    try {
      if (typeof r.run_id === "string") ids.runId = checkRunId(r.run_id);
      if (typeof r.task_id === "string") ids.taskId = validateTaskId(r.task_id);
    } catch {
      // ids that could escape a prefix are not used for anything
      return { problem: `task message names an invalid run_id or task_id: ${body.slice(0, 160)}` };
    }
  }
  const p = (compaction ? CompactMessageSchema : SymbolDayMessageSchema).safeParse(raw);
  if (!p.success) {
    const first = p.error.issues[0]!;
    const fields = compaction
      ? "{run_id, task_id, wave: 3, table, date, part, symbols}"
      : "{run_id, task_id, wave, symbol, date}";
    return {
      ...ids,
      problem: `invalid task message: ${first.path.join(".") || "(root)"}: ${first.message} (expected ${fields})`,
    };
  }
  const m = p.data;
  let expected: string;
  try {
    checkRunId(m.run_id);
    expected = expectedTaskId(m);
  } catch (e) {
    return { ...ids, problem: `invalid task message: ${(e as Error).message}` };
  }
  if (expected !== m.task_id) {
    const what = m.wave === 3 ? `${m.table}, ${m.date}, part ${m.part}` : `${m.symbol}, ${m.date}`;
    return {
      ...ids,
      problem: `invalid task message: task_id ${m.task_id} does not match wave ${m.wave}, ${what} (expected ${expected})`,
    };
  }
  return { message: m, runId: m.run_id, taskId: m.task_id };
}

// ---- aggregates ------------------------------------------------------------------------------------------

// The per-strategy aggregates a completion carries (lib/report/strategyAggregates.ts: exact sums, paired sums,
// a quantile sketch): any grouping of tasks merges to the run's summary.
export {
  type Aggregates,
  aggregateExecutions,
  aggregateMeans,
  mergeAggregates,
  mergeSample,
  type SampleEntry,
  type StrategyAggregate,
  sampleParents,
  samplePriority,
} from "../report/strategyAggregates.ts";

const finite = z.number().finite();
const count = z.number().int().nonnegative();
const partials = z.array(finite).max(64);
const SumSchema = z.object({ n: count, sum: partials }).strict();
const PairSchema = z
  .object({ baseline: z.string(), n: count, sum: partials, sumsq: partials, wins: count })
  .strict();
const BinsSchema = z.array(z.tuple([z.number().int(), count]));
const SketchSchema = z
  .object({
    n: count,
    zero: count,
    pos: BinsSchema,
    neg: BinsSchema,
    min: finite.nullable(),
    max: finite.nullable(),
    values: z.array(finite).max(SKETCH_EXACT_MAX).nullable(),
  })
  .strict();

const AggregateSchema = z
  .object({
    strategy: z.string(),
    calibration_source: z.string(),
    orders: count,
    no_data: count,
    executed_qty: finite,
    overfill_shares: finite,
    look_ahead: z.boolean(),
    cost: z.object({ n: count, sum: partials, sumsq: partials }).strict(),
    cost_sketch: SketchSchema,
    means: z
      .object(
        Object.fromEntries(Object.keys(MEAN_COLUMNS).map((k) => [k, SumSchema])) as Record<
          keyof typeof MEAN_COLUMNS,
          typeof SumSchema
        >,
      )
      .strict(),
    vs_twap: PairSchema.nullable(),
    gains: z.array(PairSchema.extend({ kind: z.enum(["routing", "alpha"]) }).strict()),
  })
  .strict();

// ---- markers and completions -------------------------------------------------------------------------

export const OUTCOMES = ["ok", "failed", "dead_lettered"] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** runs/{R}/tasks/{task_id}.json, and (with type "completion") the completion message. */
export const TaskMarkerSchema = z.object({
  run_id: z.string(),
  task_id: z.string(),
  outcome: z.enum(["ok", "failed"]),
  reason: z.string().optional(),
  aggregates: z.record(z.string(), AggregateSchema).optional(),
  /** the task's share of the report's bottom-k sample of parents (strategyAggregates.ts sampleParents) */
  sample: z
    .array(z.tuple([z.number().min(0).max(1), z.string().max(200)]))
    .max(SAMPLE_PARENTS)
    .optional(),
  /** (a compaction task) published files written: 1, or 0 when none of its symbols staged a file */
  files: z.number().int().min(0).max(1).optional(),
});
export type TaskMarker = z.infer<typeof TaskMarkerSchema>;

export const CompletionSchema = TaskMarkerSchema.extend({
  type: z.literal("completion"),
  /**
   * Claim check: the completion was too large for a queue message, so it carries only this key, which
   * must be the task's own marker (runs/{R}/tasks/{task_id}.json); the fan-in reads the outcome there.
   */
  claim: z.string().optional(),
});
export type Completion = z.infer<typeof CompletionSchema>;

/**
 * Largest completion body sent as is (bytes). SQS takes 256 KiB per message and per batch
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html);
 * a larger completion (a big strategy grid's aggregates) is sent as a claim check on its task marker.
 */
export const CLAIM_CHECK_BYTES = 192 * 1024;

/** The completion message of a marker stored at `markerKey`: inline, or a claim check when it is too large. */
export function completionBody(marker: TaskMarker, markerKey?: string): string {
  const body = JSON.stringify({ type: "completion", ...marker });
  if (markerKey === undefined || Buffer.byteLength(body, "utf8") <= CLAIM_CHECK_BYTES) return body;
  return JSON.stringify({
    type: "completion",
    run_id: marker.run_id,
    task_id: marker.task_id,
    outcome: marker.outcome,
    claim: markerKey,
  });
}

/** Parse a completion message body; InputError when it is not one. */
export function parseCompletion(body: string): Completion {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    throw new InputError(`completion message is not JSON: ${JSON.stringify(body.slice(0, 80))}`);
  }
  const p = CompletionSchema.safeParse(raw);
  if (!p.success) {
    const i = p.error.issues[0]!;
    throw new InputError(`invalid completion message: ${i.path.join(".") || "(root)"}: ${i.message}`);
  }
  checkRunId(p.data.run_id);
  validateTaskId(p.data.task_id);
  if (p.data.claim !== undefined && p.data.claim !== taskMarkerKey(p.data.run_id, p.data.task_id)) {
    throw new InputError(
      `invalid completion message: its claim ${JSON.stringify(p.data.claim.slice(0, 120))} is not the task marker of ${p.data.task_id} (a claim may only name runs/{run_id}/tasks/{task_id}.json)`,
    );
  }
  return p.data;
}

/** Parse a stored task marker; DataFormatError naming `where` when it is not one. */
export function parseTaskMarker(bytes: Uint8Array, where: string): TaskMarker {
  try {
    return TaskMarkerSchema.parse(JSON.parse(new TextDecoder().decode(bytes)));
  } catch (e) {
    throw new DataFormatError(`${where} is not a task marker: ${(e as Error).message.slice(0, 200)}`);
  }
}
