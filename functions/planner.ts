/**
 * Planner Lambda: `{"spec": {...}}` (a sweep spec object) or `{"spec_key": "specs/x.yaml"}` (a spec in the
 * results bucket) plans that sweep; the daily schedule's event (`{"source": "schedule", "spec_key": ...,
 * "scheduled_time": ...}`, `{"daily": true}` or any payload without a spec) reads the spec at its spec_key
 * (else MSOR_DAILY_SPEC_KEY) and sweeps the NYSE trading day before the scheduled New York date (a holiday is
 * a reported no-op). Returns the plan (run id, wave, tasks enqueued).
 */
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import { z } from "zod";
import { HANDLER_ENV } from "../lib/aws/deployment.ts";
import { InputError } from "../lib/core/errors.ts";
import { planSweep } from "../lib/pipeline/planner.ts";
import { dailySweep, newYorkDay } from "../lib/specs/daily.ts";
import { parseSweepSpecText, resolveSweepSpec } from "../lib/specs/sweepSpec.ts";
import { logger, metrics, sweepTarget } from "./shared.ts";

const EventSchema = z
  .object({
    spec: z.record(z.string(), z.unknown()).optional(),
    daily: z.boolean().optional(),
    spec_key: z.string().min(1).optional(),
    /** the daily run's firing day (YYYY-MM-DD, New York); default: the schedule's time, else today */
    today: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
    /** "schedule": the daily schedule's event (infra/constructs/schedule.ts DailyPlannerEvent) */
    source: z.string().optional(),
    /** ISO time the schedule fired */
    scheduled_time: z.string().datetime({ offset: true }).optional(),
  })
  .passthrough();

async function specText(key: string): Promise<unknown> {
  const bytes = await sweepTarget().store.get(key);
  return parseSweepSpecText(
    new TextDecoder().decode(bytes),
    `sweep spec ${key}`,
    key.endsWith(".json") ? "json" : "yaml",
  );
}

export const handler = middy(async (event: unknown) => {
  const e = EventSchema.parse(event ?? {});
  const t = sweepTarget();
  const deps = { store: t.store, taskQueue: t.taskQueue(), inputStore: t.inputStore };
  // the schedule's event names the daily spec's key too: it is the daily branch, not a plain spec_key plan
  const daily = e.source === "schedule" || e.daily === true || !(e.spec || e.spec_key);
  if (!daily) {
    const sweep = resolveSweepSpec(e.spec ?? (await specText(e.spec_key!)));
    const plan = await planSweep(deps, sweep);
    logger.info("planned", { ...plan });
    return plan;
  }
  const key = e.spec_key ?? process.env[HANDLER_ENV.dailySpecKey];
  if (!key) throw new InputError(`${HANDLER_ENV.dailySpecKey} is not set and the event names no spec`);
  const today = e.today ?? newYorkDay(e.scheduled_time ? Date.parse(e.scheduled_time) : Date.now());
  const d = dailySweep(await specText(key), today, `daily sweep spec ${key}`);
  if ("skip" in d) {
    logger.info("daily run skipped", { reason: d.skip });
    return { skipped: d.skip };
  }
  const plan = await planSweep(deps, d.sweep);
  logger.info("daily run planned", { date: d.date, ...plan });
  return plan;
})
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
