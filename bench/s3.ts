/**
 * The S3 byte source against moto_server: one backtest task (DEFAULT_SPEC) reading its input through
 * lib/aws (S3ObjectStore.byteSource -> s3ByteSource: one suffix GET for the footer, then coalesced prefetched
 * ranged GETs of the projected column chunks), against the same task reading the same file locally.
 * Requests and bytes are counted by a middleware on the S3 client (GetObject responses only); a calibrate task
 * (wave 1) on the same object is counted too.
 */

import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { createS3Client } from "../lib/aws/clients.ts";
import { S3ObjectStore } from "../lib/aws/s3ObjectStore.ts";
import { NO_PRIOR } from "../lib/calibration/params.ts";
import type { ByteSource } from "../lib/ports/byteSource.ts";
import { fileSource } from "../lib/ports/fileSource.ts";
import { LocalObjectStore } from "../lib/ports/localObjectStore.ts";
import { DEFAULT_SPEC } from "../lib/specs/taskSpec.ts";
import { writeCalibration } from "../lib/store/calibration.ts";
import { calibrateDay } from "../lib/task/calibrateDay.ts";
import { runTask } from "../lib/task/runTask.ts";
import type { BenchDay } from "./inputs.ts";
import { BENCH_DATE, BENCH_SYMBOL } from "./inputs.ts";
import { startMoto } from "./moto.ts";
import { median } from "./stats.ts";

export interface S3Figures {
  readonly requests_per_task: number;
  /** GETs of a calibrate task (wave 1: level 0 and trades only) on the same file */
  readonly calibrate_requests_per_task: number;
  readonly calibrate_bytes_per_task: number;
  readonly bytes_per_task: number;
  readonly bytes_over_file: number;
  readonly ms_median: number;
  readonly local_ms_median: number;
  readonly s3_over_local: number;
  readonly file_rows: number;
  readonly file_bytes: number;
}

export async function runS3(day: BenchDay, reps: number): Promise<S3Figures | { reason: string }> {
  const moto = await startMoto();
  if ("reason" in moto) return moto;
  const dir = await mkdtemp(join(tmpdir(), "msor-bench-s3-"));
  try {
    const client = createS3Client({
      region: "us-east-1",
      endpoint: moto.endpoint,
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    });
    const counts = { requests: 0, bytes: 0 };
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const r = await next(args);
        if (context.commandName === "GetObjectCommand") {
          counts.requests++;
          counts.bytes += Number((r.output as { ContentLength?: number }).ContentLength ?? 0);
        }
        return r;
      },
      { step: "initialize", name: "benchCounter" },
    );
    await client.send(new CreateBucketCommand({ Bucket: "bench" }));
    const store = new S3ObjectStore({ client, bucket: "bench" });
    const key = `input/${BENCH_SYMBOL}.parquet`;
    await store.put(key, await readFile(day.path));
    let n = 0;
    const task = async (src: ByteSource) => {
      const root = join(dir, String(n++));
      const t0 = performance.now();
      const r = await runTask({
        symbol: BENCH_SYMBOL,
        date: BENCH_DATE,
        sources: [src],
        spec: DEFAULT_SPEC,
        prior: NO_PRIOR,
      });
      if (r.calibration) await writeCalibration(new LocalObjectStore(root), r.calibration);
      const ms = performance.now() - t0;
      await rm(root, { recursive: true, force: true });
      return ms;
    };
    const s3ms: number[] = [];
    const localMs: number[] = [];
    const perTask: { requests: number; bytes: number }[] = [];
    for (let r = 0; r <= reps; r++) {
      counts.requests = 0;
      counts.bytes = 0;
      const ms = await task(await store.byteSource(key)); // opening the source is part of the task
      perTask.push({ ...counts });
      const lm = await task(await fileSource(day.path));
      if (r === 0) continue; // warm-up
      s3ms.push(ms);
      localMs.push(lm);
    }
    counts.requests = 0;
    counts.bytes = 0;
    await calibrateDay([await store.byteSource(key)], { symbol: BENCH_SYMBOL, date: BENCH_DATE });
    const calibrate = { ...counts };
    client.destroy();
    const med = (xs: number[]) => median([...xs].sort((a, b) => a - b));
    const last = perTask[perTask.length - 1]!;
    return {
      requests_per_task: last.requests,
      calibrate_requests_per_task: calibrate.requests,
      calibrate_bytes_per_task: calibrate.bytes,
      bytes_per_task: last.bytes,
      bytes_over_file: last.bytes / day.bytes,
      ms_median: med(s3ms),
      local_ms_median: med(localMs),
      s3_over_local: med(s3ms) / med(localMs),
      file_rows: day.rows,
      file_bytes: day.bytes,
    };
  } finally {
    await moto.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
