import { describe, expect, it } from "vitest";
import { riskActive, riskTable } from "../../lib/report/riskSummary.ts";

describe("riskTable (msor backtest and the run report)", () => {
  const row = (strategy: string, o: Record<string, unknown> = {}) => ({
    strategy,
    status: "ok",
    parent_qty: 1000,
    limit_hit: false,
    notional_cap_qty: null,
    spread_guard_skips: 0,
    capped_shares: 0,
    halt_skips: 0,
    halted_s: 0,
    ...o,
  });

  it("counts per strategy over the ok parents; a cap below the parent counts as notional capped", () => {
    const t = riskTable([
      row("a", { limit_hit: true, notional_cap_qty: 999, spread_guard_skips: 3, capped_shares: 40 }),
      row("a", { notional_cap_qty: 1000, halt_skips: 2, halted_s: 12.5 }),
      row("a", { status: "no_data", limit_hit: true }),
      row("b"),
    ]);
    expect(t).toEqual([
      {
        strategy: "a",
        parents: 2,
        limit_hit: 1,
        notional_capped: 1,
        spread_guard_skips: 3,
        capped_shares: 40,
        halt_skips: 2,
        halted_s: 12.5,
      },
      {
        strategy: "b",
        parents: 1,
        limit_hit: 0,
        notional_capped: 0,
        spread_guard_skips: 0,
        capped_shares: 0,
        halt_skips: 0,
        halted_s: 0,
      },
    ]);
    expect(riskActive(t)).toBe(true);
    expect(riskActive(riskTable([row("a"), row("b")]))).toBe(false);
    expect(riskActive(riskTable([row("a", { halted_s: 1 })]))).toBe(true);
  });
});
