/**
 * msor status / the sweep's "per strategy so far" table: the baseline twap/market has no comparison with itself
 * ("-", was vs_twap_bps 0 and win_rate 0 on its "(default parameters)" row); the other strategies keep theirs.
 */
import { describe, expect, it } from "vitest";
import { STATUS_TABLE_COLUMNS, strategyRows } from "../../lib/cli/commands/sweep.ts";
import { formatTable } from "../../lib/cli/output.ts";
import type { RunStatus } from "../../lib/pipeline/runStatus.ts";
import { aggregateExecutions } from "../../lib/report/strategyAggregates.ts";

const row = (strategy: string, order: number, cost: number, calibration = "prior_days") => ({
  symbol: "ESH4",
  date: "2024-03-05",
  order_id: `o${order}`,
  strategy,
  status: "filled",
  calibration_source: calibration,
  total_cost_bps: cost,
  executed_qty: 100,
});

describe("status strategy rows", () => {
  it("show '-' for the baseline's own comparison, calibrated and default days alike", () => {
    const aggregates = aggregateExecutions([
      row("twap/market", 1, 5),
      row("twap/sor", 1, 3),
      row("twap/market", 2, 7),
      row("twap/sor", 2, 8),
      row("twap/market", 3, -2, "default"),
      row("twap/sor", 3, -3, "default"),
    ]);
    // the baseline of a parameter set is not paired with itself
    expect(aggregates["twap/market (default parameters)"]!.vs_twap).toBeNull();
    const rows = strategyRows({ aggregates } as unknown as RunStatus);
    expect(rows).toEqual([
      { strategy: "twap/market", orders: 2, cost_bps: 6, vs_twap_bps: undefined, win_rate: undefined },
      {
        strategy: "twap/market (default parameters)",
        orders: 1,
        cost_bps: -2,
        vs_twap_bps: undefined,
        win_rate: undefined,
      },
      { strategy: "twap/sor", orders: 2, cost_bps: 5.5, vs_twap_bps: -0.5, win_rate: 0.5 },
      { strategy: "twap/sor (default parameters)", orders: 1, cost_bps: -3, vs_twap_bps: -1, win_rate: 1 },
    ]);
    const text = formatTable(rows, STATUS_TABLE_COLUMNS, 2).split("\n");
    expect(text[3]).toMatch(/^twap\/market \(default parameters\)\s+1\s+-2\s+-\s+-$/);
  });
});
