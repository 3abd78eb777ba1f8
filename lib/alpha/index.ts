/** Alpha models (docs/models.md section 3): none, ofi, imbalance, oracle (look-ahead, labelled). */

export { DEFAULT_IMBALANCE_TIMESCALE_S, ImbalanceAlpha, micropriceEdge } from "./imbalance.ts";
export { NoAlpha } from "./none.ts";
export { OfiAlpha } from "./ofi.ts";
export { midAt, OracleAlpha } from "./oracle.ts";
export { ALPHA_MODELS, createAlpha } from "./registry.ts";
export * from "./types.ts";
