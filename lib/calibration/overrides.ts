/**
 * Fixed-parameter overrides (docs/models.md section 2, "Overrides"): a researcher fixes or scales calibrated
 * parameters ("what if impact were twice the calibrated value, or the half-life an hour?"). ONE pure function,
 * `applyOverrides`, turns the prior-day parameters + one override set into the parameters a task uses, with
 * `source = "override"` and the names of the overridden parameters; runTask calls it right after the lookback
 * loader, so every model that reads a parameter (scheduler, router, alpha, order sizing, volume forecast) sees
 * the overridden value. Validation of user input happens in the spec (lib/specs/taskSpec.ts); this layer trusts it.
 */
import {
  type AdverseByHorizon,
  type CalibrationParams,
  DEFAULT_CALIBRATION,
  type OutflowParams,
} from "./params.ts";
import type { BookSide } from "./types.ts";

/** A value for all venues, or per venue name (e.g. {XNAS: 3000}). */
export type PerVenue = number | Readonly<Record<string, number>>;

/**
 * One override set (every value a scalar; the spec expands grids into several sets). A parameter is either
 * fixed or scaled, never both. Units: lambda in daily-sigma units per fraction of ADV (it becomes the impact
 * scale lambda_rel = lambda sigma_d / ADV per share, with the set's sigma_d and ADV); half_life_s seconds;
 * sigma_d unitless per day; adv shares; half_spread_usd $; outflow shares per minute; adverse $/share (negative
 * = adverse to the resting order); ofi_coef_usd $ per unit normalised OFI.
 */
export interface CalibrationOverrides {
  readonly lambda?: number;
  readonly lambda_scale?: number;
  readonly half_life_s?: number;
  readonly half_life_scale?: number;
  readonly sigma_d?: number;
  readonly sigma_d_scale?: number;
  readonly adv?: number;
  readonly adv_scale?: number;
  readonly half_spread_usd?: number;
  readonly half_spread_scale?: number;
  readonly outflow_mean_shares_per_min?: PerVenue;
  readonly outflow_scale?: number;
  readonly adverse_usd?: PerVenue;
  readonly ofi_coef_usd?: number;
  readonly ofi_coef_scale?: number;
}

/** Every override key, in the canonical order used by set names. */
export const OVERRIDE_KEYS = [
  "lambda",
  "lambda_scale",
  "half_life_s",
  "half_life_scale",
  "sigma_d",
  "sigma_d_scale",
  "adv",
  "adv_scale",
  "half_spread_usd",
  "half_spread_scale",
  "outflow_mean_shares_per_min",
  "outflow_scale",
  "adverse_usd",
  "ofi_coef_usd",
  "ofi_coef_scale",
] as const satisfies readonly (keyof CalibrationOverrides)[];

/** The parameter each key overrides (the name recorded in the `overridden` result column). */
export const OVERRIDE_TARGET: Readonly<Record<keyof CalibrationOverrides, string>> = {
  lambda: "lambda",
  lambda_scale: "lambda",
  half_life_s: "half_life_s",
  half_life_scale: "half_life_s",
  sigma_d: "sigma_d",
  sigma_d_scale: "sigma_d",
  adv: "adv",
  adv_scale: "adv",
  half_spread_usd: "half_spread_usd",
  half_spread_scale: "half_spread_usd",
  outflow_mean_shares_per_min: "outflow",
  outflow_scale: "outflow",
  adverse_usd: "adverse",
  ofi_coef_usd: "ofi_coef",
  ofi_coef_scale: "ofi_coef",
};

/** Parameters after overrides: CalibrationParams plus what the override set changed. */
export interface TaskParams extends CalibrationParams {
  /** Overridden parameter names (OVERRIDE_TARGET values, canonical order); empty = calibrated as loaded. */
  readonly overridden: readonly string[];
  /**
   * The router's half-spread h ($) from the book's: a fixed value, or the book's times a scale, when the
   * override set changes the half-spread (order prices still come from the book). Absent: the book's.
   */
  readonly routerHalfSpreadUsd?: (bookHalfSpreadUsd: number) => number;
  /** Outflow mean for venues with no calibrated entry (shares/minute), when the override gave one number. */
  readonly outflowFallbackMean?: number;
  /** Adverse selection for venues with no calibrated entry ($/share), when the override gave one number. */
  readonly adverseFallbackUsd?: number;
}

const fmt = (v: PerVenue): string =>
  typeof v === "number"
    ? String(v)
    : Object.keys(v)
        .sort()
        .map((k) => `${k}:${v[k]}`)
        .join("+");

