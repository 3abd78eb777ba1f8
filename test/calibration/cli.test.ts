/** `msor calibrate`: table / JSON output, inference of symbol and date, one-line errors. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerCalibrate } from "../../lib/cli/commands/calibrate.ts";
import { LocalObjectStore } from "../../lib/ports/localObjectStore.ts";
import { readCalibration } from "../../lib/store/calibration.ts";
import { writeSyntheticDay } from "../../lib/synth/index.ts";
import { runCommand } from "../helpers/cli.ts";

let dir = "";
let file = "";

const run = (args: string[]) => runCommand(registerCalibrate, "calibrate", args);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "msor-calib-cli-"));
  file = path.join(dir, "day.parquet");
  await writeSyntheticDay(file, {
    symbol: "CLIX",
    date: "2024-03-12",
    venues: 2,
    eventsPerVenue: 20_000,
    seed: 3,
  });
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("msor calibrate", () => {
  it("infers symbol and date, prints JSON with the fit tables, writes records with --out", async () => {
    const out = path.join(dir, "store");
    const json = JSON.parse(await run([file, "--json", "--out", out])) as Record<string, unknown>[];
    expect(json).toHaveLength(1);
    const r = json[0]!;
    expect(r.symbol).toBe("CLIX");
    expect(r.date).toBe("2024-03-12");
    for (const k of ["lambda", "half_life_s", "volume", "sigma_daily", "half_spread"])
      expect(typeof r[k]).toBe("number");
    expect(Object.keys(r.r2_by_half_life as object)).toEqual(["60", "300", "900", "1800", "3600"]);
    expect((r.kyle as unknown[]).length).toBe(7);
    const rec = await readCalibration(new LocalObjectStore(out), "CLIX", "2024-03-12");
    expect(rec.dailyVolume).toBe(r.volume);
  });

  it("prints one table row per file", async () => {
    const text = await run([file, file, "--symbol", "OTHER"]);
    const lines = text.trim().split("\n");
    expect(lines[0]).toMatch(/^symbol\s+date\s+events\s+volume/);
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatch(/^OTHER\s+2024-03-12/);
  });

  it("rejects bad input with one-line messages", async () => {
    await expect(run([file, "--date", "2024-02-30"])).rejects.toThrow(/invalid date "2024-02-30"/);
    await expect(run([path.join(dir, "missing.parquet")])).rejects.toThrow(/cannot open .*missing\.parquet/);
    await expect(run([file, "--symbol", "../x"])).rejects.toThrow(/invalid symbol/);
    await expect(run([file, "--date", "2024-03-13"])).rejects.toThrow(/no record inside the regular session/);
  });
});
