/** Build an alpha model by name from calibration parameters (prior days) and, for the oracle, the day's mid path. */

import type { CalibrationParams } from "../calibration/params.ts";
import type { MidPath } from "../calibration/types.ts";
import { InputError } from "../core/errors.ts";
import { DEFAULT_IMBALANCE_TIMESCALE_S, ImbalanceAlpha } from "./imbalance.ts";
import { NoAlpha } from "./none.ts";
import { OfiAlpha } from "./ofi.ts";
import { OracleAlpha } from "./oracle.ts";
import { ALPHA_KINDS, type AlphaKind, type AlphaModel } from "./types.ts";

export interface AlphaExtra {
  /** Recorded mid path of the SAME day (required by `oracle`, which is look-ahead). */
  readonly midPath?: MidPath;
  /** Timescale of the imbalance alpha, seconds (default 30). */
  readonly imbalanceTimescaleS?: number;
}

/** A fresh model of `kind` (one per replay; models keep state). Throws InputError for unknown kinds. */
export function createAlpha(
  kind: AlphaKind | string,
  params: CalibrationParams,
  extra: AlphaExtra = {},
): AlphaModel {
  switch (kind) {
    case "none":
      return new NoAlpha();
    case "ofi":
      return new OfiAlpha(params.ofi);
    case "imbalance":
      return new ImbalanceAlpha(extra.imbalanceTimescaleS ?? DEFAULT_IMBALANCE_TIMESCALE_S);
    case "oracle":
      if (!extra.midPath) {
        throw new InputError(
          "alpha model oracle needs the day's recorded mid path (extra.midPath from the calibration pass)",
        );
      }
      return new OracleAlpha(extra.midPath);
    default:
      throw new InputError(`unknown alpha model "${kind}": use one of ${ALPHA_KINDS.join(", ")}`);
  }
}
