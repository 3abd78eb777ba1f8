/**
 * The resolved input of one task: what runTask needs to know about parent orders, strategies and models, and the
 * zod schema it is DERIVED from (TaskConfig = the schema's output, read-only). lib/specs/taskSpec.ts parses user
 * specs with this schema (and words its issues); lib/task trusts the result. Model names are registry names
 * (lib/sim/registry.ts, lib/alpha/registry.ts, lib/task/strategies.ts): the schema's enums and defaults come from
 * the registries, built at parse time so that models registered later are known.
 */
import { z } from "zod";
import {
  type CalibrationOverrides,
  expandOverrideGrid,
  OVERRIDE_KEYS,
  OVERRIDE_TARGET,
  overrideSetName,
} from "../calibration/overrides.ts";
import { CALENDARS } from "../core/calendars.ts";
import { INSTRUMENT_PRESETS } from "../core/instrument.ts";
import { paramIssues } from "../core/registry.ts";
import { parseClock } from "../core/session.ts";
import { didYouMean } from "../core/suggest.ts";
import { IMPACT_MODELS, LATENCY_MODELS, QUEUE_MODELS } from "../sim/registry.ts";
import { DEFAULT_POV_RHO, STRATEGIES } from "./strategies.ts";
import type { StrategyConfig } from "./strategyConfig.ts";

export type { ExecMode, StrategyConfig } from "./strategyConfig.ts";

/** Order-entry latency when the spec gives none, milliseconds. */
const DEFAULT_LATENCY_MS = 1;

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

/**
 * Schema of one strategy instance, built from the strategy registry (lib/task/strategies.ts): the names, and
 * each strategy-specific parameter (optional, refused for strategies that do not declare it). Built at parse
 * time so that strategies and alpha models registered later are known.
 */
export function strategySpecSchema(): z.ZodType<StrategyConfig> {
  const shape: Record<string, z.ZodType> = {
    strategy: z.enum(STRATEGIES.enumValues()),
    /** market: every child is a market order; sor: every child goes through the Cont-Kukanov router. */
    exec: z.enum(["market", "sor"]).default("market"),
  };
  const owners = new Map<string, string[]>();
  for (const name of STRATEGIES.names()) {
    for (const [param, def] of Object.entries(STRATEGIES.get(name).params)) {
      if (!owners.has(param)) {
        owners.set(param, []);
        shape[param] = def.schema().optional();
      }
      owners.get(param)!.push(name);
    }
  }
  /** participation cap: at most this fraction of the forecast interval volume per child (0 = none). */
  shape.rho_max = z.number().min(0).max(1).optional();
  let schema: z.ZodType = z.object(shape).strict();
  for (const [param, names] of owners) {
    schema = schema.refine(
      (s) =>
        (s as Record<string, unknown>)[param] === undefined || names.includes((s as StrategyConfig).strategy),
      { message: `${param} applies to the ${names.join("/")} strategy only` },
    );
  }
  return schema as z.ZodType<StrategyConfig>;
}

const ParentOrderSpec = z
  .object({
    side: z.enum(["buy", "sell"]).default("buy"),
    /** size: either shares or percent of ADV (1 = 1% of ADV). */
    shares: z.number().int().positive().optional(),
    pct_adv: z.number().positive().max(100).optional(),
    /** start times, New York wall clock. */
    start_times: z.array(clock).min(1).default(["10:00", "11:30", "14:00"]),
    horizon_min: z.number().positive().max(390).default(30),
    /** price limit, bps of the arrival mid (buy <= m0 (1 + bps/1e4), sell >= m0 (1 - bps/1e4)); absent = none */
    limit_bps: z.number().min(0).max(10_000).optional(),
    /** the parent is capped at floor(max_notional_usd / m0) shares; absent = none */
    max_notional_usd: z.number().positive().optional(),
  })
  .strict()
  .refine((o) => (o.shares === undefined) !== (o.pct_adv === undefined), {
    message: "give exactly one of shares or pct_adv",
  });

