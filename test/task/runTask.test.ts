/** runTask on one synthetic symbol-day: look-ahead labelling, participation, and the robustness rules. */

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NO_PRIOR } from "../../lib/calibration/params.ts";
import { runStoredTask } from "../../lib/pipeline/storedTask.ts";
import { fileSource } from "../../lib/ports/fileSource.ts";
import { LocalObjectStore } from "../../lib/ports/localObjectStore.ts";
import { parseTaskSpec } from "../../lib/specs/taskSpec.ts";
import { writeSyntheticDay } from "../../lib/synth/index.ts";
import { calibrateDay } from "../../lib/task/calibrateDay.ts";
import { runTask } from "../../lib/task/runTask.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();
const spec = parseTaskSpec({
  orders: [
    { side: "buy", shares: 2000, start_times: ["10:00", "13:00"], horizon_min: 20 },
    { side: "sell", shares: 1500, start_times: ["11:00"], horizon_min: 20 },
  ],
  router: { samples: 200 },
});

describe("calibrate: false (a sweep's wave 2, when wave 1 wrote the day's record)", () => {
  it("gives the same executions without computing or writing this day's calibration", async () => {
    const p = join(dir, "in", "nocal.parquet");
    await writeSyntheticDay(p, {
      symbol: "NCAL",
      date: "2024-03-04",
      venues: 2,
      eventsPerVenue: 30_000,
      seed: 3,
    });
    const run = async (calibrate: boolean | undefined) => {
      const store = new LocalObjectStore(join(dir, `nocal-${calibrate}`));
      const r = await runStoredTask(store, {
        symbol: "NCAL",
        date: "2024-03-04",
        sources: [await fileSource(p)],
        spec,
        ...(calibrate === undefined ? {} : { calibrate }),
      });
      return { r, keys: await store.list("calibration/") };
    };
    const on = await run(undefined);
    const off = await run(false);
    expect(on.r.calibration?.symbol).toBe("NCAL");
    expect(on.keys.length).toBe(6); // the record's six files (v2: adverse.parquet)
    expect(off.r.calibration).toBeUndefined();
    expect(off.keys).toEqual([]);
    expect(off.r.executions.length).toBe(on.r.executions.length);
    expect(off.r.executions).toEqual(on.r.executions);
    expect(off.r.quality).toEqual(on.r.quality);
    // the calibrate task (wave 1) reads level 0 only and computes the same record as the full pass
    const { midPath: _, ...full } = on.r.calibration!;
    expect(await calibrateDay([await fileSource(p)], { symbol: "NCAL", date: "2024-03-04" })).toEqual(full);
  });
});

describe("oracle alpha (look-ahead upper bound)", () => {
  it("runs on file sources (the mid-path pre-pass leaves them open) and labels its rows look_ahead", async () => {
    const p = join(dir, "in", "oracle.parquet");
    await writeSyntheticDay(p, {
      symbol: "ORCL",
      date: "2024-03-04",
      venues: 1,
      eventsPerVenue: 40_000,
      seed: 5,
    });
    const s = parseTaskSpec({
      orders: [{ side: "buy", shares: 1000, start_times: ["10:00"], horizon_min: 10 }],
      strategies: [
        { strategy: "twap", exec: "market" },
        { strategy: "myopic", exec: "market", alpha: "oracle" },
      ],
    });
    const r = await runTask({
      symbol: "ORCL",
      date: "2024-03-04",
      sources: [await fileSource(p)],
      spec: s,
      prior: NO_PRIOR,
    });
    expect(r.executions.map((e) => [e.strategy, e.alpha_model, e.look_ahead, e.fill_rate])).toEqual([
      ["twap/market", "none", false, 1],
      ["myopic/market/alpha=oracle", "oracle", true, 1],
    ]);
  });
});

describe("max participation", () => {
  it("counts the last (here the only) decision interval", async () => {
    const p = join(dir, "in", "oracle.parquet"); // written by the oracle test above (same file, same worker)
    const s = parseTaskSpec({
      orders: [{ side: "sell", shares: 500, start_times: ["11:00"], horizon_min: 1 }],
      strategies: [{ strategy: "twap", exec: "market" }],
    });
    const r = await runTask({
      symbol: "ORCL",
      date: "2024-03-04",
      sources: [await fileSource(p)],
      spec: s,
      prior: NO_PRIOR,
    });
    const e = r.executions[0]!;
    expect(e.fill_rate).toBe(1);
    expect(Number(e.max_participation)).toBeGreaterThan(0);
    expect(Number.isFinite(Number(e.max_participation))).toBe(true);
  });
});

