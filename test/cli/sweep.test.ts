/** msor sweep / status / query on the local backend: exit codes, JSON, the accounting and the views. */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { checkSweepSucceeded, progressLine, taskDayNotes } from "../../lib/cli/commands/sweep.ts";
import { applyOutcomes, newCompactionStatus, newRunStatus } from "../../lib/pipeline/runStatus.ts";
import { runMain } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";
import { writeInputs } from "../pipeline/fixture.ts";

const dir = tempDir();
const input = join(dir, "in");
const root = join(dir, "out");
const specPath = join(dir, "sweep.yaml");

const run = runMain;

/** The test spec under run id cli-NAME with one line replaced: its path. */
function variantSpec(name: string, [from, to]: [string, string]): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(
    path,
    readFileSync(specPath, "utf8").replace("run_id: cli-run", `run_id: cli-${name}`).replace(from, to),
  );
  return path;
}

beforeAll(async () => {
  await writeInputs(input, ["SYNA"], ["2024-03-04", "2024-03-05"]);
  writeFileSync(
    specPath,
    [
      "run_id: cli-run",
      "symbols: [SYNA]",
      "dates: [2024-03-05]",
      `input: { root: ${input}, key_template: "mbp10/SYNTH/{symbol}/{date}.parquet" }`,
      "calibration: { lookback_days: 1 }",
      "backtest:",
      "  orders: [{ side: buy, shares: 1000, start_times: ['11:00'], horizon_min: 10 }]",
      "  strategies: [{ strategy: twap, exec: market }, { strategy: vwap, exec: market }]",
      "  router: { samples: 100 }",
      "",
    ].join("\n"),
  );
}, 120_000);

