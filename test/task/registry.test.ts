/**
 * Adding a model is one factory plus one registry line: a test-only strategy (with its own parameter) and a
 * test-only queue model are registered here and run through a whole backtest; the spec learns their names
 * and the parameter's scope from the registries.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { InputError } from "../../lib/core/errors.ts";
import { Registry } from "../../lib/core/registry.ts";
import { runLocalBacktest } from "../../lib/pipeline/localBacktest.ts";
import { constrained } from "../../lib/schedule/constraints.ts";
import { queueModel } from "../../lib/sim/queueModels.ts";
import { QUEUE_MODELS } from "../../lib/sim/registry.ts";
import { parseTaskSpec } from "../../lib/specs/taskSpec.ts";
import { writeSyntheticDay } from "../../lib/synth/index.ts";
import { STRATEGIES, strategyLabel } from "../../lib/task/strategies.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();

// a test-only strategy: `front` of the parent at the first decision, nothing in between, the rest at the last
STRATEGIES.register("test_front", {
  params: {
    front: { doc: "share sent at k = 0", schema: () => z.number().min(0).max(1), fallback: () => 0.5 },
  },
  make: (b) =>
    constrained(
      { name: "test_front", target: (d) => (d.k === 0 ? (b.param("front") as number) * d.parentQty : 0) },
      b.options,
    ),
});
// a test-only queue model: every cancel at our level was in front of us
QUEUE_MODELS.register("test_all_ahead", {
  description: "test only: cancels always advance us",
  make: () => queueModel("test_all_ahead", (_ahead, _behind, cancelled) => cancelled),
});

describe("registries", () => {
  it("a registered strategy and queue model run through a backtest", async () => {
    const p = join(dir, "in", "2024-03-04.parquet");
    await writeSyntheticDay(p, {
      symbol: "REG",
      date: "2024-03-04",
      venues: 2,
      eventsPerVenue: 40_000,
      seed: 5,
    });
    const spec = parseTaskSpec({
      orders: [{ side: "buy", shares: 2000, start_times: ["10:00"], horizon_min: 10 }],
      strategies: [
        { strategy: "test_front", exec: "market", front: 0.25 },
        { strategy: "test_front", exec: "sor" },
      ],
      sim: { queue_model: "test_all_ahead" },
      router: { samples: 100 },
    });
    expect(spec.strategies.map(strategyLabel)).toEqual([
      "test_front/market/front=0.25",
      "test_front/sor/front=0.5",
    ]);
    const out = join(dir, "out");
    const r = await runLocalBacktest({
      paths: [p],
      spec,
      outDir: out,
      runId: "reg",
      includeUncalibrated: true,
    });
    expect(r.executions.map((e) => [e.strategy, e.strategy_name, e.fill_rate])).toEqual([
      ["test_front/market/front=0.25", "test_front", 1],
      ["test_front/sor/front=0.5", "test_front", 1],
    ]);
    const { duckQuery } = await import("../helpers/duckdb.ts");
    const kids = await duckQuery(
      `select strategy, child_index::int as k, qty::int as q, overfill_shares::int as o from read_parquet('${join(out, "results", "child_orders", "**", "*.parquet")}') order by 1, 2`,
    );
    // 10 one-minute decisions: the front share at k = 0, the rest at the last decision (k = 9); shares the
    // first router child overfilled (MODELS.md 5) are not sent again
    const over = Number(kids[2]?.o);
    expect(over).toBeGreaterThanOrEqual(0);
    expect(kids.map(({ strategy, k, q }) => ({ strategy, k, q }))).toEqual([
      { strategy: "test_front/market/front=0.25", k: 0, q: 500 },
      { strategy: "test_front/market/front=0.25", k: 9, q: 1500 },
      { strategy: "test_front/sor/front=0.5", k: 0, q: 1000 },
      { strategy: "test_front/sor/front=0.5", k: 9, q: 1000 - over },
    ]);
  });

  it("the spec takes names and parameter scopes from the registries", () => {
    expect(() => parseTaskSpec({ strategies: [{ strategy: "twap", front: 0.5 }] })).toThrow(
      /front applies to the test_front strategy only/,
    );
    expect(() => parseTaskSpec({ strategies: [{ strategy: "test_front", front: 2 }] })).toThrow(/front/);
    expect(() => parseTaskSpec({ sim: { queue_model: "nope" } })).toThrow(/sim\.queue_model/);
    expect(parseTaskSpec({}).sim).toMatchObject({
      queue_model: "prob2",
      latency_model: "constant",
      latency_ms: 1,
    });
  });

  it("a queue model takes its parameters from the spec like a strategy (prob with power n = probN)", async () => {
    const p = join(dir, "in", "2024-03-05.parquet");
    await writeSyntheticDay(p, {
      symbol: "REG",
      date: "2024-03-05",
      venues: 2,
      eventsPerVenue: 40_000,
      seed: 6,
    });
    const run = async (sim: Record<string, unknown>, tag: string) =>
      (
        await runLocalBacktest({
          paths: [p],
          spec: parseTaskSpec({
            orders: [
              { side: "buy", shares: 3000, start_times: ["10:00", "13:00"], horizon_min: 20 },
              { side: "sell", shares: 3000, start_times: ["10:00", "13:00"], horizon_min: 20 },
            ],
            strategies: [{ strategy: "twap", exec: "sor" }],
            sim,
            router: { samples: 100 },
          }),
          outDir: join(dir, `q-${tag}`),
          runId: tag,
          includeUncalibrated: true,
        })
      ).executions.map((e) => [e.order_id, e.fill_rate, e.passive_share, e.is_bps]);
    const prob2 = await run({ queue_model: "prob2" }, "prob2");
    expect(await run({ queue_model: "prob", queue_params: { power: 2 } }, "power2")).toEqual(prob2);
    expect(await run({ queue_model: "prob" }, "fallback")).toEqual(prob2); // the declared fallback, power 2
    const prob1 = await run({ queue_model: "prob1" }, "prob1");
    expect(await run({ queue_model: "prob", queue_params: { power: 1 } }, "power1")).toEqual(prob1);
    expect(prob1).not.toEqual(prob2); // the power reaches the fills
    // refused with the model's own words: a parameter it does not declare, a value its schema refuses
    expect(() => parseTaskSpec({ sim: { queue_model: "prob", queue_params: { powr: 2 } } })).toThrow(
      /sim\.queue_params\.powr: queue model prob takes the parameters power, not "powr"/,
    );
    expect(() => parseTaskSpec({ sim: { queue_model: "risk_averse", queue_params: { power: 2 } } })).toThrow(
      /queue model risk_averse takes no parameters, not "power"/,
    );
    expect(() => parseTaskSpec({ sim: { queue_model: "prob", queue_params: { power: 0 } } })).toThrow(
      /queue_params\.power: power n of the probabilistic queue/,
    );
  }, 120_000);

  it("a registry refuses duplicate and malformed names and lists the known ones", () => {
    const r = new Registry<number>("widget").register("a", 1, { isDefault: true }).register("b", 2);
    expect(r.names()).toEqual(["a", "b"]);
    expect(r.default).toBe("a");
    expect(r.get("b")).toBe(2);
    expect(() => r.get("c")).toThrow(/unknown widget "c": use one of a, b/);
    expect(() => r.register("a", 3)).toThrow(InputError);
    expect(() => r.register("Bad Name", 3)).toThrow(/lower-case/);
    expect(() => new Registry<number>("empty").default).toThrow(/no default empty/);
  });
});
