/**
 * The three Lambda handlers (functions/) run in this process against moto_server (issue 22.7), configured as
 * the stack configures them (the environment variables of lib/aws/deployment.ts): the planner's spec_key and
 * daily branches, the worker's partial batch response, the summary's completion and tick events. One run
 * (SYNA on 2024-03-05 with a one-day lookback: 2 calibrate tasks, 1 backtest task) goes from the planner to
 * finished through the handlers only. Two moto instances: S3 serial (atomic conditional writes), SQS threaded.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import type { Context, SQSEvent } from "aws-lambda";
import { beforeAll, describe, expect, it } from "vitest";
import { createS3Client, createSqsClient } from "../../lib/aws/clients.ts";
import { HANDLER_ENV, SWEEP_NAMES } from "../../lib/aws/deployment.ts";
import { S3ObjectStore } from "../../lib/aws/s3ObjectStore.ts";
import { createQueueWithDlq, SqsQueue } from "../../lib/aws/sqsQueue.ts";
import type { RunStatus } from "../../lib/pipeline/runStatus.ts";
import type { QueueMessage } from "../../lib/ports/queue.ts";
import { RESULT_TABLES } from "../../lib/results/tables.ts";
import {
  activeRunKey,
  inputKey,
  manifestKey,
  SYNTH_VENUE_FOLDER,
  statusKey,
  summaryLockKey,
  taskMarkerKey,
} from "../../lib/store/keys.ts";
import { startMoto } from "../helpers/moto.ts";
import { tempDir } from "../helpers/tmp.ts";
import { writeInputs } from "../pipeline/fixture.ts";

const s3moto = await startMoto({ serial: true });
const sqsmoto = await startMoto();
const RESULTS = "fn-results";
const INPUT = "fn-input";
const DAYS = ["2024-03-04", "2024-03-05"];

const context = {
  awsRequestId: "req-1",
  functionName: "test",
  functionVersion: "$LATEST",
  invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:test",
  memoryLimitInMB: "1024",
  logGroupName: "/aws/lambda/test",
  logStreamName: "s",
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 60_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} as unknown as Context;

type Handler = (event: unknown, context: Context) => Promise<unknown>;
let planner: Handler;
let worker: Handler;
let summary: Handler;
let store: S3ObjectStore;
let tasks: SqsQueue;
let completions: SqsQueue;

const spec = (runId?: string) => ({
  ...(runId ? { run_id: runId } : {}),
  symbols: ["SYNA"],
  dates: ["2024-03-05"],
  input: { bucket: INPUT, key_template: "mbp10/SYNTH/{symbol}/{date}.parquet" },
  calibration: { lookback_days: 1 },
  backtest: {
    seed: 5,
    orders: [{ side: "buy", shares: 1500, start_times: ["10:30"], horizon_min: 15 }],
    strategies: [{ strategy: "twap", exec: "market" }],
  },
});

const sqsEvent = (messages: { id: string; body: string }[]): SQSEvent => ({
  Records: messages.map((m) => ({
    messageId: m.id,
    receiptHandle: `h-${m.id}`,
    body: m.body,
    attributes: {
      ApproximateReceiveCount: "1",
      SentTimestamp: "0",
      SenderId: "x",
      ApproximateFirstReceiveTimestamp: "0",
    },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:q",
    awsRegion: "us-east-1",
  })),
});

/** Everything in a queue now (received and deleted: the event source's part). */
async function take(q: SqsQueue): Promise<QueueMessage[]> {
  const out: QueueMessage[] = [];
  for (;;) {
    const batch = await q.receive({ maxMessages: 10, waitS: 1 });
    if (batch.length === 0) return out;
    for (const m of batch) await q.delete(m.receiptHandle);
    out.push(...batch);
  }
}

const status = async (runId: string) =>
  JSON.parse(Buffer.from(await store.get(statusKey(runId))).toString()) as RunStatus;

