/**
 * The router's per-venue fee f and rebate r_k from a spec's fee schedule (docs/models.md 5 and 1b, issue 25):
 * the MODELS.md 9 single-venue oracle with f and r given as an instrument's $ per contract (x50), and two venues
 * whose rebates differ: more limit volume goes to the higher rebate.
 */
import { describe, expect, it } from "vitest";
import { VenueBooks } from "../../lib/book/venueBooks.ts";
import { resolveInstrument } from "../../lib/core/instrument.ts";
import { Rng } from "../../lib/core/rng.ts";
import { closedFormSingleVenue, exponentialOutflowQuantile } from "../../lib/router/closedForm.ts";
import { exponentialOutflow } from "../../lib/router/outflow.ts";
import { instrumentFees } from "../../lib/sim/fees.ts";
import { parseTaskSpec } from "../../lib/specs/taskSpec.ts";
import type { ExecutionContext } from "../../lib/task/executionTypes.ts";
import { routeChild } from "../../lib/task/routeChild.ts";
import { batch } from "../sim/helpers.ts";

const OUT = exponentialOutflow(3000);

/** A context with the books of `names` (each bid 100 x 2000, ask 100.04) and the spec's fees and router. */
function context(specValue: Record<string, unknown>, names: string[]): ExecutionContext {
  const spec = parseTaskSpec(specValue);
  const inst = resolveInstrument(spec.instruments, "ESM4", spec.fees);
  const books = new VenueBooks(names.length, 3);
  const b = batch(names.map((_, v) => ({ t: 0, v, bids: [[100, 2000]], asks: [[100.04, 500]] })));
  for (let i = 0; i < b.length; i++) books.onRecord(b, i);
  const fees = instrumentFees(inst.fees, inst.multiplier, (v) => names[v]);
  return {
    sim: { books, fees },
    venueNames: () => names,
    makerRebateUsd: Number.NaN, // never read while every venue has a price
    adverseUsd: () => Number.NaN, // no adverse selection: r_k is the schedule's rebate
    outflow: () => OUT,
    router: {
      takerFeeUsd: Number.NaN, // never read while a venue shows the opposite best
      thetaUsd: spec.router.theta_usd,
      lambdaU: spec.router.lambda_u_usd,
      lambdaO: spec.router.lambda_o_usd,
      horizonS: spec.router.horizon_s,
      samples: spec.router.samples,
    },
  } as unknown as ExecutionContext;
}

const ORACLE = { x: 1000, q: 2000, h: 0.02, f: 0.003, r: 0.002, theta: 0.0005, lambdaU: 0.05 };

