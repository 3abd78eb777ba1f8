/**
 * The backtest spec: which parent orders to execute, with which strategies and parameters, and the model
 * settings. Validated with zod at the edge (CLI file, sweep manifest); everything downstream trusts it.
 * `DEFAULT_SPEC` is the documented default of `msor backtest` (README "Backtest spec").
 */
import { z } from "zod";
import { InputError } from "../core/errors.ts";
import { parseClock } from "../core/session.ts";

const clock = z.string().refine(
  (s) => {
    try {
      parseClock(s);
      return true;
    } catch {
      return false;
    }
  },
  { message: "expected HH:MM (New York time)" },
);

export const STRATEGY_NAMES = ["immediate", "twap", "vwap", "pov", "ow", "myopic"] as const;
export const ALPHA_KINDS = ["none", "ofi", "imbalance", "oracle"] as const;

export const StrategySpec = z
  .object({
    strategy: z.enum(STRATEGY_NAMES),
    /** market: every child is a market order; sor: every child goes through the Cont-Kukanov router. */
    exec: z.enum(["market", "sor"]).default("market"),
    /** pov participation rate (fraction of the previous interval's market volume). */
    rho: z.number().positive().max(1).optional(),
    /** alpha model of the myopic strategy. */
    alpha: z.enum(ALPHA_KINDS).optional(),
    /** participation cap: at most this fraction of the forecast interval volume per child (0 = none). */
    rho_max: z.number().min(0).max(1).optional(),
  })
  .strict()
  .refine((s) => s.alpha === undefined || s.strategy === "myopic", {
    message: "alpha applies to the myopic strategy only",
  })
  .refine((s) => s.rho === undefined || s.strategy === "pov", {
    message: "rho applies to the pov strategy only",
  });
export type StrategySpec = z.infer<typeof StrategySpec>;

export const ParentOrderSpec = z
  .object({
    side: z.enum(["buy", "sell"]).default("buy"),
    /** size: either shares or percent of ADV (1 = 1% of ADV). */
    shares: z.number().int().positive().optional(),
    pct_adv: z.number().positive().max(100).optional(),
    /** start times, New York wall clock. */
    start_times: z.array(clock).min(1).default(["10:00", "11:30", "14:00"]),
    horizon_min: z.number().positive().max(390).default(30),
  })
  .strict()
  .refine((o) => (o.shares === undefined) !== (o.pct_adv === undefined), {
    message: "give exactly one of shares or pct_adv",
  });
export type ParentOrderSpec = z.infer<typeof ParentOrderSpec>;

export const TaskSpec = z
  .object({
    seed: z.number().int().min(0).default(1),
    orders: z
      .array(ParentOrderSpec)
      .min(1)
      .default([{ side: "buy", pct_adv: 1, start_times: ["10:00", "11:30", "14:00"], horizon_min: 30 }]),
    strategies: z
      .array(StrategySpec)
      .min(1)
      .default([
        { strategy: "immediate", exec: "market" },
        { strategy: "twap", exec: "market" },
        { strategy: "twap", exec: "sor" },
        { strategy: "vwap", exec: "market" },
        { strategy: "pov", exec: "market", rho: 0.1 },
        { strategy: "ow", exec: "market" },
        { strategy: "myopic", exec: "sor", alpha: "imbalance" },
        { strategy: "myopic", exec: "sor", alpha: "ofi" },
      ]),
    decision_interval_s: z.number().positive().default(60),
    router: z
      .object({
        horizon_s: z.number().positive().default(300),
        theta_usd: z.number().min(0).default(0.0005),
        lambda_u_usd: z.number().min(0).default(0.05),
        lambda_o_usd: z.number().min(0).default(0.05),
        samples: z.number().int().min(10).max(100_000).default(1000),
      })
      .strict()
      .default({ horizon_s: 300, theta_usd: 0.0005, lambda_u_usd: 0.05, lambda_o_usd: 0.05, samples: 1000 }),
    fees: z
      .object({
        /** $/share paid on market (taker) executions */
        taker_fee_usd: z.number().min(0).default(0.003),
        /** $/share received on passive (maker) fills */
        maker_rebate_usd: z.number().min(0).default(0.002),
      })
      .strict()
      .default({ taker_fee_usd: 0.003, maker_rebate_usd: 0.002 }),
    sim: z
      .object({
        latency_ms: z.number().min(0).default(1),
        /** risk_averse, or prob1 / prob2 / prob3 (ProbQueueModel with power n) */
        queue_model: z.enum(["risk_averse", "prob1", "prob2", "prob3"]).default("prob2"),
        /**
         * seconds after the parent's end T during which its last orders (e.g. the catch-up sent at T) may still
         * fill; then everything unfilled is cancelled and shows as fill_rate < 1
         */
        end_grace_s: z.number().min(0).max(3600).default(300),
      })
      .strict()
      .default({ latency_ms: 1, queue_model: "prob2", end_grace_s: 300 }),
    calibration: z
      .object({ lookback_days: z.number().int().min(1).max(60).default(5) })
      .strict()
      .default({ lookback_days: 5 }),
  })
  .strict();
export type TaskSpec = z.infer<typeof TaskSpec>;

/** Parse and validate a spec (object from JSON); errors name the field and what is expected. */
export function parseTaskSpec(value: unknown, where = "spec"): TaskSpec {
  const r = TaskSpec.safeParse(value ?? {});
  if (!r.success) {
    const issues = r.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`)
      .join("; ");
    throw new InputError(`invalid ${where}: ${issues}`);
  }
  return r.data;
}

/** The default spec (every strategy, buy 1% of ADV at 10:00, 11:30, 14:00 New York, 30-minute horizon). */
export const DEFAULT_SPEC: TaskSpec = parseTaskSpec({});

/** Stable label of a strategy instance, e.g. "myopic/sor/alpha=ofi" or "pov/market/rho=0.1". */
export function strategyLabel(s: StrategySpec): string {
  const params: string[] = [];
  if (s.strategy === "myopic") params.push(`alpha=${s.alpha ?? "none"}`);
  if (s.strategy === "pov") params.push(`rho=${s.rho ?? 0.1}`);
  if (s.rho_max) params.push(`cap=${s.rho_max}`);
  return [s.strategy, s.exec, ...params].join("/");
}