describe.skipIf(!s3moto.available || !sqsmoto.available)("Lambda handlers against moto_server", () => {
  beforeAll(async () => {
    const dir = tempDir();
    await writeInputs(dir, ["SYNA"], DAYS);
    const s3 = createS3Client(s3moto.config);
    for (const b of [RESULTS, INPUT]) await s3.send(new CreateBucketCommand({ Bucket: b }));
    const input = new S3ObjectStore({ client: s3, bucket: INPUT });
    for (const d of DAYS) {
      const key = inputKey(SYNTH_VENUE_FOLDER, "SYNA", d);
      await input.put(key, readFileSync(join(dir, key)));
    }
    store = new S3ObjectStore({ client: s3, bucket: RESULTS });
    const sqs = createSqsClient({ ...sqsmoto.config });
    const t = await createQueueWithDlq(sqs, "fn-tasks", { visibilityTimeoutS: 60 });
    const c = await createQueueWithDlq(sqs, "fn-completions");
    tasks = new SqsQueue(sqs, t.queueUrl);
    completions = new SqsQueue(sqs, c.queueUrl);
    // the stack's environment (one table: lib/aws/deployment.ts)
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_S3: s3moto.endpoint,
      AWS_ENDPOINT_URL_SQS: sqsmoto.endpoint,
      [SWEEP_NAMES.resultsBucket.env]: RESULTS,
      [SWEEP_NAMES.inputBucket.env]: INPUT,
      [SWEEP_NAMES.taskQueueUrl.env]: t.queueUrl,
      [SWEEP_NAMES.taskDlqUrl.env]: t.dlqUrl,
      [SWEEP_NAMES.completionQueueUrl.env]: c.queueUrl,
      [HANDLER_ENV.dailySpecKey]: "specs/daily.json",
      POWERTOOLS_DEV: "false",
      POWERTOOLS_LOG_LEVEL: "ERROR",
    });
    planner = (await import("../../functions/planner.ts")).handler as unknown as Handler;
    worker = (await import("../../functions/worker.ts")).handler as unknown as Handler;
    summary = (await import("../../functions/summary.ts")).handler as unknown as Handler;
  }, 240_000);

  it("a run from the planner (spec_key) to finished: worker partial batch response, summary completions and tick", async () => {
    await store.put("specs/fn.json", JSON.stringify(spec("fn-run")));
    const plan = await planner({ spec_key: "specs/fn.json" }, context);
    expect(plan).toMatchObject({ runId: "fn-run", state: "planned", wave: 1, enqueued: 2 });
    expect(await store.exists(manifestKey("fn-run"))).toBe(true);
    expect(await store.exists(activeRunKey("fn-run"))).toBe(true);

    // wave 1, plus a message whose run's manifest is unreadable: only that record is reported as failed
    await store.put(manifestKey("broken"), "{not json");
    const wave1 = await take(tasks);
    expect(wave1).toHaveLength(2);
    const broken = {
      id: "broken",
      body: JSON.stringify({
        run_id: "broken",
        task_id: "backtest-20240305-SYNA",
        wave: 2,
        symbol: "SYNA",
        date: "2024-03-05",
      }),
    };
    const r1 = await worker(sqsEvent([...wave1.map((m) => ({ id: m.id, body: m.body })), broken]), context);
    expect(r1).toEqual({ batchItemFailures: [{ itemIdentifier: "broken" }] });
    expect(await store.exists(taskMarkerKey("broken", "backtest-20240305-SYNA"))).toBe(false);

    // summary: the two completions account wave 1 and start wave 2
    const c1 = await take(completions);
    expect(c1).toHaveLength(2);
    expect(await summary(sqsEvent(c1.map((m) => ({ id: m.id, body: m.body }))), context)).toEqual({
      batchItemFailures: [],
    });
    expect(await status("fn-run")).toMatchObject({ wave2_started: true, counts: { ok: 2 } });

    const wave2 = await take(tasks);
    expect(wave2.map((m) => JSON.parse(m.body).task_id)).toEqual(["backtest-20240305-SYNA"]);
    expect(await worker(sqsEvent(wave2.map((m) => ({ id: m.id, body: m.body }))), context)).toEqual({
      batchItemFailures: [],
    });

    // the last backtest's completion starts wave 3: a compaction task per result table of the one day
    const c2 = await take(completions);
    await summary(sqsEvent(c2.map((m) => ({ id: m.id, body: m.body }))), context);
    expect(await status("fn-run")).toMatchObject({
      finished: false,
      counts: { ok: 3 },
      compaction: { planned: 5 },
    });
    const wave3 = await take(tasks);
    expect(wave3.map((m) => JSON.parse(m.body).task_id)).toEqual(
      RESULT_TABLES.map((t) => `compact-20240305-${t.name}-00000`),
    );
    expect(await worker(sqsEvent(wave3.map((m) => ({ id: m.id, body: m.body }))), context)).toEqual({
      batchItemFailures: [],
    });
    // the last completions arrive while another holder's lease has the summary lock: nothing finishes
    await store.put(
      summaryLockKey("fn-run"),
      JSON.stringify({ owner: "other", acquired_ms: Date.now(), lease_until_ms: Date.now() + 600_000 }),
    );
    const c3 = await take(completions);
    expect(c3).toHaveLength(5);
    await summary(sqsEvent(c3.map((m) => ({ id: m.id, body: m.body }))), context);
    expect(await status("fn-run")).toMatchObject({
      finished: false,
      compaction: { counts: { ok: 5 }, files: 5 },
    });
    // the holder died; once its lease has run out, the scheduled tick (no run named) finishes the run
    await store.put(
      summaryLockKey("fn-run"),
      JSON.stringify({ owner: "other", acquired_ms: 0, lease_until_ms: 1 }),
    );
    await summary({ msor: "tick" }, context);
    const done = await status("fn-run");
    expect(done.finished).toBe(true);
    expect(done.outputs?.compacted).toBe(5);
    expect(await store.exists(activeRunKey("fn-run"))).toBe(false);
  }, 240_000);

  it("the planner's daily branch: the schedule's event plans the trading day before its New York date", async () => {
    await store.put("specs/daily.json", JSON.stringify(spec()));
    const plan = await planner(
      { source: "schedule", spec_key: "specs/daily.json", scheduled_time: "2024-03-06T11:00:00Z" },
      context,
    );
    expect(plan).toMatchObject({ runId: "daily-2024-03-05", state: "planned" });
    // a Saturday: a reported no-op, nothing planned
    const skipped = await planner({ daily: true, today: "2024-03-09" }, context);
    expect(skipped).toEqual({ skipped: expect.stringMatching(/2024-03-09 is not an NYSE trading day/) });
    await take(tasks);
  }, 120_000);
});
