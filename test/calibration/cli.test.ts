/** `msor calibrate`: table / JSON output, inference of symbol and date, one-line errors. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CalibrationRecord } from "../../lib/calibration/types.ts";
import { calibrationWarnings, registerCalibrate } from "../../lib/cli/commands/calibrate.ts";
import { newYorkClockToUtcNs } from "../../lib/core/session.ts";
import { writeMboFile } from "../../lib/mbo/writer.ts";
import { LocalObjectStore } from "../../lib/ports/localObjectStore.ts";
import { readCalibration } from "../../lib/store/calibration.ts";
import { writeSyntheticDay } from "../../lib/synth/index.ts";
import { generateMbo } from "../../lib/synth/mbo.ts";
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

  it("an MBO file: calibrated on its derived MBP-10, with the queue check's choice in the record", async () => {
    const mbo = path.join(dir, "day.mbo.parquet");
    await writeMboFile(
      mbo,
      generateMbo({
        seed: 5,
        events: 20_000,
        cancelLaw: "front",
        symbol: "CLIM",
        startNs: newYorkClockToUtcNs("2024-03-12", "09:30"),
      }),
    );
    const out = path.join(dir, "store-mbo");
    const json = JSON.parse(await run([mbo, "--json", "--out", out])) as Record<string, unknown>[];
    const r = json[0]!;
    expect(r.symbol).toBe("CLIM");
    expect(r.queue).toMatchObject({ orders: 200, tauS: 60 });
    const rec = await readCalibration(new LocalObjectStore(out), "CLIM", "2024-03-12");
    expect(rec.queue).toEqual(r.queue);
    expect(rec.tradeCount).toBeGreaterThan(0);
    // an MBP-10 day's JSON has no queue key
    expect(JSON.parse(await run([file, "--json"]))[0].queue).toBeUndefined();
  });

  it("prints one table row per file", async () => {
    const text = await run([file, file, "--symbol", "OTHER"]);
    const [table, wrapped] = text.trim().split("\n\n");
    // wrapped to the 120-column console: every line fits, the text reads the same joined
    for (const l of wrapped!.split("\n")) expect(l.length).toBeLessThanOrEqual(120);
    const units = wrapped!.replaceAll("\n  ", " ");
    const lines = table!.split("\n");
    expect(lines[0]).toMatch(/^symbol\s+date\s+events\s+volume\s+session_coverage\s+sigma_daily/);
    expect(lines).toHaveLength(4);
    // a full synthetic session: coverage 1 (to the table's 6 digits)
    expect(lines[2]).toMatch(/^OTHER\s+2024-03-12\s+\d+\s+\d+\s+(1|0\.99\d+)\s/);
    expect(units).toMatch(
      /^units: events = records; volume = the day's traded shares \(V_d\); session_coverage = /,
    );
    expect(units).toContain("half_spread = $");
    expect(units).toContain("lambda_usd = lambda x sigma_daily x mean mid / V_d, $ per share");
  });

  it("flags a half-life at the edge of the grid with a flat R^2, and a partial session (issue 24.7)", () => {
    const record = (halfLifeS: number, r2s: number[], sessionCoverage = 1) =>
      ({
        symbol: "X",
        date: "2024-03-12",
        sessionCoverage,
        impact: {
          halfLifeS,
          candidates: [60, 300, 900, 1800, 3600].map((h, i) => ({ halfLifeS: h, r2: r2s[i]! })),
        },
      }) as unknown as CalibrationRecord;
    expect(calibrationWarnings(record(3600, [0.01, 0.0102, 0.0104, 0.0105, 0.0106]))).toEqual([
      "X 2024-03-12: impact half-life 3600 s is the largest candidate (60..3600 s) and R^2 is flat across the candidates " +
        "(0.0100..0.0106): the half-life is weakly identified by this day (lambda with it); do not read it as a measured decay",
    ]);
    expect(calibrationWarnings(record(60, [0.03, 0.029, 0.0295, 0.0291, 0.0292]))[0]).toMatch(
      /half-life 60 s is the smallest candidate/,
    );
    // at the edge but clearly better than the rest: identified
    expect(calibrationWarnings(record(3600, [0.01, 0.02, 0.05, 0.08, 0.12]))).toEqual([]);
    // flat but inside the grid: the fit did pick a value
    expect(calibrationWarnings(record(900, [0.01, 0.0102, 0.0106, 0.0105, 0.0104]))).toEqual([]);
    expect(calibrationWarnings(record(900, [0.01, 0.02, 0.05, 0.03, 0.02], 0.44))).toEqual([
      "X 2024-03-12: session_coverage 0.44 < 0.9: the data spans only part of the session; later days take ADV from full days, from this one only when their lookback has none (its volume scaled up by the profile share it covers: adv_source = extrapolated)",
    ]);
  });

  it("rejects bad input with one-line messages", async () => {
    await expect(run([file, "--date", "2024-02-30"])).rejects.toThrow(/invalid date "2024-02-30"/);
    await expect(run([path.join(dir, "missing.parquet")])).rejects.toThrow(/cannot open .*missing\.parquet/);
    await expect(run([file, "--symbol", "../x"])).rejects.toThrow(/invalid symbol/);
    await expect(run([file, "--date", "2024-03-13"])).rejects.toThrow(/no record inside the regular session/);
  });
});
