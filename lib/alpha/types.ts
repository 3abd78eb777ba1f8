/**
 * Alpha models (docs/models.md section 3): a forecast of the UNPERTURBED mid move, updated causally from the replay.
 * Forecasts here are in market direction (positive = the mid is expected to rise); the caller multiplies by
 * the parent's side s to get the side-adjusted alpha of lib/schedule (same shape as its AlphaForecast).
 */
import type { VenueBooks } from "../book/venueBooks.ts";
import type { CalibrationParams } from "../calibration/params.ts";
import type { MidPath } from "../calibration/types.ts";
import type { Mbp10Batch } from "../mbp10/schema.ts";

/** Name of a registered alpha model (lib/alpha/registry.ts): none, ofi, imbalance, oracle, ... */
export type AlphaKind = string;

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

/** What a model may be built from: prior-day parameters and, for look-ahead models, the day itself. */
export interface AlphaExtra {
  /** Recorded mid path of the SAME day (required by `oracle`, which is look-ahead). */
  readonly midPath?: MidPath;
  /** Timescale of the imbalance alpha, seconds (default 30). */
  readonly imbalanceTimescaleS?: number;
}

/** A registry entry: how to build a fresh model (one per replay; models keep state). */
export interface AlphaEntry {
  /** true when the model needs the day's recorded mid path (a look-ahead pre-pass over the day). */
  readonly needsMidPath: boolean;
  create(params: CalibrationParams, extra: AlphaExtra): AlphaModel;
}
