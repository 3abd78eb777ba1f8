/**
 * The scale model of `msor estimate` (lib/aws/estimate.ts): the ramp integral by hand, each phase's figures
 * from the measured inputs and AWS's prices (the finish fanned out: wave 3 of compaction tasks on the workers,
 * then the summary and report), and the command's output for 500 symbols x 250 days.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AWS, compactTaskS, estimateSweep, rampedWallS, STACK } from "../../lib/aws/estimate.ts";
import { COMPACT_FILES_PER_PART } from "../../lib/pipeline/compaction.ts";
import { RESULT_TABLES } from "../../lib/results/tables.ts";
import { runMain } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";

const BENCH = {
  calibrate_s_per_task: 0.57,
  backtest_s_per_task: 2.28,
  s3_gets_per_task: 408,
  s3_gets_per_calibrate_task: 120,
  plan_ms_per_1k_tasks: 26.2,
  compact_ms_per_file: 2,
  rows_per_day: 2_038_023,
};

describe("msor estimate's model", () => {
  it("repeats the code's constants as they are (it loads no Arrow module)", () => {
    expect(STACK.resultTables).toBe(RESULT_TABLES.length);
    expect(STACK.putsPerBacktestTask).toBe(RESULT_TABLES.length + 1); // the staged files and the task marker
    expect(STACK.compactFilesPerPart).toBe(COMPACT_FILES_PER_PART);
  });

  it("concurrency ramps 300 per minute: the work done under min(cap, 5 t) integrates to the task seconds", () => {
    // cap 1000 is reached after 200 s, having done 1000 x 200 / 2 = 100,000 task-seconds
    expect(rampedWallS(100_000, 1000, 5)).toBeCloseTo(200, 9);
    expect(rampedWallS(285_000, 1000, 5)).toBeCloseTo(200 + 185, 9);
    expect(rampedWallS(72_675, 1000, 5)).toBeCloseTo(Math.sqrt(29_070), 9); // within the ramp: 5 t^2 / 2 = work
    expect(rampedWallS(0, 1000, 5)).toBe(0);
  });

  it("500 symbols x 250 days: every phase, each within its Lambda limit; the finish fanned out as wave 3", () => {
    const e = estimateSweep(
      { symbols: 500, days: 250, lookbackDays: 5, concurrency: 1000, calibrate: true },
      BENCH,
    );
    // wave 3: 250 days x 5 result tables x 1 part of up to 1,000 symbols
    expect(e.tasks).toEqual({ calibrate: 500 * 255, backtest: 125_000, compact: 250 * 5 * 1 });
    expect(e.phases.map((p) => p.phase)).toEqual([
      "plan + enqueue wave 1",
      "wave 1 (calibrate)",
      "fan-in + enqueue wave 2",
      "wave 2 (backtest)",
      "fan-in + enqueue wave 3",
      "wave 3 (compaction)",
      "finish (summary, report)",
      "S3 and SQS requests",
    ]);
    for (const p of e.phases.filter((x) => x.limit_s !== null)) expect(p.fits, p.phase).toBe(true);
    const [plan, w1, gap, w2, gap3, w3, finish, requests] = e.phases;
    // 252.5 x 26.2 ms + 1000 LISTs / 16 x 20 ms + 12,750 sends / 16 x 10 ms
    expect(plan!.wall_s).toBeCloseTo(252.5 * 0.0262 + (1000 / 16) * 0.02 + (12_750 / 16) * 0.01, 9);
    expect(w1!.wall_s).toBeCloseTo(Math.sqrt((2 * 127_500 * 0.57) / 5) + 1, 9);
    expect(w2!.wall_s).toBeCloseTo(385 + 1, 9);
    expect(w2!.usd).toBeCloseTo(125_000 * 2.28 * 2 * AWS.usdPerGbS + 125_000 * AWS.usdPerRequest, 9);
    expect(gap!.fits).toBe(true);
    // the waves run under the worker's timeout (infra/stack.ts default: 10 minutes), one task per invocation
    for (const w of [w1, w2, w3]) expect(w!.limit_s).toBe(600);
    // 125,000 backtest completions of 13,030 B: 482 per 6 MB invocation, 260 status updates of 0.55 s on 2
    // writers; then the invocation that sends wave 3: its update, the compaction section's, 125 sends / 16
    expect(gap3!.note).toContain("260 status updates (482 completions of 13030 B per invocation), 125 sends");
    expect(gap3!.wall_s).toBeCloseTo(30 + (260 * 0.55) / 2 + 2 * 0.55 + (125 / 16) * 0.01, 9);
    expect(gap3!.limit_s).toBe(300);
    // a compaction task of 500 files: 500 GETs 8 at a time (keys from its symbols, no LIST), 2 ms per file, 1 PUT
    const taskS = (500 * 0.02) / 8 + 500 * 0.002 + 0.02;
    expect(taskS).toBeCloseTo(2.27, 12);
    expect(compactTaskS(500, BENCH)).toBeCloseTo(taskS, 12);
    expect(w3!.wall_s).toBeCloseTo(Math.sqrt((2 * 1250 * taskS) / 5) + 1, 9); // within the ramp
    expect(w3!.usd).toBeCloseTo(1250 * taskS * 2 * AWS.usdPerGbS + 1250 * AWS.usdPerRequest, 9);
    // the summary and the report are bounded: status.json's aggregates and the sample's 200 tasks x 4 files
    // (a HEAD and a GET each), their calibration records (one round trip per task), 6 requests of its own
    // and two status updates; before it one update for the 1,250 small compaction completions
    expect(finish!.note).toContain("the report from 800 staged files of the sample");
    const finishS = (1600 + 200 + 6) * 0.02 + 2 * 0.55;
    expect(finish!.wall_s).toBeCloseTo(30 + 0.55 / 2 + finishS, 9);
    expect(finish!.limit_s).toBe(300);
    // HEADs and GETs of the sample's files, 6 calibration records per sampled task (5-day lookback + its own)
    expect(finish!.usd).toBeCloseTo(
      (1600 + 200 * 6) * AWS.usdPerGet + 6 * AWS.usdPerPut + (0.55 + finishS) * 2 * AWS.usdPerGbS,
      12,
    );
    // wave 3 reads every staged file (125,000 x 5) and checks its marker; it PUTs its part and marker
    expect(requests!.usd).toBeCloseTo(
      (127_500 * 120 + 125_000 * 408 + 625_000 + 1250) * AWS.usdPerGet +
        (127_500 * 7 + 125_000 * 6 + 2 * 1250) * AWS.usdPerPut +
        (252_500 + 1250) * 3.3 * AWS.usdPerSqsRequest,
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

  it("2,500 symbols: 3 parts per table and day; a too slow part does not fit", () => {
    const e = estimateSweep(
      { symbols: 2500, days: 250, lookbackDays: 5, concurrency: 1000, calibrate: true },
      BENCH,
    );
    expect(e.tasks.compact).toBe(250 * 5 * 3);
    const w3 = e.phases.find((p) => p.phase === "wave 3 (compaction)")!;
    // parts of 1,000, 1,000 and 500 files
    const full = (1000 * 0.02) / 8 + 1000 * 0.002 + 0.02;
    const last = (500 * 0.02) / 8 + 500 * 0.002 + 0.02;
    expect(compactTaskS(1000, BENCH)).toBeCloseTo(full, 12);
    const work = 250 * 5 * (2 * full + last);
    expect(w3.wall_s).toBeCloseTo(rampedWallS(work, 1000, 5) + 1, 9);
    expect(w3.usd).toBeCloseTo(work * 2 * AWS.usdPerGbS + 3750 * AWS.usdPerRequest, 9);
    expect(w3.note).toContain(`a full part ${full.toFixed(2)} s: 1000 GETs 8 at a time`);
    // 3 parts of a (table, date) read its staging prefix at once: 3 x 8 GETs per 20 ms = 1,200/s of S3's 5,500
    expect(w3.note).toContain("1200 GETs/s per staged (table, date) prefix (S3 serves 5500 per prefix)");
    expect(w3.fits).toBe(true);
    // at 0.6 s per staged file a full part takes 600+ s: over the worker's timeout
    const slow = estimateSweep(
      { symbols: 2500, days: 250, lookbackDays: 5, concurrency: 1000, calibrate: true },
      { ...BENCH, compact_ms_per_file: 600 },
    );
    expect(slow.phases.find((p) => p.phase === "wave 3 (compaction)")!.fits).toBe(false);
  });

  it("the command prints every phase with its limit and says what does not fit; bad input is refused", async () => {
    const bench = join(tempDir(), "results.json");
    writeFileSync(
      bench,
      JSON.stringify({
        scale: BENCH,
        plan_ms_per_1k_tasks: BENCH.plan_ms_per_1k_tasks,
        compact_ms_per_file: BENCH.compact_ms_per_file,
        rows: { "2m": BENCH.rows_per_day },
      }),
    );
    const r = await runMain(["estimate", "--symbols", "500", "--days", "250", "--bench", bench]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      "500 symbols x 250 days: 127500 calibrate + 125000 backtest + 1250 compaction tasks, up to 1000 workers",
    );
    expect(r.out).toMatch(/plan \+ enqueue wave 1 +15\.8 s +0\.01 +300 s +yes/);
    expect(r.out).toMatch(/wave 2 \(backtest\) +6\.4 min +7\.63 +600 s +yes/);
    expect(r.out).toMatch(/wave 3 \(compaction\) +34\.7 s +0\.08 +600 s +yes/);
    expect(r.out).toMatch(/finish \(summary, report\) +67\.5 s +0\.00 +300 s +yes/);
    expect(r.out).not.toContain("does not fit");
    // the table and the notes below it fit the terminal width of every msor table (120)
    for (const line of r.out
      .split("\n")
      .filter((l) => !l.startsWith("assumption:") && !l.startsWith("measured")))
      expect(line.length, line).toBeLessThanOrEqual(120);
    expect(r.out).toMatch(/^wave 2 \(backtest\): 125000 tasks x 2\.28 s at up to 1000 workers/m);
    expect(r.out.replace(/\n +/g, " ")).toContain(
      "calibrate 0.57 s and backtest 2.28 s per task, 120 / 408 S3 GETs per task, planning 26.2 ms per 1,000 tasks, compaction 2 ms per staged file",
    );
    // a part over the worker's timeout is named
    const slowBench = join(tempDir(), "slow.json");
    writeFileSync(
      slowBench,
      JSON.stringify({ ...JSON.parse(readFileSync(bench, "utf8")), compact_ms_per_file: 600 }),
    );
    const slow = await runMain(["estimate", "--symbols", "2500", "--days", "5", "--bench", slowBench]);
    expect(slow.out).toContain("does not fit: wave 3 (compaction)");
    // bench results of an older version (no compaction measurement) say which key and how to measure it
    const old = join(tempDir(), "old.json");
    const { compact_ms_per_file: _, ...older } = JSON.parse(readFileSync(bench, "utf8")) as Record<
      string,
      unknown
    >;
    writeFileSync(old, JSON.stringify(older));
    const missing = await runMain(["estimate", "--symbols", "5", "--days", "5", "--bench", old]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/lack a measured compact_ms_per_file; .*node --import tsx bench\/finish\.ts/);
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
