/**
 * Issue 23's store-specific reproductions on S3 (moto_server): an object whose name no key can take under a
 * run's results/ and staging/ prefixes no longer makes every finish throw; it is left out with a warning, as
 * on the local store (test/pipeline/scale.test.ts). The run has no input, so its backtest tasks fail fast.
 */
import { join } from "node:path";
import { CreateBucketCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { createS3Client } from "../../lib/aws/clients.ts";
import { S3ObjectStore } from "../../lib/aws/s3ObjectStore.ts";
import { createFanIn } from "../../lib/pipeline/fanIn.ts";
import { completionBody } from "../../lib/pipeline/messages.ts";
import { planSweep } from "../../lib/pipeline/planner.ts";
import { LocalQueue } from "../../lib/ports/localQueue.ts";
import { listResultFiles } from "../../lib/report/load.ts";
import { resolveSweepSpec } from "../../lib/specs/sweepSpec.ts";
import { activeRunKey, statusKey } from "../../lib/store/keys.ts";
import { runCompaction } from "../helpers/compaction.ts";
import { startMoto } from "../helpers/moto.ts";
import { tempDir } from "../helpers/tmp.ts";

const moto = await startMoto({ serial: true });
const BUCKET = "msor-scale";
let s3: S3Client;

describe.skipIf(!moto.available)("issue 23 on S3 (moto_server)", () => {
  beforeAll(async () => {
    s3 = createS3Client(moto.config);
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  });

  it("a '+' object under results/ and staging/ of a run: the finish leaves it out with a warning", async () => {
    const skipped: string[] = [];
    const store = new S3ObjectStore({
      client: s3,
      bucket: BUCKET,
      prefix: "plus/",
      onSkippedKey: (where, why) => skipped.push(`${where}: ${why}`),
    });
    for (const k of [
      "plus/results/executions/run_id=plus/date=2024-03-05/SY+NA.parquet",
      "plus/staging/executions/run_id=plus/date=2024-03-05/SY+NA.parquet",
    ])
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: k, Body: "not parquet" }));
    const sweep = resolveSweepSpec({
      run_id: "plus",
      symbols: ["SYNA"],
      dates: ["2024-03-05"],
      input: { root: join(tempDir(), "none"), key_template: "mbp10/SYNTH/{symbol}/{date}.parquet" },
      calibration: { lookback_days: 1 },
      backtest: {
        seed: 5,
        orders: [{ side: "buy", shares: 100, start_times: ["10:30"], horizon_min: 15 }],
        strategies: [{ strategy: "twap", exec: "market" }],
      },
    });
    const tasks = new LocalQueue("t", { visibilityTimeoutS: 60 });
    await planSweep({ store, taskQueue: tasks, inputStore: () => store, now: () => 1 }, sweep);
    expect(await store.exists(activeRunKey("plus"))).toBe(true);
    const bodies = (await tasks.receive({ maxMessages: 10 })).map((m) => {
      const t = JSON.parse(m.body) as { task_id: string };
      return completionBody({ run_id: "plus", task_id: t.task_id, outcome: "failed", reason: "no input" });
    });
    const fanIn = createFanIn({ store, taskQueue: tasks, now: () => 1 });
    await fanIn(bodies); // (wave 3 sent; its compaction tasks run by the worker's handler)
    const r = await fanIn(await runCompaction(store, tasks));
    expect(r.finished).toEqual(["plus"]);
    const status = JSON.parse(Buffer.from(await store.get(statusKey("plus"))).toString());
    expect(status.finished).toBe(true);
    expect(await store.exists(activeRunKey("plus"))).toBe(false);
    // compaction builds its keys from the part's ok symbols and lists nothing under staging/: the '+' key there is
    // never met (before: it made every finish attempt throw)
    expect(skipped.some((k) => k.includes("/staging/"))).toBe(false);
    // the summary no longer reads results/ (it comes from the merged aggregates); the report's loader does
    expect(skipped.some((k) => k.includes("/results/"))).toBe(false);
    expect(await listResultFiles(store, "executions", "plus")).toEqual([]);
    expect(skipped).toContain(
      `s3://${BUCKET}/plus/results/executions/run_id=plus/date=2024-03-05/SY+NA.parquet: segment 5 it contains '+'`,
    );
  });

  it("by default a skipped key is a process warning (code MSOR_SKIPPED_KEY)", async () => {
    const store = new S3ObjectStore({ client: s3, bucket: BUCKET, prefix: "warn/" });
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "warn/a/b c.json", Body: "x" }));
    await store.put("a/ok.json", "{}");
    const warnings: Error[] = [];
    const on = (w: Error) => warnings.push(w);
    process.on("warning", on);
    try {
      expect(await store.list("a/")).toEqual(["a/ok.json"]);
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off("warning", on);
    }
    expect(warnings.map((w) => [(w as NodeJS.ErrnoException).code, w.message])).toEqual([
      [
        "MSOR_SKIPPED_KEY",
        `s3://${BUCKET}/warn/a/b c.json was left out of a listing: its name cannot be a key (segment 2 it contains a space); rename or remove it`,
      ],
    ]);
  });
});
