/**
 * Issue 24.5, as a user meets it: Ctrl-C (SIGINT) during `msor sweep` exits 130 with a line that says the run
 * keeps its finished tasks and how to resume; `msor status` of the stopped run says re-running resumes; the
 * same `msor sweep` command then finishes the run.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runMain } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";
import { writeInputs } from "../pipeline/fixture.ts";

const REPO = resolve(import.meta.dirname, "../..");
const dir = tempDir();
const input = join(dir, "in");
const root = join(dir, "out");
const specPath = join(dir, "sweep.yaml");
const DAYS = ["2024-03-04", "2024-03-05", "2024-03-06", "2024-03-07"];

beforeAll(async () => {
  await writeInputs(input, ["SYNA"], DAYS);
  writeFileSync(
    specPath,
    [
      "run_id: cli-int",
      "symbols: [SYNA]",
      "dates: { from: 2024-03-05, to: 2024-03-07 }",
      `input: { root: ${input}, key_template: "mbp10/SYNTH/{symbol}/{date}.parquet" }`,
      "calibration: { lookback_days: 1 }",
      "backtest:",
      "  orders: [{ side: buy, shares: 1000, start_times: ['10:00', '11:00', '13:00'], horizon_min: 20 }]",
      "",
    ].join("\n"),
  );
}, 120_000);

/** Start `msor sweep` as a user would, interrupt it once its first task is done; exit code and stderr. */
function interruptedSweep(): Promise<{ code: number | null; err: string; planned: boolean }> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      ["bin/msor.js", "sweep", "--spec", specPath, "--root", root, "--workers", "1"],
      { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] },
    );
    let err = "";
    let planned = false;
    child.stderr.on("data", (b: Buffer) => {
      err += b.toString();
    });
    // a task marker: the run is planned (the command knows its id) and has finished tasks to keep
    const tasks = join(root, "runs", "cli-int", "tasks");
    const poll = setInterval(() => {
      if (!existsSync(tasks) || readdirSync(tasks).length === 0) return;
      planned = true;
      clearInterval(poll);
      child.kill("SIGINT");
    }, 20);
    child.on("error", fail);
    child.on("exit", (code) => {
      clearInterval(poll);
      done({ code, err, planned });
    });
  });
}

describe("msor sweep interrupted", () => {
  it("says how to resume (exit 130), status says so too, and the same command finishes the run", async () => {
    const r = await interruptedSweep();
    expect(r.planned).toBe(true);
    expect(r.code).toBe(130);
    expect(r.err).toContain(
      `msor: interrupted: run cli-int keeps its finished tasks; run the same command again (msor sweep --spec ${specPath} --root ${root}) to resume it`,
    );

    const st = await runMain(["status", "cli-int", "--root", root]);
    expect(st.code, st.err).toBe(0);
    expect(st.out).toMatch(/remaining [1-9]/);
    expect(st.out).toContain(
      "if its msor sweep is no longer running (stopped or interrupted), run the same msor sweep command again: it resumes the run and keeps the finished tasks",
    );

    const again = await runMain(["sweep", "--spec", specPath, "--root", root, "--workers", "1", "--json"]);
    expect(again.code, again.err).toBe(0);
    const j = JSON.parse(again.out);
    expect(j.state).toBe("resumed");
    expect(j.progress).toMatchObject({ ok: j.progress.planned, failed: 0, finished: true });
  }, 180_000);
});
