/**
 * Planning at scale (issue 23.4): planSweep of a sweep of `symbols` x `days` whose input exists (empty files in
 * the default layout) and whose calibration records do not, so wave 1 is every (symbol, day) with its lookback
 * and the planner lists, writes the manifest and sends the whole wave. Local store and in-process queue: this
 * measures the planner's own work (CPU, JSON, the task list); the calls it makes are counted so that a model
 * (msor estimate) can add S3 / SQS latency per call. Run alone: `node --import tsx bench/plan.ts [--json]`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tradingDaysBefore } from "../lib/core/calendar.ts";
import { planSweep } from "../lib/pipeline/planner.ts";
import { LocalObjectStore } from "../lib/ports/localObjectStore.ts";
import { LocalQueue } from "../lib/ports/localQueue.ts";
import type { ObjectStore } from "../lib/ports/objectStore.ts";
import type { Queue } from "../lib/ports/queue.ts";
import { resolveSweepSpec } from "../lib/specs/sweepSpec.ts";
import { inputKey, SYNTH_VENUE_FOLDER } from "../lib/store/keys.ts";

export interface PlanBench {
  readonly symbols: number;
  readonly days: number;
  /** calibrate + backtest tasks planned */
  readonly tasks: number;
  readonly ms: number;
  readonly ms_per_1k_tasks: number;
  /** store LIST calls (calibration records + input), and per 1,000 tasks */
  readonly lists: number;
  readonly sends: number;
}

/** A store that counts list calls. */
function counting(store: ObjectStore, n: { lists: number }): ObjectStore {
  return Object.assign(Object.create(store) as ObjectStore, {
    list: (p: string) => {
      n.lists++;
      return store.list(p);
    },
  });
}

export async function runPlanBench(symbols = 100, days = 50): Promise<PlanBench> {
  const dir = await mkdtemp(join(tmpdir(), "msor-plan-bench-"));
  try {
    const syms = Array.from({ length: symbols }, (_, i) => `S${String(i).padStart(4, "0")}`);
    const end = "2024-06-28";
    const dates = [...tradingDaysBefore(end, days - 1), end];
    const lookback = tradingDaysBefore(dates[0]!, 1);
    for (const s of syms)
      for (const d of [...lookback, ...dates]) {
        const p = join(dir, "in", ...inputKey(SYNTH_VENUE_FOLDER, s, d).split("/"));
        mkdirSync(join(p, ".."), { recursive: true });
        writeFileSync(p, "");
      }
    const sweep = resolveSweepSpec({
      run_id: "plan-bench",
      symbols: syms,
      dates,
      input: { root: join(dir, "in"), key_template: "mbp10/SYNTH/{symbol}/{date}.parquet" },
      calibration: { lookback_days: 1 },
    });
    const n = { lists: 0 };
    let sends = 0;
    const queue = new LocalQueue("plan-bench", { visibilityTimeoutS: 60 });
    const taskQueue: Queue = Object.assign(Object.create(queue) as Queue, {
      sendBatch: (b: readonly string[]) => {
        sends++;
        return queue.sendBatch(b);
      },
    });
    const store = counting(new LocalObjectStore(join(dir, "out")), n);
    const input = counting(new LocalObjectStore(join(dir, "in")), n);
    const t0 = performance.now();
    const plan = await planSweep({ store, taskQueue, inputStore: () => input, now: () => 1 }, sweep);
    const ms = performance.now() - t0;
    const tasks = plan.planned.calibrate + plan.planned.backtest;
    return {
      symbols,
      days,
      tasks,
      ms: Math.round(ms),
      ms_per_1k_tasks: Math.round((ms / tasks) * 1000 * 10) / 10,
      lists: n.lists,
      sends,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await runPlanBench();
  process.stdout.write(`${JSON.stringify(r, null, process.argv.includes("--json") ? 0 : 2)}\n`);
}