/**
 * `calibration.overrides`: one override set or a list of sets; any value may be a list (a grid). Expanded
 * here into scalar sets (lib/calibration/overrides.ts expandOverrideGrid), so TaskConfig holds the list of
 * parameter sets and re-parsing it gives the same list. Values must be positive and finite (adverse_usd and
 * ofi_coef_usd: any finite number); a parameter is fixed or scaled, not both; unknown keys are named.
 */
function overridesSchema() {
  const positive = z.number().positive();
  const perVenue = (v: z.ZodNumber) =>
    z.union([
      v,
      z
        .record(z.string().regex(/^[A-Za-z0-9_.-]{1,16}$/, "expected a venue name, e.g. XNAS"), v)
        .refine((r) => Object.keys(r).length > 0, { message: "give at least one venue" }),
    ]);
  const value: Record<string, z.ZodType> = {};
  for (const k of OVERRIDE_KEYS) value[k] = positive;
  value.outflow_mean_shares_per_min = perVenue(positive);
  value.adverse_usd = perVenue(z.number());
  value.ofi_coef_usd = z.number();
  const shape: Record<string, z.ZodType> = {};
  for (const k of OVERRIDE_KEYS) shape[k] = z.union([value[k]!, z.array(value[k]!).min(1)]).optional();
  const set = z
    .record(z.string(), z.unknown())
    .superRefine((o, ctx) => {
      for (const k of Object.keys(o)) {
        if (!(OVERRIDE_KEYS as readonly string[]).includes(k))
          ctx.addIssue({
            code: "custom",
            path: [k],
            message: `unknown override "${k}"${didYouMean(k, OVERRIDE_KEYS)}; known: ${OVERRIDE_KEYS.join(", ")}`,
          });
      }
      const byTarget = new Map<string, string[]>();
      for (const k of OVERRIDE_KEYS) {
        if (o[k] === undefined) continue;
        const t = OVERRIDE_TARGET[k];
        byTarget.set(t, [...(byTarget.get(t) ?? []), k]);
      }
      for (const keys of byTarget.values())
        if (keys.length > 1)
          ctx.addIssue({ code: "custom", message: `give ${keys.join(" or ")}, not both (fix or scale)` });
    })
    .pipe(z.object(shape).strict());
  // one set is a list of one (a union would hide the inner message behind "Invalid input")
  const sets = z.preprocess((v) => (Array.isArray(v) ? v : [v]), z.array(set).min(1));
  return sets.transform((g, ctx): CalibrationOverrides[] => {
    const sets = expandOverrideGrid(g as Parameters<typeof expandOverrideGrid>[0]);
    const names = sets.map(overrideSetName);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup !== undefined)
      ctx.addIssue({
        code: "custom",
        message: `override set "${dup || "{}"}" is listed twice; give each set different values`,
      });
    return sets;
  });
}

const VENUE_NAME = z.string().regex(/^[A-Za-z0-9_.-]{1,16}$/, "expected a venue name, e.g. XNAS or GLBX");

/** One venue's fees: taker fee and maker rebate, each per unit of currency (_usd) or in bps of notional (_bps). */
const venueFeesShape = {
  /** paid per share / contract on liquidity taken, currency */
  taker_fee_usd: z.number().min(0).optional(),
  /** paid on liquidity taken, bps of notional */
  taker_fee_bps: z.number().min(0).max(1000).optional(),
  /** received per share / contract on passive fills, currency; negative = a maker fee */
  maker_rebate_usd: z.number().optional(),
  maker_rebate_bps: z.number().min(-1000).max(1000).optional(),
};

function oneUnitEach(f: Record<string, unknown>, ctx: z.RefinementCtx): void {
  for (const k of ["taker_fee", "maker_rebate"])
    if (f[`${k}_usd`] !== undefined && f[`${k}_bps`] !== undefined)
      ctx.addIssue({ code: "custom", message: `give ${k}_usd or ${k}_bps, not both` });
}

