/**
 * Risk controls, properties (issue 15): on a small synthetic day, random specs with random controls on; no
 * fill violates its parent's price limit, no child exceeds max_child_shares, no parent executes more than its
 * notional cap, and the result columns report the controls.
 */

import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { NO_PRIOR } from "../../lib/calibration/params.ts";
import { fileSource } from "../../lib/ports/fileSource.ts";
import { parseTaskSpec } from "../../lib/specs/taskSpec.ts";
import { writeSyntheticDay } from "../../lib/synth/index.ts";
import { runTask } from "../../lib/task/runTask.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir("msor-riskprop-");
const DATE = "2024-03-05";
let input = "";

describe("risk controls (property)", () => {
  beforeAll(async () => {
    input = join(dir, `${DATE}.parquet`);
    await writeSyntheticDay(input, {
      symbol: "SYNT",
      date: DATE,
      venues: 2,
      eventsPerVenue: 15_000,
      seed: 11,
    });
  });

  it("with any control on, no fill violates it", async () => {
    const _run = 0;
    const seen = { limitHit: 0, capped: 0, skips: 0, notionalBound: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          side: fc.constantFrom("buy", "sell"),
          shares: fc.integer({ min: 200, max: 5000 }),
          limit_bps: fc.option(fc.double({ min: 0, max: 20, noNaN: true }), { nil: undefined }),
          max_notional_usd: fc.option(fc.integer({ min: 5_000, max: 400_000 }), { nil: undefined }),
          max_spread_bps: fc.option(fc.double({ min: 0.5, max: 30, noNaN: true }), { nil: undefined }),
          max_child_shares: fc.option(fc.integer({ min: 1, max: 2000 }), { nil: undefined }),
          max_participation: fc.option(fc.double({ min: 0.01, max: 1, noNaN: true }), { nil: undefined }),
          exec: fc.constantFrom("market", "sor"),
          strategy: fc.constantFrom("immediate", "twap", "ow", "myopic"),
        }),
        async (p) => {
          const spec = parseTaskSpec({
            orders: [
              {
                side: p.side,
                shares: p.shares,
                start_times: ["10:00", "12:00"],
                horizon_min: 10,
                ...(p.limit_bps !== undefined ? { limit_bps: p.limit_bps } : {}),
                ...(p.max_notional_usd !== undefined ? { max_notional_usd: p.max_notional_usd } : {}),
              },
            ],
            strategies: [{ strategy: p.strategy, exec: p.exec }],
            router: { samples: 50 },
            risk: {
              ...(p.max_spread_bps !== undefined ? { max_spread_bps: p.max_spread_bps } : {}),
              ...(p.max_child_shares !== undefined ? { max_child_shares: p.max_child_shares } : {}),
              ...(p.max_participation !== undefined ? { max_participation: p.max_participation } : {}),
            },
          });
          const r = await runTask({
            symbol: "SYNT",
            date: DATE,
            sources: [await fileSource(input)],
            spec,
            prior: NO_PRIOR,
          });
          const s = p.side === "buy" ? 1 : -1;
          for (const e of r.executions) {
            const label = `${e.strategy} ${e.order_id}`;
            const fills = r.fills.filter((f) => f.order_id === e.order_id);
            const children = r.childOrders.filter((c) => c.order_id === e.order_id);
            if (p.limit_bps !== undefined) {
              const m0 = Number(e.arrival_mid);
              const bound = m0 * (1 + (s * p.limit_bps) / 1e4);
              expect(Number(e.limit_price), label).toBeCloseTo(
                s === 1 ? Math.floor(bound * 100 + 1e-6) / 100 : Math.ceil(bound * 100 - 1e-6) / 100,
                9,
              );
              for (const f of fills) expect(s * (Number(f.price) - bound), label).toBeLessThanOrEqual(1e-6);
              expect(typeof e.limit_hit).toBe("boolean");
            } else expect(e.limit_hit).toBeNull();
            if (p.max_notional_usd !== undefined) {
              const cap = Math.floor(p.max_notional_usd / Number(e.arrival_mid));
              expect(e.notional_cap_qty, label).toBe(cap);
              expect(Number(e.executed_qty), label).toBeLessThanOrEqual(cap);
            }
            if (p.max_child_shares !== undefined)
              for (const c of children) expect(Number(c.qty), label).toBeLessThanOrEqual(p.max_child_shares);
            expect(Number(e.executed_qty)).toBeLessThanOrEqual(p.shares);
            if (e.limit_hit === true) seen.limitHit++;
            if (Number(e.capped_shares) > 0) seen.capped++;
            if (Number(e.spread_guard_skips) > 0) seen.skips++;
            if (Number(e.notional_cap_qty) < p.shares) seen.notionalBound++;
            if (p.max_spread_bps === undefined) expect(e.spread_guard_skips).toBe(0);
            if (p.max_child_shares === undefined && p.max_participation === undefined)
              expect(e.capped_shares).toBe(0);
          }
        },
      ),
      { numRuns: 12, seed: 15 },
    );
    // the controls did bind in these runs (the property is not vacuous)
    for (const [k, n] of Object.entries(seen)) expect(n, k).toBeGreaterThan(0);
  }, 300_000);
});
