/**
 * Calibration tables (DESIGN.md storage layout):
 * calibration/v={version}/symbol={S}/date={D}/{calibration,profile,fits,venues,outflow,adverse}.parquet.
 * Partition keys (v, symbol, date) live in the key, not in the files (Hive/Athena convention).
 */
import type { ColumnDef, TableSchema } from "./schema.ts";

/** A column of calibration.parquet and the record field it holds. */
export interface CalibrationField extends ColumnDef {
  /** Dotted path of the CalibrationRecord field (lib/calibration/types.ts), e.g. "impact.lambda". */
  readonly field: string;
}

const PARTITIONS = [
  { name: "v", type: "string" },
  { name: "symbol", type: "string" },
  { name: "date", type: "string" },
] as const;

/**
 * The columns of the one-row calibration.parquet, each with the CalibrationRecord field it holds (a dotted path,
 * e.g. impact.lambda): the ONE list the writer, the reader and the Glue table read (lib/store/calibration.ts).
 * int64 fields ending in Ns are bigints; every other field is a number.
 */
export const CALIBRATION_FIELDS = [
  {
    name: "calibration_version",
    type: "int32",
    doc: "version of the statistics (same as partition v)",
    field: "version",
  },
  {
    name: "session_open_ns",
    type: "int64",
    doc: "regular-session open 09:30 New York, ns since epoch UTC",
    field: "sessionOpenNs",
  },
  {
    name: "session_close_ns",
    type: "int64",
    doc: "regular-session close 16:00 New York, ns since epoch UTC",
    field: "sessionCloseNs",
  },
  { name: "events", type: "int64", doc: "records replayed inside the session", field: "events" },
  {
    name: "session_coverage",
    type: "float64",
    doc: "(last - first record inside the session) / session length; ADV and profile use days >= 0.9",
    field: "sessionCoverage",
  },
  {
    name: "data_start_s",
    type: "float64",
    doc: "first record inside the session, seconds after the open (partial-day ADV extrapolation)",
    field: "dataStartS",
  },
  {
    name: "data_end_s",
    type: "float64",
    doc: "last record inside the session, seconds after the open",
    field: "dataEndS",
  },
  {
    name: "daily_volume",
    type: "float64",
    doc: "V_d: sum of trade sizes, all venues, session, shares",
    field: "dailyVolume",
  },
  { name: "trade_count", type: "int64", doc: "trade (T) records in the session", field: "tradeCount" },
  {
    name: "sigma_daily",
    type: "float64",
    doc: "realized vol of 1-min national mid log returns, unitless/day",
    field: "sigmaDaily",
  },
  {
    name: "half_spread_usd",
    type: "float64",
    doc: "time-weighted mean national half-spread, dollars",
    field: "halfSpreadUsd",
  },
  {
    name: "mean_mid_usd",
    type: "float64",
    doc: "mean national mid over the session (1-s samples), dollars",
    field: "meanMidUsd",
  },
  { name: "profile_bin_s", type: "int32", doc: "volume/spread profile bin, seconds", field: "profileBinS" },
  { name: "impact_bin_s", type: "int32", doc: "impact-fit bin dt, seconds", field: "impact.binS" },
  {
    name: "lambda",
    type: "float64",
    doc: "propagator lambda of the best half-life, sigma units per V_d fraction",
    field: "impact.lambda",
  },
  {
    name: "half_life_s",
    type: "float64",
    doc: "chosen impact half-life (best R^2), seconds",
    field: "impact.halfLifeS",
  },
  {
    name: "beta_per_s",
    type: "float64",
    doc: "impact decay ln2 / half-life, per second",
    field: "impact.beta",
  },
  { name: "impact_r2", type: "float64", doc: "uncentered R^2 of the chosen candidate", field: "impact.r2" },
  {
    name: "lambda_rel",
    type: "float64",
    doc: "lambda * sigma_d / V_d of the best half-life: relative price move per share traded",
    field: "impact.lambdaRel",
  },
  {
    name: "lambda_usd",
    type: "float64",
    doc: "lambda_rel * mean mid, dollars per share (diagnostic)",
    field: "impact.lambdaUsd",
  },
  { name: "ofi_window_s", type: "float64", doc: "OFI look-back window w, seconds", field: "ofi.windowS" },
  { name: "ofi_horizon_s", type: "float64", doc: "OFI forecast horizon, seconds", field: "ofi.horizonS" },
  {
    name: "ofi_coef_usd",
    type: "float64",
    doc: "mid change over the horizon per unit normalized OFI, dollars",
    field: "ofi.coefUsd",
  },
  { name: "ofi_r2", type: "float64", doc: "uncentered R^2 of the OFI fit", field: "ofi.r2" },
  { name: "ofi_n", type: "int32", doc: "OFI fit samples", field: "ofi.n" },
  {
    name: "ofi_avg_depth",
    type: "float64",
    doc: "mean level-0 depth (q_b + q_a)/2 summed over venues, shares",
    field: "ofi.avgDepth",
  },
  {
    name: "ofi_sxx",
    type: "float64",
    doc: "sum x^2 (x = normalized OFI), for pooling days",
    field: "ofi.sxx",
  },
  {
    name: "ofi_sxy",
    type: "float64",
    doc: "sum x y (y = mid change, dollars), for pooling days",
    field: "ofi.sxy",
  },
  { name: "ofi_syy", type: "float64", doc: "sum y^2, dollars^2, for pooling days", field: "ofi.syy" },
] as const satisfies readonly CalibrationField[];