/** A fee schedule: the default for every venue and, under `venues`, venues by name (docs/models.md 1b). */
function feesConfigSchema() {
  return z
    .object({
      ...venueFeesShape,
      venues: z.record(VENUE_NAME, z.object(venueFeesShape).strict().superRefine(oneUnitEach)).optional(),
    })
    .strict()
    .superRefine(oneUnitEach);
}

const ISO_DATE = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date YYYY-MM-DD");

/** An instrument (docs/models.md 1b): a preset and the fields that change it; `match` = symbol or pattern. */
function instrumentFields() {
  return {
    /** a preset to start from: equity-us (the default) or ES */
    preset: z.enum(Object.keys(INSTRUMENT_PRESETS) as [string, ...string[]]).optional(),
    tick_size: z.number().positive().optional(),
    multiplier: z.number().positive().optional(),
    unit: z.enum(["shares", "contracts"]).optional(),
    calendar: z.enum(Object.keys(CALENDARS) as [string, ...string[]]).optional(),
    holidays: z.array(ISO_DATE).optional(),
    open_days: z.array(ISO_DATE).optional(),
    default_adv: z.number().positive().optional(),
    fees: feesConfigSchema().optional(),
  };
}

/** `instruments`: entries tried in order for each symbol; the first whose `match` fits is its instrument. */
export function instrumentEntrySchema() {
  return z
    .object({
      /** a symbol (ESZ3) or a pattern with '*' (ES*) */
      match: z.string().regex(/^[A-Za-z0-9._*-]{1,32}$/, "expected a symbol or a pattern such as ES*"),
      ...instrumentFields(),
    })
    .strict();
}

/** `instrument`: a preset name, or an instrument's fields, for every symbol of the spec. */
export function instrumentSchema() {
  return z.union([
    z.enum(Object.keys(INSTRUMENT_PRESETS) as [string, ...string[]]),
    z.object(instrumentFields()).strict(),
  ]);
}

/** `sim.impact`: a registered impact model or a non-empty list of distinct ones; always a list after parsing. */
function impactSchema() {
  return z
    .preprocess(
      (v) => (typeof v === "string" ? [v] : v),
      z.array(z.enum(IMPACT_MODELS.enumValues())).min(1).default([IMPACT_MODELS.default]),
    )
    .refine((l) => new Set(l).size === l.length, {
      message: "an impact model is listed twice; list each of none / linear / sqrt at most once",
    });
}

