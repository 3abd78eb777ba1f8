/**
 * Worker Lambda: SQS task queue, batch size 1 with ReportBatchItemFailures. Each record is one task
 * (lib/pipeline/worker.ts): permanent errors become a failed task marker inside the handler; a retryable error
 * is thrown, so Powertools reports the record as a batch item failure and SQS redelivers it (DLQ after 3).
 * A process in which parquet-wasm trapped on corrupt data (lib/parquet/wasm.ts) exits after that invocation.
 */
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { parquetWasmStopped } from "../lib/parquet/wasm.ts";
import { createTaskHandler } from "../lib/pipeline/worker.ts";
import { logger, logTo, metrics, SqsEventSchema, sweepTarget } from "./shared.ts";

const processor = new BatchProcessor(EventType.SQS);
let handle: ReturnType<typeof createTaskHandler> | undefined;

async function record(r: SQSRecord): Promise<void> {
  const t = sweepTarget();
  handle ??= createTaskHandler({
    store: t.store,
    inputStore: t.inputStore,
    completions: t.completionQueue(),
    log: logTo,
  });
  const result = await handle(r.body);
  metrics.addMetric(`tasks_${result.state}`, MetricUnit.Count, 1);
  logger.info("task handled", { task_id: result.taskId, state: result.state, reason: result.reason });
}

/**
 * A process in which parquet-wasm trapped on corrupt data (lib/parquet/wasm.ts: the task that hit it was recorded
 * as failed) can decode no more: it exits once its invocation is over (this middleware's `after` runs last,
 * after the metrics are flushed), so that Lambda starts a fresh one. The invocation then counts as failed: its
 * message comes back after the visibility timeout, finds its task marker and only re-sends the completion.
 */
const exitWhenParquetStopped = {
  after: () => {
    const trap = parquetWasmStopped();
    if (!trap) return;
    logger.error("parquet-wasm stopped in this process; exiting so that Lambda replaces it", {
      error: trap.message,
    });
    process.exit(1);
  },
};

export const handler = middy(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const parsed = SqsEventSchema.parse(event) as unknown as SQSEvent;
  return processPartialResponse(parsed, record, processor, { context });
})
  .use(exitWhenParquetStopped)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
