/** `none`: alpha = 0 (the unperturbed price is a martingale). */
import { type AlphaEntry, type AlphaForecast, type AlphaModel, ZERO_FORECAST } from "./types.ts";

export class NoAlpha implements AlphaModel {
  readonly kind = "none" as const;
  readonly lookAhead = false;

  onRecord(): void {}

  /** Always { moveUsd: 0, timescaleS: 0 }. */
  forecast(): AlphaForecast {
    return ZERO_FORECAST;
  }
}

export const noneAlpha: AlphaEntry = { needsMidPath: false, create: () => new NoAlpha() };
