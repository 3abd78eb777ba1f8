/**
 * calibration.overrides end to end: each override reaches the model that uses it, and a grid of parameter
 * sets runs in ONE pass over the data (docs/models.md "Overrides").
 */

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NO_PRIOR } from "../../lib/calibration/params.ts";
import { countingSource, type ReadStats } from "../../lib/ports/byteSource.ts";
import { fileSource } from "../../lib/ports/fileSource.ts";
import { parseTaskSpec } from "../../lib/specs/taskSpec.ts";
import { writeSyntheticDay } from "../../lib/synth/index.ts";
import { runTask } from "../../lib/task/runTask.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();
const file = join(dir, "in", "ovr.parquet");
let written = false;
const _stores = 0;
async function day(): Promise<string> {
  if (!written) {
    await writeSyntheticDay(file, {
      symbol: "OVR",
      date: "2024-03-04",
      venues: 2,
      eventsPerVenue: 30_000,
      seed: 3,
    });
    written = true;
  }
  return file;
}

async function run(
  overrides: unknown,
  strategies: unknown[],
  extra: Record<string, unknown> = {},
  stats?: ReadStats,
) {
  const src = await fileSource(await day());
  const spec = parseTaskSpec({
    orders: [{ side: "buy", shares: 2000, start_times: ["10:00"], horizon_min: 10 }],
    strategies,
    router: { samples: 100 },
    calibration: { overrides },
    ...extra,
  });
  return runTask({
    symbol: "OVR",
    date: "2024-03-04",
    sources: [stats ? countingSource(src, stats) : src],
    spec,
    prior: NO_PRIOR,
  });
}

