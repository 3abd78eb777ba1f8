/**
 * The strategy registry (docs/models.md section 7): name -> how to build the Scheduler of one parent order, and
 * the strategy-specific parameters it takes (with their zod schema and default). The spec's strategy names,
 * its parameter checks ("rho applies to the pov strategy only") and the instance labels all come from here.
 * Adding a strategy: a Scheduler in lib/schedule (one file) and one `register` line below.
 */
import { z } from "zod";
import { ALPHA_MODELS } from "../alpha/registry.ts";
import { type ModelParam, Registry } from "../core/registry.ts";
import {
  type ConstraintOptions,
  type ImpactParams,
  immediate,
  myopic,
  ow,
  pov,
  type Scheduler,
  twap,
  vwapFromForecast,
} from "../schedule/index.ts";
import type { ParentOrder } from "./execution.ts";
import type { StrategyConfig } from "./strategyConfig.ts";

/** A strategy-specific parameter: optional in the spec, `fallback` when absent (lib/core/registry.ts). */
export type StrategyParam = ModelParam;

/** What a strategy's scheduler is built from, for one parent order. */
export interface StrategyBuild {
  readonly order: ParentOrder;
  /** Impact parameters in dollars at the order's arrival. */
  readonly impact: ImpactParams;
  readonly decisionIntervalS: number;
  /** Forecast market volume (shares) over [aNs, bNs]. */
  readonly forecastVolume: (aNs: bigint, bNs: bigint) => number;
  /** Common constraints (participation cap). */
  readonly options: ConstraintOptions;
  /** Value of a declared parameter (the spec's, or its fallback). */
  param(name: string): unknown;
}

export interface StrategyEntry {
  /** Strategy-specific parameters by spec field name (e.g. rho). */
  readonly params: Readonly<Record<string, StrategyParam>>;
  make(b: StrategyBuild): Scheduler;
}

/** Default POV participation rate when the spec gives none. */
export const DEFAULT_POV_RHO = 0.1;

export const STRATEGIES = new Registry<StrategyEntry>("strategy")
  .register("immediate", { params: {}, make: (b) => immediate(b.options) })
  .register("twap", { params: {}, make: (b) => twap(b.options) })
  .register("vwap", {
    params: {},
    make: (b) =>
      vwapFromForecast(b.order.startNs, b.order.horizonS, b.decisionIntervalS, b.forecastVolume, b.options),
  })
  .register("pov", {
    params: {
      rho: {
        doc: "pov participation rate (fraction of the previous interval's market volume)",
        schema: () => z.number().positive().max(1),
        fallback: () => DEFAULT_POV_RHO,
      },
    },
    make: (b) => pov(b.param("rho") as number, b.options),
  })
  .register("ow", { params: {}, make: (b) => ow(b.impact, b.options) })
  .register("myopic", {
    params: {
      alpha: {
        doc: "alpha model of the myopic strategy",
        schema: () => z.enum(ALPHA_MODELS.enumValues()),
        fallback: () => ALPHA_MODELS.default,
      },
    },
    make: (b) => myopic(b.impact, b.options),
  });

/** Value of parameter `name` of a strategy instance: the spec's, or the fallback its entry declares. */
export function strategyParam(s: StrategyConfig, name: string): unknown {
  const p = STRATEGIES.get(s.strategy).params[name];
  return s[name] ?? p?.fallback();
}

/** The alpha model an instance feeds its scheduler (the registry default for strategies without one). */
export function alphaOf(s: StrategyConfig): string {
  return "alpha" in STRATEGIES.get(s.strategy).params
    ? (strategyParam(s, "alpha") as string)
    : ALPHA_MODELS.default;
}

/** Stable label of a strategy instance, e.g. "myopic/sor/alpha=ofi" or "pov/market/rho=0.1". */
export function strategyLabel(s: StrategyConfig): string {
  const params = Object.keys(STRATEGIES.get(s.strategy).params).map((k) => `${k}=${strategyParam(s, k)}`);
  if (s.rho_max) params.push(`cap=${s.rho_max}`);
  return [s.strategy, s.exec, ...params].join("/");
}

/** The scheduler of strategy instance `s` for one parent order. */
export function makeScheduler(
  s: StrategyConfig,
  impact: ImpactParams,
  spec: { readonly decision_interval_s: number },
  order: ParentOrder,
  forecastVolume: (aNs: bigint, bNs: bigint) => number,
): Scheduler {
  return STRATEGIES.get(s.strategy).make({
    order,
    impact,
    decisionIntervalS: spec.decision_interval_s,
    forecastVolume,
    options: s.rho_max ? { rhoMax: s.rho_max } : {},
    param: (name) => strategyParam(s, name),
  });
}
