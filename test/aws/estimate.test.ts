/**
 * The scale model of `msor estimate` (lib/aws/estimate.ts): the ramp integral by hand, each phase's figures
 * from the measured inputs and AWS's prices, and the command's output for 500 symbols x 250 days.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AWS, estimateSweep, rampedWallS } from "../../lib/aws/estimate.ts";
import { runMain } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";

const BENCH = {
  calibrate_s_per_task: 0.57,
  backtest_s_per_task: 2.28,
  s3_gets_per_task: 408,
  s3_gets_per_calibrate_task: 120,
  plan_ms_per_1k_tasks: 26.2,
  rows_per_day: 2_038_023,
};

describe("msor estimate's model", () => {
  it("concurrency ramps 300 per minute: the work done under min(cap, 5 t) integrates to the task seconds", () => {
    // cap 1000 is reached after 200 s, having done 1000 x 200 / 2 = 100,000 task-seconds
    expect(rampedWallS(100_000, 1000, 5)).toBeCloseTo(200, 9);
    expect(rampedWallS(285_000, 1000, 5)).toBeCloseTo(200 + 185, 9);
    expect(rampedWallS(72_675, 1000, 5)).toBeCloseTo(Math.sqrt(29_070), 9); // within the ramp: 5 t^2 / 2 = work
    expect(rampedWallS(0, 1000, 5)).toBe(0);
  });

  it("500 symbols x 250 days: every phase, the planning fits the planner's 300 s, the finish as built does not", () => {
    const e = estimateSweep(
      { symbols: 500, days: 250, lookbackDays: 5, concurrency: 1000, calibrate: true },
      BENCH,
    );
    expect(e.tasks).toEqual({ calibrate: 500 * 255, backtest: 125_000 });
    expect(e.phases.map((p) => p.phase)).toEqual([
      "plan + enqueue wave 1",
      "wave 1 (calibrate)",
      "fan-in + enqueue wave 2",
      "wave 2 (backtest)",
      "finish (compaction, summary, report)",
      "S3 and SQS requests",
    ]);
    const [plan, w1, gap, w2, finish, requests] = e.phases;
    // 252.5 x 26.2 ms + 1000 LISTs / 16 x 20 ms + 12,750 sends / 16 x 10 ms
    expect(plan!.wall_s).toBeCloseTo(252.5 * 0.0262 + (1000 / 16) * 0.02 + (12_750 / 16) * 0.01, 9);
    expect(plan!.fits).toBe(true);
    expect(w1!.wall_s).toBeCloseTo(Math.sqrt((2 * 127_500 * 0.57) / 5) + 1, 9);
    expect(w2!.wall_s).toBeCloseTo(385 + 1, 9);
    expect(w2!.usd).toBeCloseTo(125_000 * 2.28 * 2 * AWS.usdPerGbS + 125_000 * AWS.usdPerRequest, 9);
    expect(gap!.fits).toBe(true);
    expect(finish!.fits).toBe(false);
    expect(finish!.note).toMatch(/500000 staged files .* needs the compaction fan-out of issue 23.1 point 3/);
    // the summary and the report are bounded: status.json's aggregates and the sample's 200 tasks x 4 files;
    // 125,000 completions of 13,030 B: 482 per 6 MB invocation, 260 status updates of 0.55 s on 2 writers
    expect(finish!.note).toContain("the report from 800 staged files of the sample");
    expect(finish!.wall_s).toBeCloseTo((500_000 + 800) * 0.02 + 30 + (260 * 0.55) / 2, 9);
    expect(requests!.usd).toBeCloseTo(
      (127_500 * 120 + 125_000 * 408) * AWS.usdPerGet +
        (127_500 * 7 + 125_000 * 5) * AWS.usdPerPut +
        252_500 * 3.3 * AWS.usdPerSqsRequest,
      9,
    );
    // cached calibrations: no wave 1, no gap
    const cached = estimateSweep(
      { symbols: 500, days: 250, lookbackDays: 5, concurrency: 500, calibrate: false },
      BENCH,
    );
    expect(cached.phases.map((p) => p.phase)).not.toContain("wave 1 (calibrate)");
    expect(cached.phases[1]!.wall_s).toBeCloseTo(100 + (285_000 - 25_000) / 500 + 1, 9); // cap 500 after 100 s
  });

  it("the command prints every phase with its limit and says what does not fit; bad input is refused", async () => {
    const bench = join(tempDir(), "results.json");
    writeFileSync(
      bench,
      JSON.stringify({
        scale: BENCH,
        plan_ms_per_1k_tasks: BENCH.plan_ms_per_1k_tasks,
        rows: { "2m": BENCH.rows_per_day },
      }),
    );
    const r = await runMain(["estimate", "--symbols", "500", "--days", "250", "--bench", bench]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      "500 symbols x 250 days: 127500 calibrate + 125000 backtest tasks, up to 1000 workers",
    );
    expect(r.out).toMatch(/plan \+ enqueue wave 1 +15\.8 s +0\.01 +300 s +yes/);
    expect(r.out).toMatch(/wave 2 \(backtest\) +6\.4 min +7\.63/);
    expect(r.out).toContain("does not fit: finish (compaction, summary, report)");
    // the table and the notes below it fit the terminal width of every msor table (120)
    for (const line of r.out
      .split("\n")
      .filter((l) => !l.startsWith("assumption:") && !l.startsWith("measured")))
      expect(line.length, line).toBeLessThanOrEqual(120);
    expect(r.out).toMatch(/^wave 2 \(backtest\): 125000 tasks x 2\.28 s at up to 1000 workers/m);
    expect(r.out.replace(/\n +/g, " ")).toContain(
      "calibrate 0.57 s and backtest 2.28 s per task, 120 / 408 S3 GETs per task",
    );
    const bad = await runMain(["estimate", "--symbols", "0", "--days", "250", "--bench", bench]);
    expect(bad.err).toMatch(/--symbols must be an integer >= 1, got "0"/);
    const none = await runMain([
      "estimate",
      "--symbols",
      "5",
      "--days",
      "5",
      "--bench",
      join(tempDir(), "x.json"),
    ]);
    expect(none.err).toMatch(/cannot read bench results .*run npm run bench or pass --bench FILE/);
  });
});
