/** Calibration records through Parquet in an ObjectStore; prior-day loading without look-ahead. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DayCalibrator } from "../../lib/calibration/dayCalibrator.ts";
import { combineCalibrations, DEFAULT_CALIBRATION, outflowOf } from "../../lib/calibration/params.ts";
import { LocalObjectStore } from "../../lib/ports/localObjectStore.ts";
import { listCalibrationDates, readCalibration, writeCalibration } from "../../lib/store/calibration.ts";
import { calibrationKey } from "../../lib/store/keys.ts";
import { loadCalibrationParams } from "../../lib/store/lookback.ts";
import { batchOf, DATE, registry } from "../calibration/fixtures.ts";
import { recordOf } from "../calibration/records.ts";

let dir = "";
let store: LocalObjectStore;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "msor-calib-store-"));
  store = new LocalObjectStore(dir);
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("calibration record storage", () => {
  it("round-trips a record through Parquet under the documented keys", async () => {
    const rec = recordOf("ABC", "2024-03-12", 3);
    await writeCalibration(store, rec);
    // version 2: lambda_rel, SSR and SST per candidate, the data's span, adverse selection per horizon
    for (const f of ["calibration", "profile", "fits", "venues", "outflow", "adverse"]) {
      expect(await store.exists(`calibration/v=2/symbol=ABC/date=2024-03-12/${f}.parquet`)).toBe(true);
    }
    expect(calibrationKey("ABC", "2024-03-12", "calibration")).toBe(
      "calibration/v=2/symbol=ABC/date=2024-03-12/calibration.parquet",
    );
    const back = await readCalibration(store, "ABC", "2024-03-12");
    expect(back).toEqual(rec);
    expect(await listCalibrationDates(store, "ABC")).toEqual(["2024-03-12"]);
  });

  it("round-trips the output of a calibration pass", async () => {
    const cal = new DayCalibrator({ symbol: "TEST", date: DATE, venues: registry(2) });
    const book = { bid: 100, bidSz: 500, ask: 100.02, askSz: 400 };
    cal.observe(
      batchOf([
        { t: 1, action: "Add", side: "Bid", ...book },
        { t: 2, v: 1, action: "Add", side: "Bid", ...book },
        { t: 70, action: "Trade", side: "Ask", price: 100, size: 100, last: false, ...book },
        { t: 70, action: "Cancel", side: "Bid", ...book, bidSz: 400 },
        { t: 900, v: 1, action: "Add", side: "Ask", ...book, ask: 100.01, askSz: 5 },
      ]),
    );
    const { midPath: _, ...rec } = cal.finish();
    await writeCalibration(store, rec);
    expect(await readCalibration(store, "TEST", DATE)).toEqual(rec);
  });

  it("says what to do when a record is missing", async () => {
    await expect(readCalibration(store, "ABC", "2024-03-12")).rejects.toThrow(/msor calibrate/);
  });
});

describe("loadCalibrationParams", () => {
  const D = "2024-03-13";

  it("uses documented defaults, and says so, when no prior day exists", async () => {
    await writeCalibration(store, recordOf("ABC", D, 2)); // the day itself does not count
    const p = await loadCalibrationParams(store, "ABC", D);
    expect(p.source).toBe("default");
    expect(p.dates).toEqual([]);
    expect(p.adv).toBe(DEFAULT_CALIBRATION.adv);
    expect(p.lambda).toBe(DEFAULT_CALIBRATION.lambda);
    expect(p.halfLifeS).toBe(DEFAULT_CALIBRATION.halfLifeS);
    expect(p.defaultsUsed).toEqual(
      expect.arrayContaining(["adv", "sigmaDaily", "lambda", "profile", "outflow"]),
    );
    expect(p.profile.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(outflowOf(p, "XNAS.ITCH", "bid").mean).toBe(DEFAULT_CALIBRATION.outflowMean);
  });

  it("does not change when data of day d or later changes (no look-ahead)", async () => {
    for (const [d, k] of [
      ["2024-03-11", 1],
      ["2024-03-12", 2],
      [D, 3],
      ["2024-03-14", 4],
    ] as const) {
      await writeCalibration(store, recordOf("ABC", d, k));
    }
    const before = await loadCalibrationParams(store, "ABC", D);
    await writeCalibration(store, recordOf("ABC", D, 30));
    await writeCalibration(store, recordOf("ABC", "2024-03-14", 40));
    await writeCalibration(store, recordOf("ABC", "2024-03-15", 50));
    const after = await loadCalibrationParams(store, "ABC", D);
    expect(after).toEqual(before);
    expect(before.source).toBe("prior_days");
    expect(before.dates).toEqual(["2024-03-11", "2024-03-12"]);
    // and an earlier day DOES matter (the test would be vacuous otherwise)
    await writeCalibration(store, recordOf("ABC", "2024-03-12", 20));
    expect((await loadCalibrationParams(store, "ABC", D)).adv).not.toBe(before.adv);
  });

  it("keeps the latest lookbackDays earlier dates and validates the lookback", async () => {
    for (let k = 1; k <= 6; k++) await writeCalibration(store, recordOf("ABC", `2024-03-0${k}`, k));
    const p = await loadCalibrationParams(store, "ABC", "2024-03-07", { lookbackDays: 2 });
    expect(p.dates).toEqual(["2024-03-05", "2024-03-06"]);
    expect(p.adv).toBe(5_500_000);
    await expect(loadCalibrationParams(store, "ABC", "2024-03-07", { lookbackDays: 0 })).rejects.toThrow(
      />= 1/,
    );
  });
});

describe("edges of the lookback (issue 9)", () => {
  it("ignores calibrations older than maxAgeDays calendar days and lists them", async () => {
    for (const [d, k] of [
      ["2024-02-01", 1],
      ["2024-02-28", 2],
      ["2024-03-01", 3],
    ] as const)
      await writeCalibration(store, recordOf("ABC", d, k));
    // 2024-03-14 - 14 days = 2024-02-29: 2024-02-28 and 2024-02-01 are too old
    const p = await loadCalibrationParams(store, "ABC", "2024-03-14");
    expect(p.dates).toEqual(["2024-03-01"]);
    expect(p.staleDates).toEqual(["2024-02-01", "2024-02-28"]);
    expect(p.adv).toBe(3_000_000);
    const all = await loadCalibrationParams(store, "ABC", "2024-03-14", { maxAgeDays: 60 });
    expect(all.dates).toEqual(["2024-02-01", "2024-02-28", "2024-03-01"]);
    expect(all.staleDates).toEqual([]);
    // nothing fresh: defaults, and the stale dates still listed
    const none = await loadCalibrationParams(store, "ABC", "2024-04-30");
    expect([none.source, none.staleDates]).toEqual(["default", ["2024-02-01", "2024-02-28", "2024-03-01"]]);
    await expect(loadCalibrationParams(store, "ABC", "2024-03-14", { maxAgeDays: 0 })).rejects.toThrow(
      /maxAgeDays must be an integer >= 1/,
    );
  });

  it("ADV and the profile come from days covering >= 90% of the session, else partial days extrapolated; coverage round-trips", async () => {
    const full = recordOf("ABC", "2024-03-11", 1);
    // the morning half: data from the open to 12:45 (11,700 s of 23,400)
    const half = { ...recordOf("ABC", "2024-03-12", 3), sessionCoverage: 0.5, dataEndS: 11_700 };
    await writeCalibration(store, half);
    const back = await readCalibration(store, "ABC", "2024-03-12");
    expect([back.sessionCoverage, back.dataStartS, back.dataEndS]).toEqual([0.5, 0, 11_700]);
    const p = combineCalibrations([full, half]);
    expect(p.adv).toBe(1_000_000); // the half day's 3,000,000 does not count
    expect(p.advSource).toBe("calibrated");
    expect(p.sigmaDaily).toBeCloseTo(Math.sqrt((0.01 ** 2 + 0.03 ** 2) / 2), 15); // other statistics pool both
    // no full day: the profile is the flat default (78 bins of 300 s), of which [0, 11700) holds 39 / 78 = 0.5,
    // so ADV = 3,000,000 / 0.5 = 6,000,000, extrapolated (and not a default)
    const onlyHalf = combineCalibrations([half]);
    expect(onlyHalf.adv).toBeCloseTo(6_000_000, 6);
    expect(onlyHalf.advSource).toBe("extrapolated");
    expect(onlyHalf.defaultsUsed).toContain("profile");
    expect(onlyHalf.defaultsUsed).not.toContain("adv");
    // no lookback day with volume: the default, said so
    const none = combineCalibrations([{ ...half, dailyVolume: 0 }]);
    expect([none.adv, none.advSource]).toEqual([DEFAULT_CALIBRATION.adv, "default"]);
    expect(none.defaultsUsed).toContain("adv");
  });
});

describe("combineCalibrations", () => {
  it("pools days: mean ADV, RMS sigma, best mean-R^2 half-life, pooled OFI, fill-weighted adverse", () => {
    const a = recordOf("ABC", "2024-03-11", 1); // best R^2 at 300 s
    const b = recordOf("ABC", "2024-03-12", 1);
    const p = combineCalibrations([a, b]);
    expect(p.adv).toBe(1_000_000);
    expect(p.sigmaDaily).toBeCloseTo(0.01, 15);
    expect(p.halfLifeS).toBe(300);
    expect(p.beta).toBeCloseTo(Math.LN2 / 300, 15);
    expect(p.lambda).toBe(2);
    expect(p.lambdaUsd).toBeCloseTo((2 * 0.01 * 101) / 1_000_000, 15);
    expect(p.ofi.coefUsd).toBeCloseTo(0.01, 15);
    expect(p.outflow["XNAS.ITCH"]!.bid.samples.length).toBe(780);
    expect(p.adverseHorizonsS).toEqual([10, 60, 300]);
    expect(p.adverse["XNAS.ITCH"]!.bid[10]).toBeCloseTo(-0.001, 15);
    expect(p.adverse["XNAS.ITCH"]!.bid[60]).toBeCloseTo(-0.002, 15);
    expect(p.adverse["XNAS.ITCH"]!.bid[300]).toBeCloseTo(-0.005, 15);
    // no fills: default at every horizon, listed once
    expect(p.adverse["XNAS.ITCH"]!.ask).toEqual({ 10: 0, 60: 0, 300: 0 });
    expect(p.defaultsUsed).toEqual(["adverse.XNAS.ITCH.ask"]);
  });

  it("ignores half-lives whose lambda is not positive (uncentered R^2 ignores the sign); none left -> defaults", () => {
    const neg = (r: ReturnType<typeof recordOf>, flip: (h: number) => boolean) => ({
      ...r,
      impact: {
        ...r.impact,
        candidates: r.impact.candidates.map((c) =>
          flip(c.halfLifeS) ? { ...c, lambda: -c.lambda, lambdaRel: -c.lambdaRel } : c,
        ),
      },
    });
    // the best-R^2 candidate (300 s) has lambda < 0: the next best positive one (3600 s, R^2 0.14) is chosen
    // (one day: pooled R^2 = 1 - SSR / SST = the day's R^2)
    const p = combineCalibrations([neg(recordOf("ABC", "2024-03-11", 1), (h) => h === 300)]);
    expect(p.halfLifeS).toBe(3600);
    expect(p.lambda).toBe(5);
    // every candidate negative: the documented defaults, listed
    const q = combineCalibrations([neg(recordOf("ABC", "2024-03-11", 1), () => true)]);
    expect([q.lambda, q.halfLifeS]).toEqual([DEFAULT_CALIBRATION.lambda, DEFAULT_CALIBRATION.halfLifeS]);
    expect(q.defaultsUsed).toEqual(expect.arrayContaining(["lambda", "halfLifeS"]));
    expect(q.lambdaUsd).toBeGreaterThan(0);
  });
});
