/**
 * The backtest spec: which parent orders to execute, with which strategies and parameters, and the model
 * settings. Validated with zod at the edge (CLI file, sweep manifest); everything downstream trusts it.
 * `DEFAULT_SPEC` is the documented default of `msor backtest` (README "Backtest spec").
 */
import { InputError } from "../core/errors.ts";
import { resolveInstrument } from "../core/instrument.ts";
import {
  instrumentEntrySchema,
  instrumentSchema,
  type ParentOrderConfig,
  type StrategyConfig,
  strategySpecSchema,
  type TaskConfig,
  taskConfigSchema,
} from "../task/config.ts";
import { strategyLabel } from "../task/strategies.ts";
import { issueText, schemaKeys } from "./specIssues.ts";

// the schema of the resolved task input lives with its type in lib/task/config.ts (TaskConfig is derived from it)
export { instrumentEntrySchema, instrumentSchema, strategySpecSchema };

/** A validated spec: the resolved task input of lib/task (TaskConfig), with every default filled in. */
export type TaskSpec = TaskConfig;
export type StrategySpec = StrategyConfig;
export type ParentOrderSpec = ParentOrderConfig;

let taskSpecKeys: string[] | undefined;

/** Parse and validate a spec (object from JSON); errors name the field and what is expected. */
export function parseTaskSpec(value: unknown, where = "spec"): TaskSpec {
  const schema = taskConfigSchema();
  const r = schema.safeParse(value ?? {});
  if (!r.success) {
    taskSpecKeys ??= schemaKeys(schema);
    const known = taskSpecKeys;
    const issues = r.error.issues
      .slice(0, 5)
      .map((i) => issueText(i, known))
      .join("; ");
    // a sweep spec given where a backtest spec belongs: say which command runs it
    const raw = value as Record<string, unknown> | null | undefined;
    const sweepish = raw && typeof raw === "object" && ["symbols", "dates", "backtest"].some((k) => k in raw);
    const hint = sweepish
      ? " (symbols, dates and backtest are fields of a SWEEP spec: run it with msor sweep --spec FILE)"
      : "";
    throw new InputError(`invalid ${where}: ${issues}${hint}`);
  }
  // `instrument` (one for every symbol) is kept as the catch-all entry of `instruments`
  const { instrument, ...parsed } = r.data;
  if (instrument !== undefined && parsed.instruments !== undefined)
    throw new InputError(
      `invalid ${where}: give instrument (one for every symbol) or instruments (by symbol), not both`,
    );
  const spec: TaskSpec =
    instrument === undefined
      ? parsed
      : {
          ...parsed,
          instruments: [
            { match: "*", ...(typeof instrument === "string" ? { preset: instrument } : instrument) },
          ],
        };
  // each instrument resolves (its calendar's dates, holidays vs open_days) before any task runs
  for (const [i, e] of (spec.instruments ?? []).entries()) {
    try {
      resolveInstrument([{ ...e, match: "*" }], "X", spec.fees);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      throw new InputError(`invalid ${where}: instruments[${i}] (${e.match}): ${err.message}`);
    }
  }
  return spec;
}

/** The default spec (every strategy, buy 1% of ADV at 10:00, 11:30, 14:00 New York, 30-minute horizon). */
export const DEFAULT_SPEC: TaskSpec = parseTaskSpec({});

export { strategyLabel };
