/**
 * The own-impact overlay end to end (MODELS.md 6.6, oracle "Impact overlay (linear)" of section 9) on a
 * hand-built flat book with a constant mid: the overlay cost of the schedule each strategy actually filled is
 * the closed sum; OW's tends to lambda_usd S^2 / (2 + beta T) and TWAP's to the continuous uniform rate's as
 * the decision interval shrinks; the cost splits into replay + impact + fees + opportunity; the mids of
 * reversion include the owner's decaying impact; `none` charges nothing; an impact grid runs in one pass.
 */

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NO_PRIOR } from "../../lib/calibration/params.ts";
import { newYorkClockToUtcNs } from "../../lib/core/session.ts";
import { writeMbp10File } from "../../lib/mbp10/writer.ts";
import { fileSource } from "../../lib/ports/fileSource.ts";
import { parseTaskSpec } from "../../lib/specs/taskSpec.ts";
import { runTask, type TaskResult } from "../../lib/task/runTask.ts";
import { fullBatch, type Row } from "../helpers/fullBatch.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();
const DATE = "2024-03-04";
const MID = (100 + 100.02) / 2;
const S = 100_000;
const T = 1800;
const HALF_LIFE = 900;
const BETA = Math.LN2 / HALF_LIFE;
// lambda_usd = lambda sigma_d P / ADV (MODELS.md 2) at the arrival mid
const OVERRIDES = { lambda: 1, half_life_s: HALF_LIFE, sigma_d: 0.02, adv: 10_000_000 };
const LAMBDA_USD = (1 * 0.02 * MID) / 10_000_000;
const at = (clock: string) => newYorkClockToUtcNs(DATE, clock);
const T0 = at("10:00");

/** A flat, deep two-sided book (bid 100.00, ask 100.02, 10M shares each) quoted every second. */
function flatBook(): Row[] {
  const rows: Row[] = [];
  for (let t = at("09:59"); t < at("10:45"); t += 1_000_000_000n)
    rows.push({ t, bids: [[100, 10_000_000]], asks: [[100.02, 10_000_000]] });
  return rows;
}

let file: string | undefined;
async function run(spec: Record<string, unknown>): Promise<TaskResult> {
  if (!file) {
    file = join(dir, "flat.parquet");
    await writeMbp10File(file, [fullBatch(flatBook())]);
  }
  return runTask({
    symbol: "TEST",
    date: DATE,
    sources: [await fileSource(file)],
    spec: parseTaskSpec({
      orders: [{ side: "buy", shares: S, start_times: ["10:00"], horizon_min: T / 60 }],
      strategies: [
        { strategy: "ow", exec: "market" },
        { strategy: "twap", exec: "market" },
      ],
      calibration: { overrides: OVERRIDES },
      ...spec,
    }),
    prior: NO_PRIOR,
  });
}

type R = Record<string, unknown>;
const fillsOf = (r: TaskResult, strategy: string) => r.fills.filter((f) => f.strategy === strategy);
const execOf = (r: TaskResult, strategy: string) => r.executions.find((e) => e.strategy === strategy)!;

/** sum_k q_k (I_k- + lambda q_k / 2), I_k- = sum_{j<k} lambda q_j exp(-beta (t_k - t_j)) (fills in order). */
function closedSum(fills: readonly R[]): number {
  let cost = 0;
  fills.forEach((f, k) => {
    let ik = 0;
    for (let j = 0; j < k; j++)
      ik +=
        LAMBDA_USD *
        Number(fills[j]!.qty) *
        Math.exp(-BETA * (Number(BigInt(f.ts_ns as bigint) - BigInt(fills[j]!.ts_ns as bigint)) / 1e9));
    cost += Number(f.qty) * (ik + (LAMBDA_USD * Number(f.qty)) / 2);
  });
  return cost;
}

const overlayUsd = (fills: readonly R[]) =>
  fills.reduce((a, f) => a + Number(f.qty) * Number(f.impact_usd), 0);

