/**
 * The whole pipeline through the AWS adapters (S3ObjectStore, SqsQueue) against moto_server: the same
 * planner, worker and fan-in as the local backend, driven by the same event-source loop. Result files are
 * byte-identical to the local backend's for the same spec, with a throttled S3 call, a worker that dies and
 * a duplicate delivery on the way; a poison message ends in the SQS DLQ (redrive policy) and is reported.
 * Two moto instances: S3 serial (atomic conditional writes), SQS threaded (long polls do not block S3).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CreateBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { createS3Client, createSqsClient } from "../../lib/aws/clients.ts";
import { S3ObjectStore } from "../../lib/aws/s3ObjectStore.ts";
import { createQueueWithDlq, SqsQueue } from "../../lib/aws/sqsQueue.ts";
import { RetryableError } from "../../lib/core/errors.ts";
import { createFanIn } from "../../lib/pipeline/fanIn.ts";
import { driveSweep, runLocalSweep } from "../../lib/pipeline/local/localSweep.ts";
import { inlineExecutor, type TaskRequest, WorkerDied } from "../../lib/pipeline/local/pool.ts";
import { completionBody } from "../../lib/pipeline/messages.ts";
import { planSweep } from "../../lib/pipeline/planner.ts";
import type { WorkerResult } from "../../lib/pipeline/worker.ts";
import { LocalQueue } from "../../lib/ports/localQueue.ts";
import type { ObjectStore } from "../../lib/ports/objectStore.ts";
import { inputKey, SYNTH_VENUE_FOLDER } from "../../lib/store/keys.ts";
import { startMoto } from "../helpers/moto.ts";
import { tempDir } from "../helpers/tmp.ts";
import { DAYS, filesUnder, SYMBOLS, sweepSpec, writeInputs } from "./fixture.ts";

const s3moto = await startMoto({ serial: true });
const sqsmoto = await startMoto();
const dir = tempDir();
const input = join(dir, "in");
const RESULTS = "msor-results";
const INPUT = "msor-input";

type Wrap = (h: (body: string) => Promise<WorkerResult>, req: TaskRequest) => Promise<WorkerResult>;

let s3: S3Client;
let local: Map<string, Buffer>;

async function s3Files(store: ObjectStore, prefix: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const k of await store.list(prefix)) out.set(k.slice(prefix.length), Buffer.from(await store.get(k)));
  return out;
}

async function awsSweep(
  name: string,
  opts: { wrap?: Wrap; client?: S3Client; symbols?: string[]; days?: string[] },
) {
  const cfg = { ...s3moto.config, s3Endpoint: s3moto.endpoint, sqsEndpoint: sqsmoto.endpoint };
  const sqs = createSqsClient(cfg);
  const client = opts.client ?? s3;
  const store = new S3ObjectStore({ client, bucket: RESULTS, prefix: `${name}/` });
  const inputStore = new S3ObjectStore({ client, bucket: INPUT });
  const t = await createQueueWithDlq(sqs, `${name}-tasks`, { maxReceiveCount: 3, visibilityTimeoutS: 60 });
  const c = await createQueueWithDlq(sqs, `${name}-completions`);
  const completions = new SqsQueue(sqs, c.queueUrl);
  const base = sweepSpec("unused");
  const spec = {
    ...base,
    input: { key_template: base.input.key_template, venues: [], bucket: INPUT },
    ...(opts.symbols ? { symbols: opts.symbols } : {}),
  };
  const sweep = opts.days || opts.symbols ? resolveSmall(opts.symbols ?? SYMBOLS, opts.days ?? DAYS) : spec;
  const r = await driveSweep({
    sweep,
    store,
    inputStore: () => inputStore,
    tasks: new SqsQueue(sqs, t.queueUrl),
    dlq: new SqsQueue(sqs, t.dlqUrl),
    completions,
    retryDelayS: 0,
    executor: inlineExecutor({
      root: "unused",
      completions,
      store,
      inputStore: () => inputStore,
      slots: 2,
      ...(opts.wrap ? { wrap: opts.wrap } : {}),
    }),
  });
  return { r, store };
}

function resolveSmall(symbols: string[], days: string[]) {
  const s = sweepSpec("unused", { symbols, dates: days, run_id: "t-poison" });
  return { ...s, input: { key_template: s.input.key_template, venues: [], bucket: INPUT } };
}

describe.skipIf(!s3moto.available || !sqsmoto.available)("sweep on the AWS adapters (moto_server)", () => {
  beforeAll(async () => {
    await writeInputs(input);
    s3 = createS3Client(s3moto.config);
    for (const b of [RESULTS, INPUT]) await s3.send(new CreateBucketCommand({ Bucket: b }));
    const inStore = new S3ObjectStore({ client: s3, bucket: INPUT });
    for (const sym of SYMBOLS)
      for (const d of DAYS) {
        const key = inputKey(SYNTH_VENUE_FOLDER, sym, d);
        await inStore.put(key, readFileSync(join(input, key)));
      }
    const root = join(dir, "local");
    await runLocalSweep({
      sweep: sweepSpec(input),
      root,
      executor: (completions) => inlineExecutor({ root, completions, slots: 2 }),
    });
    local = filesUnder(join(root, "results"));
  }, 240_000);

  it("2 symbols x 3 days with a throttled S3 call, a dying worker and a duplicate: files identical to local", async () => {
    const client = createS3Client(s3moto.config);
    let injected = 0;
    let attempts = 0;
    client.middlewareStack.add(
      (next, ctx) => async (args) => {
        const key = String((args.input as { Key?: string }).Key ?? "");
        if (ctx.commandName === "PutObjectCommand" && key.includes("staging/fills/")) {
          attempts++;
          if (injected === 0) {
            injected++;
            throw Object.assign(new Error("Please reduce your request rate."), {
              name: "SlowDown",
              $fault: "server",
              $metadata: { httpStatusCode: 503 },
            });
          }
        }
        return next(args);
      },
      { step: "deserialize", name: "injectSlowDownOnce" },
    );
    let died = false;
    const { r, store } = await awsSweep("full", {
      client,
      wrap: async (h, req) => {
        if (req.taskId === "backtest-20240305-SYNB" && !died) {
          died = true;
          throw new WorkerDied("killed");
        }
        if (req.taskId === "backtest-20240306-SYNA") {
          await h(req.body);
        }
        return h(req.body);
      },
    });
    expect(injected).toBe(1);
    expect(attempts).toBeGreaterThan(6); // 6 staged fills files, one of them sent twice
    expect(r.retries).toBe(1);
    expect(r.status.finished).toBe(true);
    expect(r.status.counts).toMatchObject({ ok: 12, failed: 0, dead_lettered: 0 });
    const aws = await s3Files(store, "results/");
    expect([...aws.keys()]).toEqual([...local.keys()]);
    for (const [k, v] of local) expect(aws.get(k)!.equals(v), k).toBe(true);
  }, 240_000);

  it("two summary invocations racing on status.json in S3 count each task once", async () => {
    const store = new S3ObjectStore({ client: s3, bucket: RESULTS, prefix: "race/" });
    const tasks = new LocalQueue("race-tasks");
    const sweep = resolveSmall(SYMBOLS, ["2024-03-05", "2024-03-06"]);
    const plan = await planSweep(
      { store, taskQueue: tasks, inputStore: () => new S3ObjectStore({ client: s3, bucket: INPUT }) },
      { ...sweep, run_id: "race" },
    );
    expect(plan.planned.calibrate).toBe(6);
    const ids = (await tasks.receive({ maxMessages: 10 })).map((m) => JSON.parse(m.body).task_id as string);
    const bodies = ids.map((task_id) => completionBody({ run_id: "race", task_id, outcome: "ok" }));
    const a = createFanIn({ store, taskQueue: tasks, now: () => 0 });
    const b = createFanIn({ store, taskQueue: tasks, now: () => 0 });
    const r = await Promise.all([a(bodies.slice(0, 4)), b(bodies.slice(2)), a(bodies.slice(1)), b(bodies)]);
    expect(r.reduce((n, x) => n + x.accounted, 0)).toBe(6);
    const status = JSON.parse(Buffer.from(await store.get("runs/race/status.json")).toString());
    expect(status.counts).toMatchObject({ ok: 6, calibrate_accounted: 6 });
    expect(Object.keys(status.tasks).sort()).toEqual([...ids].sort());
  }, 120_000);

  it("a poison message goes to the SQS DLQ after 3 receives and is reported dead_lettered", async () => {
    let receives = 0;
    const { r } = await awsSweep("poison", {
      symbols: ["SYNA"],
      days: ["2024-03-05"],
      wrap: async (h, req) => {
        if (req.taskId === "backtest-20240305-SYNA") {
          receives++;
          throw new RetryableError("injected: always times out");
        }
        return h(req.body);
      },
    });
    expect(receives).toBe(3);
    expect(r.status.tasks["backtest-20240305-SYNA"]?.outcome).toBe("dead_lettered");
    expect(r.status.counts).toMatchObject({ ok: 2, dead_lettered: 1 }); // wave 1: 2024-03-04 (lookback) and 03-05
    expect(r.status.finished).toBe(true);
  }, 240_000);
});
