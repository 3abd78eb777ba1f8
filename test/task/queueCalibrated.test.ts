/**
 * sim.queue_model: calibrated (docs/models.md 6.7): an MBO day's calibration record keeps its queue check's
 * choice (the L2 model and power closest to the exact FIFO queue), and a later day's backtest uses the choice of
 * the latest PRIOR day (causal), or the default model with the reason when no prior day has one.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { newYorkClockToUtcNs } from "../../lib/core/session.ts";
import { readMboBatches } from "../../lib/mbo/reader.ts";
import { writeMboFile } from "../../lib/mbo/writer.ts";
import { runLocalBacktest } from "../../lib/pipeline/localBacktest.ts";
import { fileSource } from "../../lib/ports/fileSource.ts";
import { LocalObjectStore } from "../../lib/ports/localObjectStore.ts";
import { queueCheck } from "../../lib/sim/queueCheck.ts";
import { calibratedQueue, queueModelNamed } from "../../lib/sim/registry.ts";
import { parseTaskSpec } from "../../lib/specs/taskSpec.ts";
import { readCalibration } from "../../lib/store/calibration.ts";
import { writeSyntheticDay } from "../../lib/synth/index.ts";
import { generateMbo } from "../../lib/synth/mbo.ts";
import { DEFAULT_QUEUE_CHECK } from "../../lib/task/queueChoice.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();
const DAYS = ["2024-03-04", "2024-03-05", "2024-03-06"];
const files = DAYS.map((d) => join(dir, "in", `${d}.mbo.parquet`));

beforeAll(async () => {
  for (const [i, date] of DAYS.entries()) {
    await writeMboFile(
      files[i]!,
      generateMbo({
        seed: 30 + i,
        events: 20_000,
        cancelLaw: "front",
        symbol: "SYNQ",
        startNs: newYorkClockToUtcNs(date, "09:30"),
      }),
    );
  }
}, 120_000);

const spec = (queue: string) =>
  parseTaskSpec({
    orders: [{ side: "buy", shares: 20, start_times: ["09:40"], horizon_min: 10 }],
    strategies: [{ strategy: "twap", exec: "sor" }],
    sim: { queue_model: queue },
    calibration: { lookback_days: 2 },
    router: { samples: 50 },
  });

describe("sim.queue_model: calibrated", () => {
  it("records each MBO day's queue check choice and uses the latest prior day's", async () => {
    const out = join(dir, "bt");
    const bt = await runLocalBacktest({ paths: files, spec: spec("calibrated"), outDir: out, runId: "q" });
    const store = new LocalObjectStore(out);
    // each day's record keeps the choice of a queue check with the default settings on that day's file
    const choices: string[] = [];
    for (const [i, date] of DAYS.entries()) {
      const rec = await readCalibration(store, "SYNQ", date);
      const src = await fileSource(files[i]!);
      const check = await queueCheck(() => readMboBatches(src, "SYNQ"), DEFAULT_QUEUE_CHECK);
      await src.close?.();
      expect(rec.queue).toMatchObject({
        model: check.bestModel,
        orders: check.placed,
        tauS: 60,
      });
      expect(rec.queue!.power).toBe(check.bestPower);
      choices.push(rec.queue!.model);
    }
    // front-biased cancels: an L2 model is chosen, and it is not the default prob(2) (docs/models.md 6.7)
    for (const c of choices) expect(queueModelNamed(c)).toBeDefined();
    expect(choices).not.toContain("prob(2)");
    // day 1 is the warm-up; day 2 uses day 1's choice, day 3 day 2's (the latest prior day), never its own
    expect(bt.days.map((d) => d.warm_up)).toEqual([true, false, false]);
    expect(bt.days[1]).toMatchObject({
      queue_model: `calibrated: ${choices[0]}`,
      queue_reason: `queue check of ${DAYS[0]}: ${choices[0]} fit best`,
    });
    expect(bt.days[2]).toMatchObject({
      queue_model: `calibrated: ${choices[1]}`,
      queue_reason: `queue check of ${DAYS[1]}: ${choices[1]} fit best`,
    });
  }, 240_000);

  it("falls back to the default model, saying why, when no prior day has a queue check", async () => {
    const bt = await runLocalBacktest({
      paths: files.slice(0, 1),
      spec: spec("calibrated"),
      outDir: join(dir, "first"),
      runId: "q1",
      includeUncalibrated: true,
    });
    expect(bt.days[0]).toMatchObject({
      queue_model: "calibrated: prob(2)",
      queue_reason: "no prior day in the lookback has a queue check (MBO input); default prob2",
    });
    // the same fills as the default model itself
    const def = await runLocalBacktest({
      paths: files.slice(0, 1),
      spec: spec("prob2"),
      outDir: join(dir, "first-prob2"),
      runId: "q1",
      includeUncalibrated: true,
    });
    expect(bt.executions).toEqual(def.executions);
    expect(def.days[0]!.queue_model).toBeUndefined();
  }, 120_000);

  it("an MBP-10 day's record has no queue choice; the choice's model names map to the L2 models", async () => {
    const p = join(dir, "mbp10", "day.parquet");
    await writeSyntheticDay(p, {
      symbol: "SYNP",
      date: "2024-03-04",
      venues: 1,
      eventsPerVenue: 5_000,
      seed: 2,
    });
    const out = join(dir, "mbp10-out");
    await runLocalBacktest({ paths: [p], spec: spec("prob2"), outDir: out, runId: "p" });
    const rec = await readCalibration(new LocalObjectStore(out), "SYNP", "2024-03-04");
    expect(rec.queue).toBeUndefined();
    expect("queue" in rec).toBe(false);
    expect(queueModelNamed("prob(0.25)")?.name).toBe("prob(0.25)");
    expect(queueModelNamed("risk_averse")?.name).toBe("risk_averse");
    expect(queueModelNamed("log_prob")?.name).toBe("log_prob");
    expect(queueModelNamed("l3_fifo")).toBeUndefined();
    expect(calibratedQueue({ model: "l3_fifo", date: "2024-03-01" })).toMatchObject({
      reason: "the queue check of 2024-03-01 chose l3_fifo, which is not an L2 model; default prob2",
    });
  });
});
