/**
 * The local sweep case: the same small sweep (SWEEP_SYMBOLS symbols x SWEEP_DAYS swept NYSE days after one
 * warm-up day, 2 venues, SWEEP_EVENTS events per venue-day; the demo's spec shape) run by runLocalSweep with a
 * threadExecutor of 1 and of 2 worker threads, each into a fresh results root. Inputs are generated once and
 * cached under bench/.cache/ keyed by the parameters. Wall time covers the whole run: planning, both waves,
 * the fan-in, the summary and the report (thread start-up included, as a user of `msor sweep` sees it).
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nextTradingDay } from "../lib/core/calendar.ts";
import { inputKey, SYNTH_VENUE_FOLDER } from "../lib/store/keys.ts";
import { runLocalSweep } from "../lib/sweep/local/localSweep.ts";
import { threadExecutor } from "../lib/sweep/local/pool.ts";
import { loadSweepSpec } from "../lib/sweep/sweepSpec.ts";
import { GENERATOR_VERSION, writeSyntheticDay } from "../lib/synth/index.ts";
import { BENCH_DIR } from "./inputs.ts";

const SWEEP_SYMBOLS = ["SWPA", "SWPB"];
const SWEEP_FIRST_DAY = "2024-03-04";
/** swept days after the warm-up day: 2 symbols x 4 calibrate + 2 x 3 backtest tasks, even for 2 workers */
const SWEEP_DAYS = 3;
const SWEEP_EVENTS = 40_000;

export interface SweepCase {
  readonly workers: number;
  readonly ms: number;
  readonly tasks: number;
  readonly tasks_per_s: number;
  readonly ok: number;
}

export interface SweepInputs {
  readonly root: string;
  readonly specText: string;
  readonly label: string;
}

/** Generate (once) the sweep's input days under bench/.cache/ and return the spec text. */
export async function sweepInputs(): Promise<SweepInputs> {
  const days = [SWEEP_FIRST_DAY];
  while (days.length < SWEEP_DAYS + 1) days.push(nextTradingDay(days[days.length - 1]!));
  const root = join(BENCH_DIR, `sweep-v2-e${SWEEP_EVENTS}-${GENERATOR_VERSION}`);
  let generated = 0;
  for (const [i, symbol] of SWEEP_SYMBOLS.entries()) {
    for (const date of days) {
      const path = join(root, ...inputKey(SYNTH_VENUE_FOLDER, symbol, date).split("/"));
      if (existsSync(path)) continue;
      await mkdir(BENCH_DIR, { recursive: true });
      await writeSyntheticDay(path, { symbol, date, venues: 2, eventsPerVenue: SWEEP_EVENTS, seed: 7 + i });
      generated++;
    }
  }
  const label = `${SWEEP_SYMBOLS.length} symbols x ${SWEEP_DAYS} days (+1 warm-up), ${SWEEP_EVENTS} events/venue-day x 2 venues`;
  process.stderr.write(
    `bench: sweep inputs ${generated > 0 ? `generated (${generated} days)` : "reused"} in ${root}: ${label}\n`,
  );
  const specText = [
    "run_id: bench",
    `symbols: [${SWEEP_SYMBOLS.join(", ")}]`,
    `dates: { from: ${days[1]}, to: ${days[days.length - 1]} }`,
    `input: { root: ${JSON.stringify(root)}, key_template: "mbp10/SYNTH/{symbol}/{date}.parquet" }`,
    "calibration: { lookback_days: 5 }",
    "backtest:",
    "  seed: 1",
    "  orders:",
    '    - { side: buy, pct_adv: 1, start_times: ["10:00", "13:30"], horizon_min: 20 }',
    "",
  ].join("\n");
  return { root, specText, label };
}

/** One sweep with `workers` threads into a fresh results root (removed afterwards). */
export async function runSweepCase(inputs: SweepInputs, workers: number): Promise<SweepCase> {
  const sweep = loadSweepSpec(inputs.specText, "bench sweep spec");
  const root = await mkdtemp(join(tmpdir(), `msor-bench-sweep-${workers}w-`));
  try {
    const t0 = performance.now();
    const r = await runLocalSweep({
      sweep,
      root,
      executor: (completions) => threadExecutor({ root, completions, workers }),
    });
    const ms = performance.now() - t0;
    if (!r.status.finished)
      throw new Error(`bench sweep with ${workers} workers did not finish (status in ${root})`);
    const tasks = r.status.planned.calibrate + r.status.planned.backtest;
    if (r.status.counts.ok !== tasks)
      throw new Error(
        `bench sweep with ${workers} workers: ${r.status.counts.ok} of ${tasks} tasks ok (${JSON.stringify(r.status.counts)})`,
      );
    return { workers, ms, tasks, tasks_per_s: tasks / (ms / 1000), ok: r.status.counts.ok };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
