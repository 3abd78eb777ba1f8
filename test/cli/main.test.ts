import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../lib/cli/main.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();

async function runMain(args: string[]): Promise<{ code: number; err: string; out: string }> {
  let err = "";
  let out = "";
  vi.spyOn(process.stderr, "write").mockImplementation((c: string | Uint8Array) => {
    err += String(c);
    return true;
  });
  vi.spyOn(process.stdout, "write").mockImplementation((c: string | Uint8Array) => {
    out += String(c);
    return true;
  });
  const code = await main(["node", "msor", ...args]);
  vi.restoreAllMocks();
  return { code, err, out };
}

afterEach(() => vi.restoreAllMocks());

describe("msor entry point", () => {
  it("lists every command in --help and exits 0", async () => {
    const r = await runMain(["--help"]);
    expect(r.code).toBe(0);
    for (const c of ["generate", "import", "inspect", "calibrate", "route", "backtest"])
      expect(r.out).toContain(c);
  });

  it("--help lists every command from its summary without loading it; each summary is the command's own", async () => {
    const { COMMANDS, commandOf } = await import("../../lib/cli/commands/index.ts");
    const { Command } = await import("commander");
    for (const c of COMMANDS) {
      const p = new Command("msor");
      (await c.load())(p);
      expect(p.commands.map((x) => x.name())).toEqual([c.name]);
      expect(p.commands[0]!.description()).toBe(c.summary);
    }
    expect(commandOf(["--help"])).toBeUndefined();
    expect(commandOf(["sweep", "--spec", "x"])).toBe("sweep");
    expect(commandOf(["help", "query"])).toBe("query");
    const help = await runMain(["help", "query"]);
    expect(help.out).toContain("--csv");
  });

  it("help marks required options; usage errors start with msor: like every other error (24.9)", async () => {
    const help = await runMain(["import", "lobster", "--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/--date <YYYY-MM-DD>\s+\(required\) trading date/);
    expect(help.out).toMatch(/--venue-id <n>\s+publisher_id/);
    const sweepHelp = await runMain(["sweep", "--help"]);
    expect(sweepHelp.out).toMatch(/--spec <file>\s+\(required\) sweep spec/);
    expect(sweepHelp.out).toMatch(
      /--root <dir>\s+local results folder.*\(default: "msor-out", env: MSOR_ROOT\)/s,
    );
    const missing = await runMain([
      "import",
      "lobster",
      "m.csv",
      "b.csv",
      "--symbol",
      "X",
      "--out",
      "x.parquet",
    ]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^msor: required option '--date <YYYY-MM-DD>' not specified\n/);
    const unknown = await runMain(["nosuch"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/^msor: unknown command 'nosuch'/);
  });

  it("bad input: exit 2 and a one-line reason, even when the reason quotes multi-line input", async () => {
    const spec = join(dir, "bad.json");
    writeFileSync(spec, "not\njson\n");
    const r = await runMain(["backtest", join(dir, "x.parquet"), "--out", dir, "--spec", spec]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^msor: spec .*bad\.json is not valid JSON: .*\n$/);
    expect(r.err.trimEnd().split("\n")).toHaveLength(1);
  });

  it("a file that is not Parquet is bad input too: exit 2 with the file named", async () => {
    const f = join(dir, "x.parquet");
    writeFileSync(f, "hello");
    const r = await runMain(["inspect", f]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^msor: .*x\.parquet is not a Parquet file: only 5 bytes \(empty or truncated\)\n$/,
    );
  });
});

describe("msor inspect of several files", () => {
  it("refuses to merge files of different symbol-days", async () => {
    const { writeMbp10File } = await import("../../lib/mbp10/writer.ts");
    const { fullBatch } = await import("../helpers/fullBatch.ts");
    const t = 1_709_562_600_000_000_000n; // 2024-03-04 14:30 UTC
    const a = join(dir, "a.parquet");
    const b = join(dir, "b.parquet");
    await writeMbp10File(a, [fullBatch([{ t }], 1, "AAA")]);
    await writeMbp10File(b, [fullBatch([{ t }], 1, "BBB")]);
    const r = await runMain(["inspect", a, b]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /inspect merges the venue files of one symbol-day, but these are AAA 2024-03-04, BBB 2024-03-04/,
    );
  });

  it("shows the span in New York time and the session it covers (24.9)", async () => {
    const { writeMbp10File } = await import("../../lib/mbp10/writer.ts");
    const { fullBatch } = await import("../helpers/fullBatch.ts");
    const { newYorkClockToUtcNs } = await import("../../lib/core/session.ts");
    // an afternoon-only day: 13:15 to 16:00 New York of a winter Monday (UTC-5)
    const f = join(dir, "pm.parquet");
    const t0 = newYorkClockToUtcNs("2024-03-04", "13:15");
    await writeMbp10File(f, [
      fullBatch([{ t: t0 }, { t: newYorkClockToUtcNs("2024-03-04", "16:00") }], 1, "PMX"),
    ]);
    const r = await runMain(["inspect", f]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain("span 2024-03-04T18:15:00.000Z .. 2024-03-04T21:00:00.000Z (UTC)");
    expect(r.out).toContain(
      "  New York 2024-03-04 13:15:00.000 .. 16:00:00.000; covers 42.3% of the 09:30-16:00 session " +
        "(below 90%: later days take ADV from full days, from this one only by extrapolation)",
    );
    const j = await runMain(["inspect", f, "--json"]);
    expect(JSON.parse(j.out).session).toEqual({
      time_zone: "America/New_York",
      date: "2024-03-04",
      first_local: "13:15:00.000",
      last_local: "16:00:00.000",
      first_local_date: "2024-03-04",
      instrument: "equity-us",
      calendar: "nyse",
      session: "09:30-16:00 New York",
      not_trading_day: "",
      session_coverage: 165 / 390,
    });
  });

  it("generate --out without a .parquet name is a folder in the input layout", async () => {
    const { resolveOutPath } = await import("../../lib/cli/commands/generate.ts");
    expect(await resolveOutPath(join(dir, "new-folder"), "SYM", "2024-03-04")).toBe(
      join(dir, "new-folder", "mbp10", "SYNTH", "SYM", "2024-03-04.parquet"),
    );
    expect(await resolveOutPath(join(dir, "day.parquet"), "SYM", "2024-03-04")).toBe(
      join(dir, "day.parquet"),
    );
  });
});

describe("msor backtest --impact", () => {
  it("overrides sim.impact, says which model the run used, and refuses unknown models", async () => {
    const { writeMbp10File } = await import("../../lib/mbp10/writer.ts");
    const { fullBatch } = await import("../helpers/fullBatch.ts");
    const { newYorkClockToUtcNs } = await import("../../lib/core/session.ts");
    const rows = [];
    for (
      let t = newYorkClockToUtcNs("2024-03-04", "09:59");
      t < newYorkClockToUtcNs("2024-03-04", "10:20");
      t += 10_000_000_000n
    )
      rows.push({
        t,
        bids: [[100, 50_000]] as [number, number][],
        asks: [[100.02, 50_000]] as [number, number][],
      });
    const f = join(dir, "imp.parquet");
    await writeMbp10File(f, [fullBatch(rows, 10, "IMPX")]);
    const spec = join(dir, "imp.json");
    writeFileSync(
      spec,
      JSON.stringify({
        orders: [{ shares: 1000, start_times: ["10:00"], horizon_min: 5 }],
        strategies: [{ strategy: "twap", exec: "market" }],
      }),
    );
    const base = ["backtest", f, "--spec", spec, "--include-uncalibrated", "--json"];
    const none = await runMain([...base, "--out", join(dir, "imp-none"), "--impact", "none"]);
    expect(none.code).toBe(0);
    expect(JSON.parse(none.out)).toMatchObject({ impact: ["none"], strategies: [{ impact_bps: 0 }] });
    const grid = await runMain([...base, "--out", join(dir, "imp-grid"), "--impact", "none,sqrt"]);
    expect(grid.code).toBe(0);
    const g = JSON.parse(grid.out) as {
      impact: string[];
      strategies: { strategy: string; impact_bps: number }[];
    };
    expect(g.impact).toEqual(["none", "sqrt"]);
    expect(g.strategies.map((s) => s.strategy).sort()).toEqual([
      "twap/market/impact=none",
      "twap/market/impact=sqrt",
    ]);
    expect(g.strategies.find((s) => s.strategy.endsWith("sqrt"))!.impact_bps).toBeGreaterThan(0);
    const text = await runMain([
      "backtest",
      f,
      "--spec",
      spec,
      "--include-uncalibrated",
      "--out",
      join(dir, "imp-t"),
    ]);
    expect(text.out).toContain("impact model: linear (own-impact overlay");
    const bad = await runMain([...base, "--out", join(dir, "imp-bad"), "--impact", "cubic"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--impact: sim\.impact\.0: .*"none"\|"linear"\|"sqrt"/);

    // a lone day without --include-uncalibrated is a warm-up: no result files, so no results path, exit 2
    // (issue 24.3); --root is the folder option of every command, MSOR_ROOT its default (24.9)
    const warm = await runMain(["backtest", f, "--spec", spec, "--root", join(dir, "warm")]);
    expect(warm.code).toBe(2);
    expect(warm.out).toMatch(/^IMPX 2024-03-04: warm-up \(no earlier calibrated day\)/);
    expect(warm.out).not.toContain("results:");
    expect(warm.err).toBe(
      `msor: nothing was backtested: the day is a warm-up (no earlier calibrated day; its calibration is saved in ${join(dir, "warm")}/calibration/). ` +
        "Give an earlier day's file too, or --include-uncalibrated to backtest it on the documented default parameters\n",
    );
    expect(existsSync(join(dir, "warm", "calibration"))).toBe(true);
    expect(existsSync(join(dir, "warm", "results"))).toBe(false);
    vi.stubEnv("MSOR_ROOT", join(dir, "env-root"));
    try {
      const env = await runMain(["backtest", f, "--spec", spec, "--include-uncalibrated"]);
      expect(env.code, env.err).toBe(0);
      expect(env.out).toContain(`results: ${join(dir, "env-root")}/results/*/run_id=local/`);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