describe("robustness", () => {
  const oracleFile = () => join(dir, "in", "oracle.parquet"); // written by the oracle test above

  it("an order the book cannot fill is cancelled after the window + grace: fill_rate < 1, no late fills", async () => {
    // impact none: consumed liquidity stays consumed until the data refills it (docs/models.md 6.1); under an
    // overlay each later book is walked as displayed and this order completes (the next test)
    const s = parseTaskSpec({
      orders: [{ side: "buy", shares: 5_000_000, start_times: ["10:00"], horizon_min: 10 }],
      strategies: [{ strategy: "immediate", exec: "market" }],
      sim: { end_grace_s: 120, impact: "none" },
    });
    const r = await runTask({
      symbol: "ORCL",
      date: "2024-03-04",
      sources: [await fileSource(oracleFile())],
      spec: s,
      prior: NO_PRIOR,
    });
    const e = r.executions[0]!;
    expect(Number(e.fill_rate)).toBeGreaterThan(0);
    expect(Number(e.fill_rate)).toBeLessThan(1);
    const deadline = BigInt(e.start_ns as bigint) + 600_000_000_000n + 120_000_000_000n;
    for (const f of r.fills) expect(BigInt(f.ts_ns as bigint) <= deadline).toBe(true);
  });

  it("under an overlay the same order walks each later book as displayed and completes, paying through F(Y)", async () => {
    const r = await runTask({
      symbol: "ORCL",
      date: "2024-03-04",
      sources: [await fileSource(oracleFile())],
      spec: parseTaskSpec({
        orders: [{ side: "buy", shares: 5_000_000, start_times: ["10:00"], horizon_min: 10 }],
        strategies: [{ strategy: "immediate", exec: "market" }],
        sim: { end_grace_s: 120, impact: "linear" },
      }),
      prior: NO_PRIOR,
    });
    const e = r.executions[0]!;
    expect(Number(e.fill_rate)).toBe(1);
    expect(Number(e.impact_cost_bps)).toBeGreaterThan(0);
  });

  it("vwap falls back to the flat schedule when the prior-day profile has no volume in the window", async () => {
    const { makeScheduler } = await import("../../lib/task/strategies.ts");
    const order = { id: "x", side: 1 as const, qty: 600, startNs: 0n, horizonS: 600 };
    const sched = makeScheduler(
      { strategy: "vwap", exec: "market" },
      { lambdaUsd: 1e-6, beta: 0.001 },
      spec,
      order,
      () => 0,
    );
    expect(sched.name).toBe("twap");
  });

  it("a day without any F_LAST record is a clear error (no calibration written for later days)", async () => {
    const { writeMbp10File } = await import("../../lib/mbp10/writer.ts");
    const { fullBatch } = await import("../helpers/fullBatch.ts");
    const { newYorkClockToUtcNs } = await import("../../lib/core/session.ts");
    const t = newYorkClockToUtcNs("2024-03-04", "10:00");
    const p = join(dir, "in", "nolast.parquet");
    await writeMbp10File(p, [fullBatch([{ t, last: false, bids: [[10, 100]], asks: [[10.01, 100]] }])]);
    const store = new LocalObjectStore(join(dir, "nolast-store"));
    await expect(
      runStoredTask(store, {
        symbol: "NOL",
        date: "2024-03-04",
        sources: [await fileSource(p)],
        spec,
      }),
    ).rejects.toThrow(/none of the 1 records carries F_LAST/);
    expect(await store.list("calibration/")).toEqual([]);
  });

  it("the same input twice is refused", async () => {
    const { Mbp10Stream } = await import("../../lib/mbp10/stream.ts");
    await expect(
      Mbp10Stream.open([await fileSource(oracleFile()), await fileSource(oracleFile())]),
    ).rejects.toThrow(/oracle\.parquet is given twice/);
  });
});
