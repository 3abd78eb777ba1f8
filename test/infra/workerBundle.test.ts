/**
 * The shipped artifact works (issue 11): the worker bundle built exactly as the stack builds it (ESBUILD,
 * ENTRIES.worker, the .wasm and the bundled decode thread beside it) is loaded by a plain Node process with no
 * node_modules above it, and runs one task from an SQS-shaped event against moto_server (S3 + SQS). Its staged
 * result files equal the local backend's for the same spec, its marker is written and its completion is sent.
 * The input day has several row groups, so on a machine with 2+ cores the task decodes in the bundled decode
 * thread (a broken one fails the task).
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { build } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import {
  DECODE_WORKER_FILE,
  decodeWorkerBuildArgs,
  ENTRIES,
  ESBUILD,
  ESBUILD_BIN,
  PROJECT_ROOT,
  WASM_FILE,
  WASM_SOURCE,
} from "../../infra/constructs/functions.ts";
import { createS3Client, createSqsClient } from "../../lib/aws/clients.ts";
import { S3ObjectStore } from "../../lib/aws/s3ObjectStore.ts";
import { createQueueWithDlq, SqsQueue } from "../../lib/aws/sqsQueue.ts";
import { Mbp10File } from "../../lib/mbp10/reader.ts";
import { runLocalSweep } from "../../lib/pipeline/local/localSweep.ts";
import { inlineExecutor } from "../../lib/pipeline/local/pool.ts";
import { taskMessage } from "../../lib/pipeline/messages.ts";
import { planSweep } from "../../lib/pipeline/planner.ts";
import { fileSource } from "../../lib/ports/fileSource.ts";
import { RESULT_TABLES } from "../../lib/results/tables.ts";
import { sweepTask } from "../../lib/specs/taskId.ts";
import { inputKey, SYNTH_VENUE_FOLDER, stagingResultKey, taskMarkerKey } from "../../lib/store/keys.ts";
import { writeSyntheticDay } from "../../lib/synth/index.ts";
import { startMoto } from "../helpers/moto.ts";
import { tempDir } from "../helpers/tmp.ts";
import { sweepSpec } from "../pipeline/fixture.ts";

const moto = await startMoto();
const dir = tempDir("msor-worker-bundle-");
const bundleDir = tempDir("msor-worker-lambda-");
const input = join(dir, "in");
const SYMBOL = "SYNA";
const DATE = "2024-03-04";
const RUN = "t-bundle";
const RESULTS = "bundle-results";
const INPUT = "bundle-input";

const spec = (inputPlace: { root: string } | { bucket: string }) => {
  const s = sweepSpec(input, { symbols: [SYMBOL], dates: [DATE], run_id: RUN });
  return { ...s, input: { key_template: s.input.key_template, venues: [], ...inputPlace } };
};

const RUNNER = `
const [bundle, eventJson] = process.argv.slice(2);
const { handler } = await import(bundle);
const context = { functionName: "worker", functionVersion: "1", invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:worker",
  memoryLimitInMB: "2048", awsRequestId: "req-1", logGroupName: "g", logStreamName: "s", callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 600000 };
const r = await handler(JSON.parse(eventJson), context);
process.stdout.write("RESULT " + JSON.stringify(r) + "\\n");
`;

describe.skipIf(!moto.available)("worker bundle on moto_server", () => {
  beforeAll(async () => {
    await build({
      entryPoints: [join(PROJECT_ROOT, ENTRIES.worker)],
      bundle: true,
      outfile: join(bundleDir, "index.mjs"),
      format: ESBUILD.format,
      platform: ESBUILD.platform,
      target: ESBUILD.target,
      mainFields: [...ESBUILD.mainFields],
      banner: { js: ESBUILD.banner },
      logLevel: "silent",
    });
    copyFileSync(join(PROJECT_ROOT, WASM_SOURCE), join(bundleDir, WASM_FILE));
    const dw = spawnSync(ESBUILD_BIN, decodeWorkerBuildArgs(join(bundleDir, DECODE_WORKER_FILE)), {
      encoding: "utf8",
    });
    if (dw.status !== 0) throw new Error(`bundling the decode thread failed: ${dw.stderr}`);
    writeFileSync(join(bundleDir, "run.mjs"), RUNNER);
    // several row groups (the synthetic writer's are 65,536 rows): the decode thread has work
    await writeSyntheticDay(join(input, ...inputKey(SYNTH_VENUE_FOLDER, SYMBOL, DATE).split("/")), {
      symbol: SYMBOL,
      date: DATE,
      venues: 2,
      eventsPerVenue: 70_000,
      seed: 11,
    });
  }, 120_000);

  it("ships the decode thread beside the handler, on an input of several row groups", async () => {
    expect(existsSync(join(bundleDir, DECODE_WORKER_FILE))).toBe(true);
    const f = await Mbp10File.open(
      await fileSource(join(input, ...inputKey(SYNTH_VENUE_FOLDER, SYMBOL, DATE).split("/"))),
    );
    expect(f.rowGroupRows.length).toBeGreaterThanOrEqual(2);
    await f.close();
  });

  it("runs one backtest task from an SQS event; result files equal the local backend's", async () => {
    // local reference: the same spec on the local backend
    const root = join(dir, "local");
    const local = await runLocalSweep({
      sweep: spec({ root: input }),
      root,
      executor: (completions) => inlineExecutor({ root, completions }),
    });
    expect(local.status.counts.ok).toBe(2);

    const s3 = createS3Client(moto.config);
    for (const b of [RESULTS, INPUT]) await s3.send(new CreateBucketCommand({ Bucket: b }));
    const key = inputKey(SYNTH_VENUE_FOLDER, SYMBOL, DATE);
    await new S3ObjectStore({ client: s3, bucket: INPUT }).put(key, readFileSync(join(input, key)));
    const store = new S3ObjectStore({ client: s3, bucket: RESULTS });
    const sqs = createSqsClient(moto.config);
    const tasks = await createQueueWithDlq(sqs, "bundle-tasks");
    const done = await createQueueWithDlq(sqs, "bundle-completions");
    await planSweep(
      {
        store,
        taskQueue: new SqsQueue(sqs, tasks.queueUrl),
        inputStore: () => new S3ObjectStore({ client: s3, bucket: INPUT }),
      },
      spec({ bucket: INPUT }),
    );
    const body = JSON.stringify(taskMessage(RUN, sweepTask("backtest", SYMBOL, DATE)));
    const event = {
      Records: [
        {
          messageId: "m-1",
          receiptHandle: "h-1",
          body,
          attributes: { ApproximateReceiveCount: "1" },
          messageAttributes: {},
          md5OfBody: "",
          eventSource: "aws:sqs",
          eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:bundle-tasks",
          awsRegion: "us-east-1",
        },
      ],
    };
    const r = spawnSync(
      process.execPath,
      [join(bundleDir, "run.mjs"), join(bundleDir, "index.mjs"), JSON.stringify(event)],
      {
        cwd: bundleDir,
        encoding: "utf8",
        env: {
          PATH: process.env.PATH,
          AWS_REGION: "us-east-1",
          AWS_ACCESS_KEY_ID: "testing",
          AWS_SECRET_ACCESS_KEY: "testing",
          AWS_ENDPOINT_URL: moto.endpoint,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
          MSOR_RESULTS_BUCKET: RESULTS,
          MSOR_INPUT_BUCKET: INPUT,
          MSOR_TASK_QUEUE_URL: tasks.queueUrl,
          MSOR_TASK_DLQ_URL: tasks.dlqUrl,
          MSOR_COMPLETION_QUEUE_URL: done.queueUrl,
          POWERTOOLS_METRICS_NAMESPACE: "msor",
        },
      },
    );
    const line = r.stdout.split("\n").find((l) => l.startsWith("RESULT "));
    expect(line, `${r.stderr}\n${r.stdout.slice(-2000)}`).toBeDefined();
    expect(JSON.parse(line!.slice(7))).toEqual({ batchItemFailures: [] });
    for (const t of RESULT_TABLES) {
      const k = stagingResultKey(t, RUN, DATE, SYMBOL);
      const aws = Buffer.from(await store.get(k));
      expect(aws.equals(readFileSync(join(root, k))), k).toBe(true);
    }
    expect(await store.exists(taskMarkerKey(RUN, "backtest-20240304-SYNA"))).toBe(true);
    const [completion] = await new SqsQueue(sqs, done.queueUrl).receive({ maxMessages: 1, waitS: 1 });
    expect(JSON.parse(completion!.body)).toMatchObject({ type: "completion", run_id: RUN, outcome: "ok" });
    // the task runs the first day (no earlier calibration): its aggregates are keyed apart from calibrated days
    expect(Object.keys(JSON.parse(completion!.body).aggregates)).toContain(
      "twap/market (default parameters)",
    );
  }, 240_000);
});