describe("overrides reach the models", () => {
  it("a fixed lambda and half-life give exactly the OW blocks S/(2 + beta T) and lambda_usd = lambda sigma P / ADV", async () => {
    // a fixed lambda (sigma units per ADV fraction) means lambda_rel = lambda sigma_d / ADV at the set's values
    const H = 600;
    const r = await run({ lambda: 2, half_life_s: H, sigma_d: 0.03, adv: 500_000 }, [
      { strategy: "ow", exec: "market" },
    ]);
    const S = 2000;
    const T = 600;
    const beta = Math.LN2 / H;
    const block = S / (2 + beta * T); // 742.62 shares at each end (MODELS.md 4 / 9)
    const perInterval = ((beta * S) / (2 + beta * T)) * 60; // continuous rate over one 60 s interval
    const kids = r.childOrders.map((c) => Number(c.qty));
    expect(kids).toHaveLength(10);
    expect(kids.reduce((a, b) => a + b, 0)).toBe(S);
    expect(Math.abs(kids[0]! - (block + perInterval))).toBeLessThanOrEqual(1);
    expect(Math.abs(kids[9]! - (block + perInterval))).toBeLessThanOrEqual(1);
    for (const k of kids.slice(1, 9)) expect(Math.abs(k - perInterval)).toBeLessThanOrEqual(1);
    const e = r.executions[0]!;
    expect(e.calibration_source).toBe("override");
    expect(e.overridden).toBe("lambda,half_life_s,sigma_d,adv");
    expect(e.strategy).toBe("ow/market/lambda=2,half_life_s=600,sigma_d=0.03,adv=500000");
    expect(r.taskQuality[0]!.calibration_source).toBe("override");
    // impact at decision 1 = lambda_usd x child 0 (filled right after t0) decayed over ~60 s
    const lambdaUsd = (2 * 0.03 * Number(e.arrival_mid)) / 500_000;
    const impact1 = Number(r.childOrders[1]!.impact_usd);
    expect(impact1 / (lambdaUsd * kids[0]! * Math.exp(-beta * 60))).toBeCloseTo(1, 2);
    expect(r.params.beta).toBe(beta);
  });

  it("a fixed adv changes pct_adv order sizes; adv_scale scales them", async () => {
    const orders = { orders: [{ side: "buy", pct_adv: 0.1, start_times: ["10:00"], horizon_min: 5 }] };
    const r = await run(
      [{ adv: 2_000_000 }, { adv_scale: 0.5 }],
      [{ strategy: "twap", exec: "market" }],
      orders,
    );
    // no earlier day: the default ADV 1,000,000 is the loaded value
    expect(r.executions.map((e) => [e.strategy, Number(e.parent_qty)])).toEqual([
      ["twap/market/adv=2000000", 2000],
      ["twap/market/adv_scale=0.5", 500],
    ]);
    // each execution row carries the ADV its set used and where the loaded ADV came from (no earlier day)
    expect(r.executions.map((e) => [e.adv, e.adv_source])).toEqual([
      [2_000_000, "default"],
      [500_000, "default"],
    ]);
  });

  it("a fixed outflow mean, adverse selection and half-spread reach the router", async () => {
    const strategies = [{ strategy: "twap", exec: "sor" }];
    const base = await run(undefined, strategies);
    const sets = [
      { outflow_mean_shares_per_min: 1e-3 }, // queues never move: the router rests nothing (closed form L* = 0)
      { adverse_usd: -1 }, // passive fills lose $1/share: never rest
      { half_spread_usd: 1e-6 }, // crossing is (almost) free: the router rests less than on the book's spread
    ];
    const r = await run(sets, strategies);
    const limitQty = (label: string, rows = r.childOrders) =>
      rows.filter((c) => c.strategy === label).reduce((s, c) => s + Number(c.limit_qty), 0);
    const baseLimits = limitQty("twap/sor", base.childOrders);
    expect(baseLimits).toBeGreaterThan(0);
    expect(limitQty("twap/sor/outflow_mean_shares_per_min=0.001")).toBe(0);
    expect(limitQty("twap/sor/adverse_usd=-1")).toBe(0);
    expect(limitQty("twap/sor/half_spread_usd=0.000001")).toBeLessThan(baseLimits);
    expect(r.executions.map((e) => e.overridden)).toEqual(["outflow", "adverse", "half_spread_usd"]);
  });

  it("a venue the day does not have is refused, naming it", async () => {
    await expect(
      run({ outflow_mean_shares_per_min: { XNSA: 3000 } }, [{ strategy: "twap", exec: "sor" }]),
    ).rejects.toThrow(/names venue XNSA/);
  });
});

describe("a grid over lambda_scale", () => {
  it("runs every parameter set in one pass over the file (same bytes read as a single set)", async () => {
    const strategies = [
      { strategy: "twap", exec: "market" },
      { strategy: "ow", exec: "market" },
    ];
    const one: ReadStats = { reads: 0, bytes: 0 };
    const single = await run(undefined, strategies, {}, one);
    const grid: ReadStats = { reads: 0, bytes: 0 };
    const r = await run({ lambda_scale: [1, 2, 4] }, strategies, {}, grid);
    expect(grid).toEqual(one);
    expect(r.parameterSets.map((p) => p.name)).toEqual([
      "lambda_scale=1",
      "lambda_scale=2",
      "lambda_scale=4",
    ]);
    expect(r.parameterSets.map((p) => p.params.lambda)).toEqual([1, 2, 4]);
    expect(r.executions.map((e) => e.strategy)).toEqual([
      "twap/market/lambda_scale=1",
      "ow/market/lambda_scale=1",
      "twap/market/lambda_scale=2",
      "ow/market/lambda_scale=2",
      "twap/market/lambda_scale=4",
      "ow/market/lambda_scale=4",
    ]);
    // lambda_scale = 1 is the calibrated run, owner for owner
    const strip = (e: Record<string, unknown>) => ({
      ...e,
      strategy: String(e.strategy).split("/lambda")[0],
      calibration_source: 0,
      overridden: 0,
    });
    expect(r.executions.slice(0, 2).map(strip)).toEqual(single.executions.map(strip));
  });
});
