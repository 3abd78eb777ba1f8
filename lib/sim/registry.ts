/**
 * Registries of the simulator's model families (lib/core/registry.ts): queue models, latency models and own-impact overlay models. The
 * spec's names and defaults come from here; runTask looks models up by name. Adding a model: one file with
 * its factory and one `register` line below.
 */
import { z } from "zod";
import { type ModelParam, paramValues, Registry } from "../core/registry.ts";
import type { MboFeed } from "../mbo/schema.ts";
import {
  type ImpactOverlay,
  type ImpactOverlayParams,
  linearImpact,
  noImpact,
  sqrtImpact,
} from "./impactOverlay.ts";
import { l3FifoQueue, requireMboFeed } from "./l3Queue.ts";
import { constantLatency, type LatencyModel } from "./latency.ts";
import { logProbQueue, probQueue, riskAverse } from "./queueModels.ts";
import type { QueueModel } from "./types.ts";

/** What a queue model may be built from: the MBO records behind the replay when the input is MBO. */
export interface QueueModelContext {
  readonly mbo?: MboFeed | undefined;
  /** The prior days' queue check choice (CalibrationParams.queue: model name and date), for `calibrated`. */
  readonly prior?: { readonly model: string; readonly date: string } | undefined;
  /** The entry's parameters: the spec's `sim.queue_params`, the declared fallbacks for the rest. */
  readonly params?: Readonly<Record<string, unknown>>;
}

export interface QueueModelEntry {
  readonly description: string;
  /** Parameters the model takes from the spec (`sim.queue_params`), like a strategy's. */
  readonly params?: Readonly<Record<string, ModelParam>>;
  /** The model reads order-level (MBO) input: refused on MBP-10. */
  readonly needsMbo?: boolean;
  make(ctx?: QueueModelContext): QueueModel;
}

const PROB_PARAMS: Readonly<Record<string, ModelParam>> = {
  power: {
    doc: "power n of the probabilistic queue (prob(n), docs/models.md 6.7)",
    schema: () => z.number().positive().max(100),
    fallback: () => 2,
  },
};

export const QUEUE_MODELS = new Registry<QueueModelEntry>("queue model")
  .register("risk_averse", { description: "cancels never advance us", make: riskAverse })
  .register("prob1", { description: "probabilistic queue, power n = 1", make: () => probQueue(1) })
  .register(
    "prob2",
    { description: "probabilistic queue, power n = 2", make: () => probQueue(2) },
    { isDefault: true },
  )
  .register("prob3", { description: "probabilistic queue, power n = 3", make: () => probQueue(3) })
  .register("prob", {
    description: "probabilistic queue of any power n (sim.queue_params.power; prob2 is power 2)",
    params: PROB_PARAMS,
    make: (ctx) => probQueue(paramValues(PROB_PARAMS, ctx?.params).power as number),
  })
  .register("log_prob", { description: "probabilistic queue, log function", make: logProbQueue })
  .register("calibrated", {
    description:
      "the L2 model the queue check chose on the latest prior MBO day (calibration record); the default model when none",
    make: (ctx) => calibratedQueue(ctx?.prior).model,
  })
  .register("l3_fifo", {
    description: "exact FIFO queue position from MBO input (order-level data; docs/models.md 6.7)",
    needsMbo: true,
    make: (ctx) => l3FifoQueue(requireMboFeed(ctx?.mbo)),
  });

/** The queue models that run on MBP-10 input (all but those that need MBO), for messages. */
export function l2QueueModelNames(): string[] {
  return QUEUE_MODELS.names().filter((n) => !QUEUE_MODELS.get(n).needsMbo);
}

/** The L2 queue model a queue check names (risk_averse, log_prob, prob(n)); undefined for another name. */
export function queueModelNamed(name: string): QueueModel | undefined {
  if (name === "risk_averse") return riskAverse();
  if (name === "log_prob") return logProbQueue();
  const m = /^prob\((\d+(?:\.\d+)?)\)$/.exec(name);
  return m && Number(m[1]) > 0 ? probQueue(Number(m[1])) : undefined;
}

/**
 * `sim.queue_model: calibrated`: the model the queue check chose on the latest prior MBO day of the lookback
 * (causal: never the backtested day's own), or the registry's default model, with the reason either way.
 */
export function calibratedQueue(prior: QueueModelContext["prior"]): {
  model: QueueModel;
  reason: string;
} {
  const chosen = prior ? queueModelNamed(prior.model) : undefined;
  if (prior && chosen) {
    return { model: chosen, reason: `queue check of ${prior.date}: ${prior.model} fit best` };
  }
  const fallback = QUEUE_MODELS.default;
  return {
    model: QUEUE_MODELS.get(fallback).make(),
    reason: prior
      ? `the queue check of ${prior.date} chose ${prior.model}, which is not an L2 model; default ${fallback}`
      : `no prior day in the lookback has a queue check (MBO input); default ${fallback}`,
  };
}

/** Parameters a latency model is built from (the spec's sim section). */
export interface LatencyParams {
  /** Order-entry latency, milliseconds. */
  readonly latencyMs: number;
}

export interface LatencyModelEntry {
  readonly description: string;
  make(p: LatencyParams): LatencyModel;
}

export const LATENCY_MODELS = new Registry<LatencyModelEntry>("latency model").register(
  "constant",
  {
    description: "every order arrives latency_ms after it is sent",
    make: (p) => constantLatency(BigInt(Math.round(p.latencyMs * 1e6))),
  },
  { isDefault: true },
);

/** Own-impact overlay models (docs/models.md 6.6): the cost our own fills add on top of the replay. */
export interface ImpactModelEntry {
  readonly description: string;
  make(p: ImpactOverlayParams): ImpactOverlay;
}

/** An impact model resolved by name once per task (a strategy instance carries it as `overlay`). */
export interface ImpactModel extends ImpactModelEntry {
  readonly name: string;
}

/** The entry of `name` with its name (an InputError listing the known models when there is none). */
export function impactModel(name: string): ImpactModel {
  return { name, ...IMPACT_MODELS.get(name) };
}

export const IMPACT_MODELS = new Registry<ImpactModelEntry>("impact model")
  .register("none", { description: "pure replay, no own impact (a lower bound on cost)", make: noImpact })
  .register(
    "linear",
    { description: "calibrated propagator: F(Y) = lambda_usd Y, decay exp(-beta dt)", make: linearImpact },
    { isDefault: true },
  )
  .register("sqrt", {
    description: "square-root law in the decayed volume: F(Y) = kappa sqrt(Y), q_ref = 1% of ADV",
    make: sqrtImpact,
  });
