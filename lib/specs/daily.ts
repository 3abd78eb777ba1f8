/**
 * The daily run (DESIGN.md "AWS deployment"): the schedule fires every weekday after the data lands; the
 * spec stored in S3 is swept over ONE date, the previous NYSE trading day of the firing day (New York).
 * A firing day that is not a trading day (an exchange holiday) is a no-op with its reason. Pure: the day is
 * an argument (the handler reads the clock).
 */
import { nonTradingReason, previousTradingDay } from "../core/calendar.ts";
import { InputError } from "../core/errors.ts";
import { type ResolvedSweep, resolveSweepSpec } from "./sweepSpec.ts";

export type DailyPlan = { readonly skip: string } | { readonly sweep: ResolvedSweep; readonly date: string };

export function dailySweep(spec: unknown, today: string, where = "daily sweep spec"): DailyPlan {
  const reason = nonTradingReason(today);
  if (reason !== undefined) return { skip: `${today} is not an NYSE trading day (${reason}): no daily run` };
  if (!spec || typeof spec !== "object" || Array.isArray(spec)) {
    throw new InputError(`invalid ${where}: expected a mapping with symbols, input and backtest`);
  }
  const date = previousTradingDay(today);
  const { run_id: _, ...rest } = spec as Record<string, unknown>;
  // one run per data day: the id names the day, so a re-fired schedule resumes instead of duplicating
  return { sweep: resolveSweepSpec({ ...rest, dates: [date], run_id: `daily-${date}` }, where), date };
}

/** The New York calendar date of an instant (ms since the epoch). */
export function newYorkDay(ms: number): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "America/New_York" }).format(new Date(ms));
}
