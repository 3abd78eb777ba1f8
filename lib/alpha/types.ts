/**
 * Alpha models (MODELS.md section 3): a forecast of the UNPERTURBED mid move, updated causally from the replay.
 * Forecasts here are in market direction (positive = the mid is expected to rise); the caller multiplies by
 * the parent's side s to get the side-adjusted alpha of lib/schedule (same shape as its AlphaForecast).
 */
import type { VenueBooks } from "../book/venueBooks.ts";
import type { Mbp10Batch } from "../mbp10/schema.ts";

export type AlphaKind = "none" | "ofi" | "imbalance" | "oracle";

export const ALPHA_KINDS: readonly AlphaKind[] = ["none", "ofi", "imbalance", "oracle"];

/**
 * Predicted unperturbed mid change: P(t + u) = P(t) + moveUsd (1 - exp(-u / timescaleS)), so over an order
 * of remaining horizon T the scheduler uses alpha(u) = moveUsd (exp(-u/H) - exp(-T/H)) with H = timescaleS.
 * moveUsd in dollars (the asymptotic move), timescaleS in seconds; moveUsd = 0 means no alpha.
 */
export interface AlphaForecast {
  readonly moveUsd: number;
  readonly timescaleS: number;
}

export const ZERO_FORECAST: AlphaForecast = { moveUsd: 0, timescaleS: 0 };

export interface AlphaModel {
  readonly kind: AlphaKind;
  /** true when the model uses data from the future (oracle): every result made with it must say so. */
  readonly lookAhead: boolean;
  /**
   * Feed record i of batch b, in replay order. `books` is the caller's VenueBooks AFTER the caller applied
   * record i (models that need the pre-event book keep their own state).
   */
  onRecord(b: Mbp10Batch, i: number, books: VenueBooks): void;
  /** Forecast at time tNs (ns since epoch, >= the last record fed) for an order with horizonS seconds left. */
  forecast(tNs: bigint, horizonS: number): AlphaForecast;
}