describe("msor sweep, status, query", () => {
  it("runs a sweep with --json, then status and query read it", async () => {
    const r = await run(["sweep", "--spec", specPath, "--root", root, "--workers", "1", "--json"]);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.runId).toBe("cli-run");
    expect(j.no_input).toBe(0);
    expect(j.progress).toEqual({
      planned: 3,
      ok: 3,
      failed: 0,
      dead_lettered: 0,
      remaining: 0,
      finished: true,
      // wave 3: one compaction task per result table of its one day
      compaction: { planned: 5, accounted: 5, failed: 0 },
    });

    const s = await run(["status", "cli-run", "--root", root, "--json"]);
    expect(s.code).toBe(0);
    expect(JSON.parse(s.out).progress.ok).toBe(3);
    const text = await run(["status", "cli-run", "--root", root]);
    expect(text.out).toMatch(/ok 3 {2}failed 0 {2}dead-lettered 0 {2}remaining 0/);
    expect(text.out).toMatch(/compaction: 5 ok, 0 failed, 0 dead-lettered of 5 parts; 5 files published/);

    const q = await run([
      "query",
      "SELECT strategy, count(*)::INTEGER AS n FROM executions GROUP BY 1 ORDER BY 1",
      "--root",
      root,
      "--json",
    ]);
    expect(q.code, q.err).toBe(0);
    expect(JSON.parse(q.out)).toEqual([
      { strategy: "twap/market", n: 1 },
      { strategy: "vwap/market", n: 1 },
    ]);
    const sum = await run(["query", "SELECT count(*)::INTEGER AS n FROM summary", "--root", root, "--json"]);
    expect(JSON.parse(sum.out)).toEqual([{ n: 2 }]);
  }, 120_000);

  it("msor runs lists the run; query --csv; query --json gives every integer as a number (24.9)", async () => {
    const runs = await run(["runs", "--root", root, "--json"]);
    expect(runs.code, runs.err).toBe(0);
    expect(JSON.parse(runs.out)).toEqual([
      {
        run_id: "cli-run",
        state: "finished",
        planned: 3,
        ok: 3,
        failed: 0,
        dead_lettered: 0,
        remaining: 0,
        report: join(root, "runs/cli-run/report.html"),
      },
    ]);
    const text = await run(["runs", "--root", root]);
    expect(text.out.split("\n")[0]).toMatch(/^run_id\s+state\s+planned\s+ok\s+failed/);
    expect((await run(["runs", "--root", join(dir, "empty")])).out).toMatch(/^no runs under /);

    const sql =
      "SELECT strategy, count(*) AS n, 2::INTEGER AS two, 'a,\"b' AS odd FROM executions GROUP BY 1 ORDER BY 1";
    const csv = await run(["query", sql, "--root", root, "--csv"]);
    expect(csv.code, csv.err).toBe(0);
    expect(csv.out).toBe('strategy,n,two,odd\ntwap/market,1,2,"a,""b"\nvwap/market,1,2,"a,""b"\n');
    const j = await run(["query", sql, "--root", root, "--json"]);
    expect(JSON.parse(j.out)[0]).toEqual({ strategy: "twap/market", n: 1, two: 2, odd: 'a,"b' });
    const big = await run(["query", "SELECT 9007199254740993::BIGINT AS b", "--root", root, "--json"]);
    expect(JSON.parse(big.out)).toEqual([{ b: "9007199254740993" }]);
    expect((await run(["query", sql, "--root", root, "--csv", "--json"])).code).toBe(2);
  }, 60_000);

  it("says how many lookback symbol-days had no input and were left out (text and --json)", async () => {
    // lookback 3 before 2024-03-05 = 02-29, 03-01, 03-04; only 03-04 and 03-05 have input
    const gapSpec = variantSpec("gap", ["lookback_days: 1", "lookback_days: 3"]);
    const r = await run(["sweep", "--spec", gapSpec, "--root", root, "--workers", "1"]);
    expect(r.code, r.err).toBe(0);
    // (lines wrap at 120 columns with a 4-space continuation)
    expect(r.out.replaceAll("\n    ", " ")).toContain(
      "2 lookback symbol-day(s) before the run's dates have no input and were left out of calibration " +
        "(SYNA 2024-02-29, SYNA 2024-03-01): expected where the data starts later",
    );
    expect(r.out).not.toContain("of the run have no input");
    // planning the same spec again finds the finished run and reports the same count
    const j = await run(["sweep", "--spec", gapSpec, "--root", root, "--json"]);
    expect(j.code, j.err).toBe(0);
    expect(JSON.parse(j.out)).toMatchObject({ runId: "cli-gap", state: "finished", no_input: 2 });
  }, 120_000);

  it("is as loud as msor backtest about a day on DEFAULT parameters (issue 24.2)", async () => {
    // 2024-03-04 is the first day with data: nothing earlier to calibrate it
    const alone = variantSpec("alone", ["dates: [2024-03-05]", "dates: [2024-03-04]"]);
    const r = await run(["sweep", "--spec", alone, "--root", root, "--workers", "1"]);
    expect(r.code, r.err).toBe(0);
    const out = r.out.replaceAll("\n    ", " ");
    expect(out).toContain(
      "  SYNA 2024-03-04: no earlier calibrated day: backtested on the documented DEFAULT parameters (README; ADV 1,000,000 shares), " +
        "summarised apart as calibration = default (msor backtest makes such a day a warm-up; give the sweep earlier days with data to calibrate it)",
    );
    expect(out).toContain("(SYNA 2024-03-01): so some run days had no earlier calibrated day at all (below)");
    expect(out).toMatch(/^twap\/market\s+default\s/m);
    const j = await run(["sweep", "--spec", alone, "--root", root, "--json"]);
    expect(JSON.parse(j.out).day_notes).toHaveLength(1);
    // the other notes of msor backtest's day line: defaults for some fields, gaps, book levels
    expect(
      taskDayNotes([
        {
          symbol: "B",
          date: "2024-03-05",
          calibration_source: "prior_days",
          defaults_used: "",
          max_gap_s: 10354.2,
          book_levels: 1,
        },
        {
          symbol: "A",
          date: "2024-03-05",
          calibration_source: "prior_days",
          defaults_used: "adverse_usd,ofi_coef",
          max_gap_s: 3,
          book_levels: 10,
        },
        {
          symbol: "C",
          date: "2024-03-05",
          calibration_source: "prior_days",
          defaults_used: "",
          max_gap_s: 3,
          book_levels: 10,
        },
      ]),
    ).toEqual([
      "A 2024-03-05: defaults for: adverse_usd, ofi_coef (the earlier days could not calibrate them)",
      "B 2024-03-05: WARNING: 10,354 s without any record in the session; the data shows 1 book level(s) per side, not 10: walks and queues beyond it are unseen",
    ]);
  }, 120_000);

  it("says which run days have no input, apart from the lookback days (their backtests fail)", async () => {
    const holeSpec = variantSpec("hole", ["dates: [2024-03-05]", "dates: [2024-03-05, 2024-03-06]"]); // no input on 03-06
    const r = await run(["sweep", "--spec", holeSpec, "--root", root, "--workers", "1"]);
    // a run with a failed task is not a success (issue 24.3): exit 1, and the line says where the reasons are
    expect(r.code, r.err).toBe(1);
    // (of 2 tasks after the earlier tests cached the calibrations, of 4 alone)
    expect(r.err).toMatch(
      /^msor: run cli-hole: 1 of [24] tasks failed \(reasons above; msor status cli-hole\)\n$/,
    );
    expect(r.out).toContain(`results: ${root}/results/`);
    expect(r.out).toContain(
      "1 symbol-day(s) of the run have no input (SYNA 2024-03-06): their backtests fail; " +
        "check input.root and input.key_template",
    );
    expect(r.out).toMatch(/failed backtest-20240306-SYNA: .*cannot open/);
  }, 120_000);

  it("a key template that matches nothing: exit 1, and no results path for files that do not exist", async () => {
    const none = variantSpec("nomatch", [
      "mbp10/SYNTH/{symbol}/{date}.parquet",
      "elsewhere/{symbol}/{date}.parquet",
    ]);
    const r = await run(["sweep", "--spec", none, "--root", root, "--workers", "1"]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      "msor: run cli-nomatch: 1 of 1 tasks failed: nothing was backtested (reasons above; msor status cli-nomatch)\n",
    );
    expect(r.out).toMatch(
      /failed backtest-20240305-SYNA: cannot open .*elsewhere\/SYNA\/2024-03-05\.parquet/,
    );
    expect(r.out).not.toMatch(/^results: .*run_id=cli-nomatch/m);
    expect(r.out).toContain("results: none were written (no backtest succeeded)");
  }, 120_000);

  it("exits 2 on bad input with a message that says what to do", async () => {
    const bad = await run(["sweep", "--spec", join(dir, "missing.yaml"), "--root", root]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/cannot read sweep spec .*check the --spec path/);
    expect((await run(["sweep", "--spec", specPath, "--backend", "gcp"])).code).toBe(2);
    expect((await run(["sweep", "--spec", specPath, "--workers", "0"])).code).toBe(2);
    const aws = await run(["sweep", "--spec", specPath, "--backend", "aws"]);
    expect(aws.code).toBe(2);
    expect(aws.err).toMatch(/--stack-outputs FILE|AWS_REGION/);
    const st = await run(["status", "nope", "--root", root]);
    expect(st.code).toBe(2);
    expect(st.err).toMatch(/run nope has no status/);
    expect((await run(["status", "../x", "--root", root])).code).toBe(2);
  });

  it("progress line: done / failed / dead-lettered / remaining, rate and ETA", () => {
    expect(
      progressLine({ planned: 10, ok: 3, failed: 1, dead_lettered: 0, remaining: 6, finished: false }, 2),
    ).toBe(
      "[##########..............] 4/10  ok 3  failed 1  dead-lettered 0  remaining 6  2.00 tasks/s  ETA 3s",
    );
    const wave3 = { planned: 4, ok: 4, failed: 0, dead_lettered: 0, remaining: 0, finished: false };
    expect(progressLine({ ...wave3, compaction: { planned: 10, accounted: 7, failed: 1 } }, 2)).toMatch(
      /remaining 0 .* compacting 7\/10 \(1 failed\)$/,
    );
  });

  it("a run whose tasks all ended ok but a compaction task did not: exit code 1, saying which files are missing", () => {
    const status = newRunStatus("w3", { calibrate: 0, backtest: 1 }, true);
    applyOutcomes(status, [{ task_id: "backtest-20240305-SYNA", outcome: "ok" }], () => true);
    status.compaction = newCompactionStatus(2);
    const outcome = { plan: { runId: "w3" }, status } as unknown as Parameters<typeof checkSweepSucceeded>[0];
    applyOutcomes(
      status,
      [{ task_id: "compact-20240305-executions-00000", outcome: "ok", files: 1 }],
      () => true,
    );
    expect(() => checkSweepSucceeded(outcome)).not.toThrow();
    applyOutcomes(
      status,
      [{ task_id: "compact-20240305-fills-00000", outcome: "dead_lettered", reason: "x" }],
      () => true,
    );
    expect(() => checkSweepSucceeded(outcome)).toThrow(
      /run w3: 1 of 2 compaction tasks failed: their parts may be missing from the published results/,
    );
  });
});