describe("router fees from the spec's schedule (MODELS.md 9 oracle, docs/models.md 1b)", () => {
  it("ES fees in $ per contract (f = $0.15, r = $0.10, x50) are the oracle's f = 0.003, r = 0.002 points: L* = 908", () => {
    const ctx = context(
      {
        instrument: { preset: "ES", fees: { taker_fee_usd: 0.15, maker_rebate_usd: 0.1 } },
        router: { horizon_s: 60 },
      },
      ["GLBX"],
    );
    const cf = closedFormSingleVenue(
      ORACLE.x,
      ORACLE.q,
      {
        halfSpreadUsd: ORACLE.h,
        takerFeeUsd: ORACLE.f,
        rebateUsd: ORACLE.r,
        thetaUsd: ORACLE.theta,
        lambdaU: 0.05,
      },
      exponentialOutflowQuantile(3000, 60),
    );
    expect(cf.limit).toBeCloseTo(908.2, 0);
    for (const seed of [1, 2, 3]) {
      const r = routeChild(ctx, 1, 1000, 60, () => 0, new Rng(seed))!;
      expect(Math.abs(r.alloc.limits[0]! - cf.limit)).toBeLessThanOrEqual(20);
      expect(r.alloc.market + r.alloc.limits[0]!).toBe(1000);
    }
  });

  it("a venue's own schedule replaces the default: a $0.50 rebate (r = 0.01) moves L* to its closed form", () => {
    const ctx = context(
      {
        instrument: {
          preset: "ES",
          fees: { taker_fee_usd: 0.15, maker_rebate_usd: 0.1, venues: { GLBX: { maker_rebate_usd: 0.5 } } },
        },
        router: { horizon_s: 60 },
      },
      ["GLBX"],
    );
    const cf = closedFormSingleVenue(
      1000,
      2000,
      { halfSpreadUsd: 0.02, takerFeeUsd: 0.003, rebateUsd: 0.01, thetaUsd: 0.0005, lambdaU: 0.05 },
      exponentialOutflowQuantile(3000, 60),
    );
    const r = routeChild(ctx, 1, 1000, 60, () => 0, new Rng(1))!;
    expect(Math.abs(r.alloc.limits[0]! - cf.limit)).toBeLessThanOrEqual(20);
    // and the equity default in $/share (multiplier 1) is the oracle itself
    const eq = context(
      { fees: { taker_fee_usd: 0.003, maker_rebate_usd: 0.002 }, router: { horizon_s: 60 } },
      ["XNAS"],
    );
    const e = routeChild(eq, 1, 1000, 60, () => 0, new Rng(1))!;
    expect(Math.abs(e.alloc.limits[0]! - 908.2)).toBeLessThanOrEqual(20);
  });

  it("two venues, rebates differ: more limit volume goes to the higher rebate (either way round)", () => {
    // theta = 0.01 per contract sent makes the allocation interior (at theta = 0.0005 both venues take X)
    const two = (ra: number, rb: number) =>
      context(
        {
          instrument: {
            preset: "ES",
            fees: {
              taker_fee_usd: 0.15,
              venues: { A: { maker_rebate_usd: ra }, B: { maker_rebate_usd: rb } },
            },
          },
          router: { horizon_s: 60, theta_usd: 0.01 },
        },
        ["A", "B"],
      );
    const same = routeChild(two(0.1, 0.1), 1, 1000, 60, () => 0, new Rng(1))!.alloc;
    const bHigher = routeChild(two(0.1, 0.6), 1, 1000, 60, () => 0, new Rng(1))!.alloc;
    const aHigher = routeChild(two(0.6, 0.1), 1, 1000, 60, () => 0, new Rng(1))!.alloc;
    expect(Math.abs(same.limits[0]! - same.limits[1]!)).toBeLessThan(30);
    expect(bHigher.limits[1]! - bHigher.limits[0]!).toBeGreaterThan(100);
    expect(aHigher.limits[0]! - aHigher.limits[1]!).toBeGreaterThan(100);
    expect(bHigher.limits[1]!).toBeGreaterThan(same.limits[1]!);
    // a maker FEE (negative rebate) on B sends its volume to A
    const bFee = routeChild(two(0.1, -0.6), 1, 1000, 60, () => 0, new Rng(1))!.alloc;
    expect(bFee.limits[0]!).toBeGreaterThan(bFee.limits[1]!);
  });

  it("f is the taker fee of the venue at the opposite best: a bps fee at the ask price", () => {
    const ctx = context(
      {
        instrument: { preset: "ES", fees: { taker_fee_bps: 0.3, maker_rebate_usd: 0.1 } },
        router: { horizon_s: 60 },
      },
      ["GLBX"],
    );
    // 0.3 bps of 100.04 = 0.0030012 points per contract, about the oracle's f: L* within 20 of 908
    const r = routeChild(ctx, 1, 1000, 60, () => 0, new Rng(1))!;
    expect(Math.abs(r.alloc.limits[0]! - 908.2)).toBeLessThanOrEqual(20);
    expect(ctx.sim.fees.takerFeeUsd(0, 100.04)).toBeCloseTo(0.3e-4 * 100.04, 15);
  });
});