export function taskConfigSchema() {
  return z
    .object({
      seed: z.number().int().min(0).default(1),
      orders: z
        .array(ParentOrderSpec)
        .min(1)
        // one order of 1% of ADV, with the order defaults (buy, 10:00 / 11:30 / 14:00, 30 minutes)
        .prefault([{ pct_adv: 1 }]),
      strategies: z
        .array(strategySpecSchema())
        .min(1)
        .default([
          { strategy: "immediate", exec: "market" },
          { strategy: "twap", exec: "market" },
          { strategy: "twap", exec: "sor" },
          { strategy: "vwap", exec: "market" },
          { strategy: "pov", exec: "market", rho: DEFAULT_POV_RHO },
          { strategy: "ow", exec: "market" },
          { strategy: "ow", exec: "sor" },
          { strategy: "myopic", exec: "sor", alpha: "none" },
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
        .prefault({}),
      /** the fee schedule of the equity default instrument (an instrument entry has its own `fees`) */
      fees: z
        .object({
          /** $/share paid on market (taker) executions */
          taker_fee_usd: z.number().min(0).default(0.003),
          /** $/share received on passive (maker) fills; negative = a maker fee */
          maker_rebate_usd: z.number().default(0.002),
          /** per-venue fees, by venue name (each field per unit _usd or in bps of notional _bps) */
          venues: z.record(VENUE_NAME, z.object(venueFeesShape).strict().superRefine(oneUnitEach)).optional(),
        })
        .strict()
        .prefault({}),
      /** the instrument of every symbol: a preset (ES) or its fields (docs/models.md 1b) */
      instrument: instrumentSchema().optional(),
      /** instruments by symbol or pattern, first match wins; symbols matching none are US equities */
      instruments: z.array(instrumentEntrySchema()).min(1).optional(),
      sim: z
        .object({
          /** a registered latency model (lib/sim/registry.ts); constant: every order arrives latency_ms later */
          latency_model: z.enum(LATENCY_MODELS.enumValues()).default(LATENCY_MODELS.default),
          latency_ms: z.number().min(0).default(DEFAULT_LATENCY_MS),
          /** a registered queue model (lib/sim/registry.ts): risk_averse, prob1 / prob2 / prob3, prob (any power) ... */
          queue_model: z.enum(QUEUE_MODELS.enumValues()).default(QUEUE_MODELS.default),
          /** the queue model's parameters, as its registry entry declares them (prob: {power}) */
          queue_params: z.record(z.string(), z.unknown()).optional(),
          /**
           * seconds after the parent's end T during which its last orders (e.g. the catch-up sent at T) may still
           * fill; then everything unfilled is cancelled and shows as fill_rate < 1
           */
          end_grace_s: z.number().min(0).max(3600).default(300),
          /**
           * own-impact overlay (docs/models.md 6.6): none | linear | sqrt, or a list of them (a grid: every strategy
           * runs under each, labelled .../impact=NAME, in the same pass); kept as a list in TaskConfig
           */
          impact: impactSchema(),
        })
        .strict()
        .superRefine((sim, ctx) => {
          // the parameters the chosen queue model declares, each by its own schema (like a strategy's)
          if (sim.queue_params === undefined) return;
          const entry = QUEUE_MODELS.get(sim.queue_model);
          for (const i of paramIssues("queue model", sim.queue_model, entry.params, sim.queue_params))
            ctx.addIssue({ code: "custom", path: ["queue_params", ...i.path], message: i.message });
        })
        .prefault({}),
      calibration: z
        .object({
          lookback_days: z.number().int().min(1).max(60).default(5),
          /** fixed or scaled parameters; a list / list values = a grid of parameter sets (overridesSchema) */
          overrides: overridesSchema().optional(),
          /** prior-day calibrations older than this many calendar days are ignored (the loader lists them) */
          max_age_days: z.number().int().min(1).max(3660).default(14),
        })
        .strict()
        .prefault({}),
      /** risk controls (docs/models.md 7.1); absent or {} = all off */
      risk: z
        .object({
          max_spread_bps: z.number().positive().optional(),
          max_child_shares: z.number().int().positive().optional(),
          max_participation: z.number().positive().max(1).optional(),
          max_gap_s: z.number().positive().optional(),
          suspend_on_halt: z.boolean().optional(),
        })
        .strict()
        .optional(),
    })
    .strict();
}

/** Deeply read-only: lib/task never changes its input. */
type DeepReadonly<T> = T extends (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

type ParsedTaskConfig = z.output<ReturnType<typeof taskConfigSchema>>;

/**
 * A validated task input with every default filled in: the schema's output, where `instrument` (one for every
 * symbol) has become the catch-all entry of `instruments` (lib/specs/taskSpec.ts parseTaskSpec). Strategy
 * instances keep their declared type (their parameters depend on the registry).
 */
export type TaskConfig = DeepReadonly<Omit<ParsedTaskConfig, "instrument" | "strategies">> & {
  readonly strategies: readonly StrategyConfig[];
};
/** One parent order: side, size (shares or pct_adv), start times, horizon, optional price limit and notional cap. */
export type ParentOrderConfig = TaskConfig["orders"][number];
/** Run-wide risk controls (docs/models.md 7.1); every field absent = that control off. */
export type RiskConfig = NonNullable<TaskConfig["risk"]>;
