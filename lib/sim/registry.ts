/**
 * Registries of the simulator's model families (lib/core/registry.ts): queue models, latency models and own-impact overlay models. The
 * spec's names and defaults come from here; runTask looks models up by name. Adding a model: one file with
 * its factory and one `register` line below.
 */
import { Registry } from "../core/registry.ts";
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
}

export interface QueueModelEntry {
  readonly description: string;
  /** The model reads order-level (MBO) input: refused on MBP-10. */
  readonly needsMbo?: boolean;
  make(ctx?: QueueModelContext): QueueModel;
}

export const QUEUE_MODELS = new Registry<QueueModelEntry>("queue model")
  .register("risk_averse", { description: "cancels never advance us", make: riskAverse })
  .register("prob1", { description: "probabilistic queue, power n = 1", make: () => probQueue(1) })
  .register(
    "prob2",
    { description: "probabilistic queue, power n = 2", make: () => probQueue(2) },
    { isDefault: true },
  )
  .register("prob3", { description: "probabilistic queue, power n = 3", make: () => probQueue(3) })
  .register("log_prob", { description: "probabilistic queue, log function", make: logProbQueue })
  .register("l3_fifo", {
    description: "exact FIFO queue position from MBO input (order-level data; docs/models.md 6.7)",
    needsMbo: true,
    make: (ctx) => l3FifoQueue(requireMboFeed(ctx?.mbo)),
  });

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