/** Stable name of an override set, e.g. "lambda_scale=2,half_life_s=3600" ("" for the empty set). */
export function overrideSetName(o: CalibrationOverrides): string {
  return OVERRIDE_KEYS.filter((k) => o[k] !== undefined)
    .map((k) => `${k}=${fmt(o[k] as PerVenue)}`)
    .join(",");
}

/** Venue names an override set names explicitly (to check them against a day's venues). */
export function overrideVenues(o: CalibrationOverrides): string[] {
  const out = new Set<string>();
  for (const v of [o.outflow_mean_shares_per_min, o.adverse_usd])
    if (v !== undefined && typeof v !== "number") for (const k of Object.keys(v)) out.add(k);
  return [...out].sort();
}

const BOTH: readonly BookSide[] = ["bid", "ask"];

/**
 * Apply one override set to the loaded parameters (pure). Fixed values replace, scales multiply; derived
 * quantities follow: beta = ln 2 / half-life; the impact scale lambda_rel (relative move per share) is
 * - a fixed `lambda` (daily sigmas per fraction of ADV): lambda sigma_d / ADV, at the set's sigma_d and ADV;
 * - otherwise the calibrated lambda_rel x lambda_scale x (set's sigma_d / calibrated sigma_d): lambda held in
 *   sigma units, so a sigma override moves the impact with it; an ADV override alone does not change it (ADV
 *   sizes orders and scales the volume forecast, it does not enter lambda_usd = m0 lambda_rel).
 * A fixed outflow mean
 * replaces the empirical samples by an exponential distribution with that mean; a scale multiplies samples
 * and mean. A per-venue value applies to both sides of that venue; one number applies to every venue.
 */
export function applyOverrides(params: CalibrationParams, o: CalibrationOverrides = {}): TaskParams {
  const overridden = [
    ...new Set(OVERRIDE_KEYS.filter((k) => o[k] !== undefined).map((k) => OVERRIDE_TARGET[k])),
  ];
  if (overridden.length === 0) return { ...params, overridden: [] };
  const fixOrScale = (v: number, fixed: number | undefined, scale: number | undefined) =>
    fixed ?? v * (scale ?? 1);
  const lambda = fixOrScale(params.lambda, o.lambda, o.lambda_scale);
  const halfLifeS = fixOrScale(params.halfLifeS, o.half_life_s, o.half_life_scale);
  const sigmaDaily = fixOrScale(params.sigmaDaily, o.sigma_d, o.sigma_d_scale);
  const adv = fixOrScale(params.adv, o.adv, o.adv_scale);
  const lambdaRel =
    o.lambda !== undefined
      ? (o.lambda * sigmaDaily) / adv
      : params.lambdaRel * (o.lambda_scale ?? 1) * (sigmaDaily / params.sigmaDaily);
  const halfSpreadUsd = fixOrScale(params.halfSpreadUsd, o.half_spread_usd, o.half_spread_scale);
  const spreadChanged = o.half_spread_usd !== undefined || o.half_spread_scale !== undefined;
  const halfSpreadProfile = spreadChanged
    ? o.half_spread_usd !== undefined
      ? new Float64Array(params.halfSpreadProfile.length).fill(o.half_spread_usd)
      : params.halfSpreadProfile.map((h) => h * (o.half_spread_scale ?? 1))
    : params.halfSpreadProfile;

  let outflow = params.outflow;
  let outflowFallbackMean: number | undefined;
  const om = o.outflow_mean_shares_per_min;
  if (om !== undefined || o.outflow_scale !== undefined) {
    const next: Record<string, Record<BookSide, OutflowParams>> = {};
    const venues = new Set([
      ...Object.keys(params.outflow),
      ...(typeof om === "object" ? Object.keys(om) : []),
    ]);
    for (const venue of [...venues].sort()) {
      const sides = {} as Record<BookSide, OutflowParams>;
      for (const side of BOTH) {
        const cur = params.outflow[venue]?.[side] ?? {
          samples: new Float64Array(0),
          mean: DEFAULT_CALIBRATION.outflowMean,
        };
        const fixed = typeof om === "number" ? om : om?.[venue];
        sides[side] =
          fixed !== undefined
            ? { samples: new Float64Array(0), mean: fixed }
            : o.outflow_scale !== undefined
              ? { samples: cur.samples.map((x) => x * o.outflow_scale!), mean: cur.mean * o.outflow_scale }
              : cur;
      }
      next[venue] = sides;
    }
    outflow = next;
    if (typeof om === "number") outflowFallbackMean = om;
    else if (o.outflow_scale !== undefined)
      outflowFallbackMean = DEFAULT_CALIBRATION.outflowMean * o.outflow_scale;
  }

  let adverse = params.adverse;
  let adverseFallbackUsd: number | undefined;
  const ad = o.adverse_usd;
  if (ad !== undefined) {
    const next: Record<string, Record<BookSide, AdverseByHorizon>> = {};
    const atAll = (v: number): AdverseByHorizon =>
      Object.fromEntries(params.adverseHorizonsS.map((h) => [h, v]));
    const venues = new Set([
      ...Object.keys(params.adverse),
      ...(typeof ad === "object" ? Object.keys(ad) : []),
    ]);
    for (const venue of [...venues].sort()) {
      const fixed = typeof ad === "number" ? ad : ad[venue];
      next[venue] = {
        bid:
          fixed !== undefined
            ? atAll(fixed)
            : (params.adverse[venue]?.bid ?? atAll(DEFAULT_CALIBRATION.adverseUsd)),
        ask:
          fixed !== undefined
            ? atAll(fixed)
            : (params.adverse[venue]?.ask ?? atAll(DEFAULT_CALIBRATION.adverseUsd)),
      };
    }
    adverse = next;
    if (typeof ad === "number") adverseFallbackUsd = ad;
  }

  const ofi = { ...params.ofi, coefUsd: fixOrScale(params.ofi.coefUsd, o.ofi_coef_usd, o.ofi_coef_scale) };
  return {
    ...params,
    source: "override",
    overridden,
    lambda,
    halfLifeS,
    beta: Math.LN2 / halfLifeS,
    sigmaDaily,
    adv,
    halfSpreadUsd,
    halfSpreadProfile,
    lambdaRel,
    lambdaUsd: lambdaRel * params.priceUsd,
    outflow,
    adverse,
    ofi,
    ...(spreadChanged
      ? {
          routerHalfSpreadUsd: (h: number) => o.half_spread_usd ?? h * (o.half_spread_scale ?? 1),
        }
      : {}),
    ...(outflowFallbackMean !== undefined ? { outflowFallbackMean } : {}),
    ...(adverseFallbackUsd !== undefined ? { adverseFallbackUsd } : {}),
  };
}

