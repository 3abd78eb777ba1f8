/**
 * Deterministic task ids: `{kind}-{yyyymmdd}-{symbol}`, e.g. `backtest-20240603-BRK.B`. They become object keys
 * (`runs/{R}/tasks/{task_id}.json`), so they are built only from validated parts, and a worker can check that a
 * message's task_id matches its (kind, symbol, date).
 */
import { InputError } from "../core/errors.ts";
import { checkSymbol, checkTableName, compactDate, partDigits, quoteValue } from "../core/ids.ts";

/** Wave 1 calibrates (symbol, day) pairs; wave 2 backtests the run's (symbol, day) pairs. */
export const TASK_KINDS = ["calibrate", "backtest"] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

export interface SweepTask {
  readonly task_id: string;
  readonly kind: TaskKind;
  readonly symbol: string;
  readonly date: string;
}

export function sweepTaskId(kind: TaskKind, symbol: string, date: string): string {
  if (!TASK_KINDS.includes(kind))
    throw new InputError(`invalid task kind ${quoteValue(kind)}: use calibrate or backtest`);
  return `${kind}-${compactDate(date)}-${checkSymbol(symbol)}`;
}

export function sweepTask(kind: TaskKind, symbol: string, date: string): SweepTask {
  return { task_id: sweepTaskId(kind, symbol, date), kind, symbol, date };
}

/** Inverse of sweepTaskId; throws InputError on anything it would not have produced. */
export function parseSweepTaskId(taskId: unknown): SweepTask {
  const m =
    typeof taskId === "string" ? /^(calibrate|backtest)-(\d{4})(\d{2})(\d{2})-(.+)$/.exec(taskId) : null;
  if (!m) {
    throw new InputError(
      `invalid task_id ${quoteValue(taskId)}: expected {calibrate|backtest}-{yyyymmdd}-{symbol}, e.g. backtest-20240603-AAPL`,
    );
  }
  const task = sweepTask(m[1] as TaskKind, m[5]!, `${m[2]}-${m[3]}-${m[4]}`);
  if (task.task_id !== taskId)
    throw new InputError(`invalid task_id ${quoteValue(taskId)}: not in canonical form`);
  return task;
}

// ---- wave 3: compaction ------------------------------------------------------------------------------------

/**
 * A compaction task (wave 3) builds one published file: part `part` of one result table's date partition
 * (lib/pipeline/compaction.ts). Its id is `compact-{yyyymmdd}-{table}-{part, 5 digits}`, e.g.
 * `compact-20240603-executions-00000`.
 */
export interface CompactTask {
  readonly task_id: string;
  readonly table: string;
  readonly date: string;
  readonly part: number;
}

export function compactTaskId(table: string, date: string, part: number): string {
  return `compact-${compactDate(date)}-${checkTableName(table)}-${partDigits(part)}`;
}

export function compactTask(table: string, date: string, part: number): CompactTask {
  return { task_id: compactTaskId(table, date, part), table, date, part };
}

/** Whether a task id names a compaction task (wave 3), not a (symbol, day) task. */
export const isCompactTaskId = (taskId: string): boolean => taskId.startsWith("compact-");
