/**
 * Summary Lambda (fan-in): completion messages in large batches, merged into runs/{R}/status.json by
 * compare-and-swap (lib/pipeline/fanIn.ts), which also drains the task DLQ (sending a dead-lettered compaction
 * task again, up to twice), starts waves 2 and 3 (compaction, run by the workers) and, once, writes the summary
 * and the report. The merge is idempotent, so a failed invocation simply
 * throws and SQS redelivers the whole batch. The scheduled event `{"msor": "tick"}` checks every run in the
 * active-runs/ index (a wave or a finish due without a completion, e.g. a run whose last task was
 * dead-lettered or whose finish crashed); `{"msor": "tick", "run_ids": [...]}` checks only those runs.
 */
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import type { Context, SQSBatchResponse } from "aws-lambda";
import { z } from "zod";
import { OLDEST_UNFINISHED_RUN_METRIC } from "../lib/aws/deployment.ts";
import { createFanIn, type FanIn } from "../lib/pipeline/fanIn.ts";
import { logger, logTo, metrics, SqsEventSchema, sweepTarget } from "./shared.ts";

const TickSchema = z.object({ msor: z.literal("tick"), run_ids: z.array(z.string()).optional() });
let fanIn: FanIn | undefined;

export const handler = middy(async (event: unknown, context: Context): Promise<SQSBatchResponse> => {
  const t = sweepTarget();
  fanIn ??= createFanIn({
    store: t.store,
    taskQueue: t.taskQueue(),
    taskDlq: t.taskDlq(),
    dlqWaitS: 1,
    now: () => Date.now(),
    owner: context.awsRequestId,
    log: logTo,
  });
  const tick = TickSchema.safeParse(event);
  const bodies = tick.success ? [] : SqsEventSchema.parse(event).Records.map((r) => r.body);
  const r = await fanIn(bodies, tick.success ? (tick.data.run_ids ?? "active") : []);
  metrics.addMetric("completions_accounted", MetricUnit.Count, r.accounted);
  metrics.addMetric("tasks_dead_lettered", MetricUnit.Count, r.deadLettered);
  metrics.addMetric("finish_failed", MetricUnit.Count, r.finishFailed.length);
  // the "run unfinished past its expected time" alarm (infra/constructs/alarms.ts) watches this
  if (r.oldestActiveMs !== undefined)
    metrics.addMetric(OLDEST_UNFINISHED_RUN_METRIC, MetricUnit.Seconds, Math.round(r.oldestActiveMs / 1000));
  logger.info("fan-in", { ...r, batch: bodies.length });
  return { batchItemFailures: [] };
})
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
