/**
 * Latency models (after hftbacktest's LatencyModel): how long an order takes from our decision to the venue.
 * Only the order-entry latency is modelled; cancels act immediately (executionSim.ts).
 */
import { InputError } from "../core/errors.ts";

export interface LatencyModel {
  readonly name: string;
  /** Entry latency of an order submitted at tNs (ns since epoch): it arrives at tNs + entryNs(tNs). */
  entryNs(tNs: bigint): bigint;
}

/** `constant`: every order arrives `latencyNs` after it is sent (>= 0). */
export function constantLatency(latencyNs: bigint): LatencyModel {
  if (latencyNs < 0n) throw new InputError(`latencyNs must be >= 0 ns (got ${latencyNs})`);
  return { name: "constant", entryNs: () => latencyNs };
}
