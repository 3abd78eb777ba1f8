/**
 * `oracle`: the ACTUAL future mid change of the same day, mid(t + horizon) - mid(t), from a recorded mid path
 * (docs/models.md section 3). LOOK-AHEAD by construction (lookAhead = true): an upper bound, never a strategy.
 * The move is expressed in the exponential form with timescale H = horizon / 3 and moveUsd chosen so that the
 * predicted change at the horizon equals the actual one: moveUsd = delta / (1 - exp(-3)).
 */
import type { MidPath } from "../calibration/types.ts";
import { InputError } from "../core/errors.ts";
import { type AlphaEntry, type AlphaForecast, type AlphaModel, ZERO_FORECAST } from "./types.ts";

const SHAPE = 3;

/** Mid at time tNs from a path: the sample at or before tNs (clamped to the path), dollars. */
export function midAt(path: MidPath, tNs: bigint): number {
  const n = path.mids.length;
  if (n === 0) return Number.NaN;
  let k = Number((tNs - path.startNs) / path.stepNs);
  if (tNs < path.startNs) k = 0;
  return path.mids[Math.min(n - 1, Math.max(0, k))]!;
}

export class OracleAlpha implements AlphaModel {
  readonly kind = "oracle" as const;
  readonly lookAhead = true;

  constructor(readonly path: MidPath) {}

  onRecord(): void {}

  /** delta = mid(t + horizonS) - mid(t) from the path; { moveUsd: delta / (1 - e^-3), timescaleS: horizonS / 3 }. */
  forecast(tNs: bigint, horizonS: number): AlphaForecast {
    if (!(horizonS > 0)) return ZERO_FORECAST;
    const d = midAt(this.path, tNs + BigInt(Math.round(horizonS * 1e9))) - midAt(this.path, tNs);
    if (!Number.isFinite(d) || d === 0) return ZERO_FORECAST;
    return { moveUsd: d / -Math.expm1(-SHAPE), timescaleS: horizonS / SHAPE };
  }
}

export const oracleAlpha: AlphaEntry = {
  needsMidPath: true,
  create(_params, extra) {
    if (!extra.midPath) {
      throw new InputError(
        "alpha model oracle needs the day's recorded mid path (extra.midPath from the calibration pass)",
      );
    }
    return new OracleAlpha(extra.midPath);
  },
};
