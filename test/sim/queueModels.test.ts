import { describe, expect, it } from "vitest";
import { flatFees, venueFees } from "../../lib/sim/fees.ts";
import { logProb, logProbQueue, powerProb, probQueue, riskAverse } from "../../lib/sim/queueModels.ts";

describe("queue models (MODELS.md 6.3)", () => {
  it("risk_averse never advances on a cancel", () => {
    expect(riskAverse().advanceOnCancel(500, 300, 200)).toBe(0);
  });

  it("prob(n) advances by (1 - p) c with p = behind^n / (behind^n + ahead^n)", () => {
    // p = 300 / 800 = 0.375 -> 0.625 * 200 = 125
    expect(probQueue(1).advanceOnCancel(500, 300, 200)).toBeCloseTo(125, 12);
    // p = 0.09 / (0.09 + 0.25) -> (0.25 / 0.34) * 200
    expect(probQueue(2).advanceOnCancel(500, 300, 200)).toBeCloseTo((0.25 / 0.34) * 200, 10);
    // nobody behind: the cancel was ahead of us
    expect(probQueue(3).advanceOnCancel(500, 0, 200)).toBe(200);
    // nobody ahead: nothing to advance
    expect(probQueue(1).advanceOnCancel(0, 300, 200)).toBe(0);
  });

  it("prob(n) moves the part of a cancel that cannot come from behind to the front (hftbacktest)", () => {
    // p = 0.75, (1 - p) 5 = 1.25, p 5 - behind = 0.75 -> 2
    expect(probQueue(1).advanceOnCancel(1, 3, 5)).toBeCloseTo(2, 12);
  });

  it("prob(n) does not overflow for large exponents", () => {
    expect(probQueue(400).advanceOnCancel(10, 1e6, 5)).toBe(0);
    expect(probQueue(400).advanceOnCancel(1e6, 10, 5)).toBe(5);
  });

  it("rejects a non-positive exponent with a message", () => {
    expect(() => probQueue(0)).toThrow(/exponent n must be/);
  });

  it("fee schedules", () => {
    expect(flatFees(0.003, 0.002).takerFeeUsd(5, 100)).toBe(0.003);
    const f = venueFees([0.003, 0.001], [0.002, 0.0025]);
    expect([f.takerFeeUsd(1, 100), f.makerRebateUsd(0, 100), f.makerRebateUsd(7, 100)]).toEqual([
      0.001, 0.002, 0.0025,
    ]);
  });
});

describe("queue model life and probability functions (hftbacktest shape)", () => {
  it("power and log prob functions", () => {
    expect(powerProb(2)(500, 300)).toBeCloseTo(0.09 / 0.34, 12);
    // log: ln(1 + behind) / (ln(1 + behind) + ln(1 + ahead))
    expect(logProb()(500, 300)).toBeCloseTo(Math.log(301) / (Math.log(301) + Math.log(501)), 12);
    expect(logProb()(500, 0)).toBe(0);
    // the log model: advance = (1 - p) c + max(0, p c - behind)
    const p = Math.log(301) / (Math.log(301) + Math.log(501));
    expect(logProbQueue().advanceOnCancel(500, 300, 200)).toBeCloseTo((1 - p) * 200, 10);
    expect(logProbQueue().advanceOnCancel(500, 0, 200)).toBe(200);
  });

  it("arrive, trade at our price, level change", () => {
    const m = probQueue(1);
    const o = { ahead: 0, lastSize: 0 };
    m.arrive(o, 500);
    expect(o).toEqual({ ahead: 500, lastSize: 500 });
    // a 200-share trade at our price: 200 shares of the queue in front go, nothing fills us yet
    expect(m.tradeAtPrice(o, 200, 0, 0)).toBe(-300);
    expect(o.ahead).toBe(300);
    // the book then shows 500 - 200 (traded) - 100 (cancel): ahead 300, behind 500 - 200 - 300 = 0 -> all ahead
    m.levelChange(o, 200, 200);
    expect(o).toEqual({ ahead: 200, lastSize: 200 });
    // a 250-share trade: the 200 in front go and 50 fill us
    expect(m.tradeAtPrice(o, 250, 0, 0)).toBe(50);
    expect(o.ahead).toBe(0);
    // the displayed size caps the queue in front
    const r = riskAverse();
    const q = { ahead: 0, lastSize: 0 };
    r.arrive(q, 400);
    r.levelChange(q, 100, 0);
    expect(q).toEqual({ ahead: 100, lastSize: 100 });
  });
});