/** Outflow of (venue, side) under the task parameters (the override's all-venue mean for unseen venues). */
export function taskOutflowOf(p: TaskParams, venue: string, side: BookSide): OutflowParams {
  return (
    p.outflow[venue]?.[side] ?? {
      samples: new Float64Array(0),
      mean: p.outflowFallbackMean ?? DEFAULT_CALIBRATION.outflowMean,
    }
  );
}

/**
 * Adverse selection of (venue, side) at the markout horizon `horizonS` (one of p.adverseHorizonsS, see
 * adverseHorizonFor), $/share; the override's all-venue value, else 0, for unseen venues or horizons.
 */
export function taskAdverseOf(p: TaskParams, venue: string, side: BookSide, horizonS: number): number {
  return p.adverse[venue]?.[side]?.[horizonS] ?? p.adverseFallbackUsd ?? 0;
}

/** An override set as the spec accepts it: any value may be a list (a grid over that parameter). */
export type OverrideGridSet = {
  readonly [K in keyof CalibrationOverrides]?: CalibrationOverrides[K] | readonly CalibrationOverrides[K][];
};

/**
 * Expand override grids into scalar sets (pure): each set's list-valued keys give the cartesian product (in
 * key order, the first key varying slowest); a list of sets is the concatenation of their expansions. The
 * result feeds ONE pass over the data: every set is a parameter set of its own (docs/models.md "Overrides").
 */
export function expandOverrideGrid(
  grid: OverrideGridSet | readonly OverrideGridSet[],
): CalibrationOverrides[] {
  const sets = Array.isArray(grid) ? (grid as readonly OverrideGridSet[]) : [grid as OverrideGridSet];
  const out: CalibrationOverrides[] = [];
  for (const set of sets) {
    let acc: Record<string, unknown>[] = [{}];
    for (const k of OVERRIDE_KEYS) {
      const v = set[k];
      if (v === undefined) continue;
      const values = Array.isArray(v) ? v : [v];
      acc = acc.flatMap((a) => values.map((x) => ({ ...a, [k]: x })));
    }
    out.push(...(acc as CalibrationOverrides[]));
  }
  return out;
}