/**
 * The queue check's choice on an MBO day (docs/models.md 6.7): nullable columns, NULL on MBP-10 days (the record's
 * optional `queue`, written and read by lib/store/calibration.ts; older files without them read as no choice).
 */
export const CALIBRATION_QUEUE_COLUMNS = [
  {
    name: "queue_model",
    type: "string",
    doc: "MBO days: the L2 queue model closest to the exact FIFO queue (queue check, docs/models.md 6.7); NULL otherwise",
  },
  {
    name: "queue_power",
    type: "float64",
    doc: "MBO days: the best-fitting power n of prob(n); NULL otherwise",
  },
  {
    name: "queue_error_s",
    type: "float64",
    doc: "MBO days: the chosen model's mean signed fill-time error, seconds (> 0: fills late)",
  },
  { name: "queue_orders", type: "int32", doc: "MBO days: hypothetical orders of the queue check" },
  { name: "queue_tau_s", type: "float64", doc: "MBO days: horizon tau of the queue check, seconds" },
] as const satisfies readonly ColumnDef[];

/** One row per symbol-day: the scalar statistics and the chosen impact model. */
export const CALIBRATION_TABLE: TableSchema = {
  name: "calibration",
  partitions: PARTITIONS,
  columns: [...CALIBRATION_FIELDS, ...CALIBRATION_QUEUE_COLUMNS],
};

/** One row per profile bin. */
export const CALIBRATION_PROFILE_TABLE: TableSchema = {
  name: "calibration_profile",
  partitions: PARTITIONS,
  columns: [
    { name: "bin", type: "int32", doc: "bin index from the open" },
    { name: "bin_start_s", type: "int32", doc: "bin start, seconds after the open" },
    { name: "volume_share", type: "float64", doc: "share of V_d traded in the bin" },
    { name: "half_spread_usd", type: "float64", doc: "time-weighted mean half-spread in the bin, dollars" },
  ],
};

/** Impact candidates (kind = propagator) and the Kyle-lambda table (kind = kyle). */
export const CALIBRATION_FITS_TABLE: TableSchema = {
  name: "calibration_fits",
  partitions: PARTITIONS,
  columns: [
    { name: "kind", type: "string", doc: "propagator | kyle" },
    { name: "horizon_s", type: "float64", doc: "propagator: half-life H; kyle: aggregation period; seconds" },
    { name: "coef", type: "float64", doc: "propagator: lambda_H (unitless); kyle: dollars per share" },
    { name: "intercept", type: "float64", doc: "kyle: intercept, dollars per period; propagator: 0 (none)" },
    { name: "beta_per_s", type: "float64", doc: "propagator: ln2 / H per second; kyle: null" },
    { name: "r2", type: "float64", doc: "propagator: uncentered R^2; kyle: centered R^2" },
    { name: "n", type: "int32", doc: "observations" },
    { name: "units", type: "string", doc: "units of coef" },
    {
      name: "lambda_rel",
      type: "float64",
      doc: "propagator: lambda_H * sigma_d / V_d, relative price move per share; kyle: null",
    },
    {
      name: "ssr",
      type: "float64",
      doc: "propagator: residual sum of squares, sigma units^2 (pooled R^2 over days); kyle: null",
    },
    {
      name: "sst",
      type: "float64",
      doc: "propagator: uncentered total sum of squares sum r^2, sigma units^2; kyle: null",
    },
  ],
};

/** One row per venue and side: outflow mean. */
export const CALIBRATION_VENUES_TABLE: TableSchema = {
  name: "calibration_venues",
  partitions: PARTITIONS,
  columns: [
    { name: "venue", type: "string", doc: "venue name" },
    { name: "side", type: "string", doc: "bid | ask (the resting side)" },
    { name: "outflow_mean", type: "float64", doc: "mean shares leaving the best level per minute" },
    { name: "outflow_minutes", type: "int32", doc: "number of per-minute samples" },
  ],
};

/** One row per venue, side and markout horizon: adverse selection of passive fills. */
export const CALIBRATION_ADVERSE_TABLE: TableSchema = {
  name: "calibration_adverse",
  partitions: PARTITIONS,
  columns: [
    { name: "venue", type: "string", doc: "venue name" },
    { name: "side", type: "string", doc: "bid | ask (the resting side)" },
    { name: "horizon_s", type: "float64", doc: "markout horizon h, seconds" },
    {
      name: "adverse_usd",
      type: "float64",
      doc: "mean s_rest (mid(t + h) - mid(t-)) over passive fills, dollars; < 0 adverse to the resting order",
    },
    { name: "adverse_n", type: "int32", doc: "passive fills behind adverse_usd" },
  ],
};

/** Per-minute outflow samples per venue and side. */
export const CALIBRATION_OUTFLOW_TABLE: TableSchema = {
  name: "calibration_outflow",
  partitions: PARTITIONS,
  columns: [
    { name: "venue", type: "string", doc: "venue name" },
    { name: "side", type: "string", doc: "bid | ask" },
    { name: "minute", type: "int32", doc: "session minute from the open" },
    { name: "shares", type: "float64", doc: "shares that left the best level in that minute" },
  ],
};

export const CALIBRATION_TABLES = [
  CALIBRATION_TABLE,
  CALIBRATION_PROFILE_TABLE,
  CALIBRATION_FITS_TABLE,
  CALIBRATION_VENUES_TABLE,
  CALIBRATION_OUTFLOW_TABLE,
  CALIBRATION_ADVERSE_TABLE,
] as const;
