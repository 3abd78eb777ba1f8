/**
 * Planner Lambda: `{"spec": {...}}` (a sweep spec object) or `{"spec_key": "specs/x.yaml"}` (a spec in the
 * results bucket) plans that sweep; the daily schedule's event (`{"daily": true}` or any EventBridge
 * Scheduler payload without a spec) reads the spec at MSOR_DAILY_SPEC_KEY and sweeps the previous NYSE
 * trading day (a holiday is a reported no-op). Returns the plan (run id, wave, tasks enqueued).
 */
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import { z } from "zod";
import { InputError } from "../lib/core/errors.ts";
import { planSweep } from "../lib/pipeline/planner.ts";
import { dailySweep, newYorkDay } from "../lib/spec/daily.ts";
import { parseSweepSpecText, resolveSweepSpec } from "../lib/spec/sweepSpec.ts";
import { logger, metrics, sweepTarget } from "./shared.ts";

const EventSchema = z
  .object({
    spec: z.record(z.string(), z.unknown()).optional(),
    spec_key: z.string().min(1).optional(),
    /** the daily run's firing day (YYYY-MM-DD, New York); default: today */
    today: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
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
  if (e.spec || e.spec_key) {
    const sweep = resolveSweepSpec(e.spec ?? (await specText(e.spec_key!)));
    const plan = await planSweep(deps, sweep);
    logger.info("planned", { ...plan });
    return plan;
  }
  const key = process.env.MSOR_DAILY_SPEC_KEY;
  if (!key) throw new InputError("MSOR_DAILY_SPEC_KEY is not set and the event names no spec");
  const daily = dailySweep(await specText(key), e.today ?? newYorkDay(Date.now()), `daily sweep spec ${key}`);
  if ("skip" in daily) {
    logger.info("daily run skipped", { reason: daily.skip });
    return { skipped: daily.skip };
  }
  const plan = await planSweep(deps, daily.sweep);
  logger.info("daily run planned", { date: daily.date, ...plan });
  return plan;
})
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
