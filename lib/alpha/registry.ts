/**
 * The alpha-model registry: name -> entry (lib/core/registry.ts). The spec's alpha names and default come
 * from here. Adding a model: one file with the model and its AlphaEntry, and one `register` line below.
 */
import type { CalibrationParams } from "../calibration/params.ts";
import { Registry } from "../core/registry.ts";
import { imbalanceAlpha } from "./imbalance.ts";
import { noneAlpha } from "./none.ts";
import { ofiAlpha } from "./ofi.ts";
import { oracleAlpha } from "./oracle.ts";
import type { AlphaEntry, AlphaExtra, AlphaKind, AlphaModel } from "./types.ts";

export const ALPHA_MODELS = new Registry<AlphaEntry>("alpha model")
  .register("none", noneAlpha, { isDefault: true })
  .register("ofi", ofiAlpha)
  .register("imbalance", imbalanceAlpha)
  .register("oracle", oracleAlpha);

/** A fresh model of `kind` (one per replay; models keep state). Throws InputError for unknown kinds. */
export function createAlpha(kind: AlphaKind, params: CalibrationParams, extra: AlphaExtra = {}): AlphaModel {
  return ALPHA_MODELS.get(kind).create(params, extra);
}