describe("own-impact overlay on a flat book (MODELS.md 9)", () => {
  it("checks the oracle's numbers: OW lambda S^2/(2 + beta T) = 0.29531, continuous TWAP = 0.33109", () => {
    const bt = BETA * T;
    expect(1 / (2 + bt)).toBeCloseTo(0.29531, 5);
    expect((bt - 1 + Math.exp(-bt)) / (bt * bt)).toBeCloseTo(0.33109, 5);
  });

  const normalised: Record<string, number[]> = { "ow/market": [], "twap/market": [] };
  for (const dt of [60, 10, 2]) {
    it(`decision interval ${dt} s: the overlay cost is the closed sum of the filled schedule; the cost splits`, async () => {
      const r = await run({ decision_interval_s: dt });
      const suffix = "/lambda=1,half_life_s=900,sigma_d=0.02,adv=10000000";
      for (const name of ["ow/market", "twap/market"]) {
        const label = `${name}${suffix}`;
        const fills = fillsOf(r, label);
        const e = execOf(r, label);
        expect(e).toMatchObject({ impact_model: "linear", fill_rate: 1, executed_qty: S });
        const paid = overlayUsd(fills);
        expect(Math.abs(paid - closedSum(fills))).toBeLessThanOrEqual(1e-9 * paid);
        // impact_cost_bps = overlay $ / (E m0) x 1e4, and the split adds up: is = replay + impact
        expect(Number(e.impact_cost_bps)).toBeCloseTo((paid / (S * MID)) * 1e4, 9);
        const replayUsd = fills.reduce((a, f) => a + Number(f.qty) * (Number(f.price) - MID), 0);
        const feeUsd = fills.reduce((a, f) => a + Number(f.fee_usd), 0);
        expect(Number(e.is_bps)).toBeCloseTo(((replayUsd + paid) / (S * MID)) * 1e4, 9);
        expect(Number(e.total_cost_bps)).toBeCloseTo(((replayUsd + paid + feeUsd) / (S * MID)) * 1e4, 9);
        // the flat book does not move: reversion is the decay of our own impact over the 5 minutes after T
        const endNs = T0 + BigInt(T) * 1_000_000_000n;
        const iEnd = fills.reduce(
          (a, f) =>
            a +
            LAMBDA_USD * Number(f.qty) * Math.exp((-BETA * Number(endNs - BigInt(f.ts_ns as bigint))) / 1e9),
          0,
        );
        expect(Number(e.end_mid)).toBeCloseTo(MID + iEnd, 9);
        // reversion is positive when the price comes back: the impact decays over the 5 minutes after T_last = T
        expect(Number(e.reversion_bps)).toBeCloseTo((iEnd * -Math.expm1(-BETA * 300) * 1e4) / MID, 6);
        normalised[name]!.push(paid / (LAMBDA_USD * S * S));
      }
    });
  }

  it("as the decision interval shrinks OW tends to 1/(2 + beta T) and TWAP to the uniform rate's cost, OW below", () => {
    const ow = normalised["ow/market"]!;
    const twap = normalised["twap/market"]!;
    expect(ow).toHaveLength(3);
    // measured: ow 0.29942 / 0.29598 / 0.29544, twap 0.33129 / 0.33110 / 0.33109
    for (let i = 0; i < 3; i++) expect(ow[i]!).toBeLessThan(twap[i]!);
    const owErr = ow.map((v) => Math.abs(v - 0.29531));
    const twapErr = twap.map((v) => Math.abs(v - 0.33109));
    expect(owErr[2]!).toBeLessThan(owErr[0]!);
    expect(twapErr[2]!).toBeLessThan(twapErr[0]!);
    expect(owErr[2]!).toBeLessThan(5e-4);
    expect(twapErr[2]!).toBeLessThan(1e-4);
  });

  it("an impact grid runs in one pass: none charges nothing, and the schedules and replay fills are the same", async () => {
    const r = await run({ sim: { impact: ["none", "linear", "sqrt"] } });
    const suffix = "/lambda=1,half_life_s=900,sigma_d=0.02,adv=10000000";
    const labels = r.executions.map((e) => e.strategy);
    expect(labels).toEqual(
      ["none", "linear", "sqrt"].flatMap((m) => [
        `ow/market${suffix}/impact=${m}`,
        `twap/market${suffix}/impact=${m}`,
      ]),
    );
    // what differs between the models by definition: the overlay paid, and the markouts (against the IMPACTED mid)
    const strip = (x: R) => {
      const {
        strategy: _s,
        impact_usd: _i,
        markout_1s_bps: _m1,
        markout_10s_bps: _m10,
        markout_60s_bps: _m60,
        markout_300s_bps: _m300,
        ...rest
      } = x;
      return rest;
    };
    for (const name of ["ow/market", "twap/market"]) {
      const none = execOf(r, `${name}${suffix}/impact=none`);
      expect(none).toMatchObject({ impact_model: "none", impact_cost_bps: 0 });
      expect(fillsOf(r, `${name}${suffix}/impact=none`).every((f) => f.impact_usd === 0)).toBe(true);
      // the replay is the same under every model: same fills at the same prices, and the same children
      for (const m of ["linear", "sqrt"]) {
        const label = `${name}${suffix}/impact=${m}`;
        expect(fillsOf(r, label).map(strip)).toEqual(fillsOf(r, `${name}${suffix}/impact=none`).map(strip));
        expect(r.childOrders.filter((c) => c.strategy === label).map(strip)).toEqual(
          r.childOrders.filter((c) => c.strategy === `${name}${suffix}/impact=none`).map(strip),
        );
        expect(Number(execOf(r, label).impact_cost_bps)).toBeGreaterThan(0);
        expect(execOf(r, label).impact_model).toBe(m);
      }
      // none: is_bps is the replay's alone
      expect(Number(none.is_bps)).toBeCloseTo(((100.02 - MID) / MID) * 1e4, 9);
    }
    // q_ref = 1% of ADV = 100,000 shares = S, so kappa = lambda_usd sqrt(S) and the oracles of docs/models.md 9
    // scale by lambda_usd S^2: 30 children at 60 s cost 0.33129 (linear) and 0.47479 (sqrt); integer children
    // (3333 or 3334 shares) move them by less than 1e-4
    const paid = (n: string, m: string) =>
      overlayUsd(fillsOf(r, `${n}${suffix}/impact=${m}`)) / (LAMBDA_USD * S * S);
    expect(paid("twap/market", "linear")).toBeCloseTo(0.33129, 4);
    expect(paid("twap/market", "sqrt")).toBeCloseTo(0.47479, 4);
    // OW minimises the linear cost: below TWAP under linear; its end blocks (0.29 S < q_ref) pay the
    // concave law's steeper start under sqrt
    expect(paid("ow/market", "linear")).toBeLessThan(paid("twap/market", "linear"));
    expect(paid("ow/market", "sqrt")).toBeGreaterThan(paid("ow/market", "linear"));
  });

  it("on a deep flat book with a constant mid and alpha = 0, ow/market costs less than twap/market on every parent", async () => {
    // buys and sells of 1%, 3% and 10% of ADV at two start times: the replay charges what the scheduler
    // optimises (spread and fees are the same for both; the overlay is where they differ)
    const rows: Row[] = [];
    for (let t = at("09:59"); t < at("11:45"); t += 1_000_000_000n)
      rows.push({ t, bids: [[100, 100_000_000]], asks: [[100.02, 100_000_000]] });
    const deep = join(dir, "deep.parquet");
    await writeMbp10File(deep, [fullBatch(rows)]);
    const r = await runTask({
      symbol: "TEST",
      date: DATE,
      sources: [await fileSource(deep)],
      spec: parseTaskSpec({
        orders: ["buy", "sell"].flatMap((side) =>
          [100_000, 300_000, 1_000_000].map((shares) => ({
            side,
            shares,
            start_times: ["10:00", "10:40"],
            horizon_min: 30,
          })),
        ),
        strategies: [
          { strategy: "ow", exec: "market" },
          { strategy: "twap", exec: "market" },
        ],
        calibration: { overrides: OVERRIDES },
        sim: { impact: ["linear", "sqrt"] },
      }),
      prior: NO_PRIOR,
    });
    const suffix = "/lambda=1,half_life_s=900,sigma_d=0.02,adv=10000000";
    for (const m of ["linear", "sqrt"]) {
      const twap = r.executions.filter((e) => e.strategy === `twap/market${suffix}/impact=${m}`);
      expect(twap).toHaveLength(12);
      for (const t of twap) {
        const ow = r.executions.find(
          (e) => e.strategy === `ow/market${suffix}/impact=${m}` && e.order_id === t.order_id,
        )!;
        expect(ow.fill_rate).toBe(1);
        expect(Number(ow.walk_cost_bps)).toBe(0);
        if (m === "linear")
          expect(Number(ow.total_cost_bps), `${m} ${t.order_id}`).toBeLessThan(Number(t.total_cost_bps));
        else {
          // sqrt is the misspecified truth: OW's end blocks pay its steeper start, so no ranking is promised;
          // the replay still charges spread and fees alike and the overlay is where they differ
          expect(Number(ow.total_cost_bps) - Number(ow.impact_cost_bps)).toBeCloseTo(
            Number(t.total_cost_bps) - Number(t.impact_cost_bps),
            9,
          );
        }
      }
    }
  });
});
