/**
 * The parameters a backtest of day d uses, combined from the calibrations of the latest `lookbackDays` days
 * STRICTLY BEFORE d (no look-ahead), or documented defaults when there is none. Pure: the records are read
 * by the lookback loader (lib/store/lookback.ts).
 */
import { type BookSide, CALIBRATION_VERSION, type CalibrationRecord } from "./types.ts";

/** Fallback values, used (and listed in `defaultsUsed`) when no prior day exists or a statistic is missing. */
export interface CalibrationDefaults {
  /** Average daily volume, shares. */
  readonly adv: number;
  /** Daily volatility, unitless. */
  readonly sigmaDaily: number;
  /** Half-spread, dollars. */
  readonly halfSpreadUsd: number;
  /** Reference price for lambdaUsd, dollars. */
  readonly priceUsd: number;
  /** Propagator lambda, sigma units per ADV fraction. */
  readonly lambda: number;
  /** Impact half-life, seconds. */
  readonly halfLifeS: number;
  /** Mean per-minute outflow of a best queue, shares (exponential distribution assumed by consumers). */
  readonly outflowMean: number;
  /** Adverse selection of a passive fill, dollars. */
  readonly adverseUsd: number;
  /** OFI coefficient, dollars per unit normalized OFI (0 = the ofi alpha predicts nothing). */
  readonly ofiCoefUsd: number;
  readonly ofiWindowS: number;
  readonly ofiHorizonS: number;
  /** Level-0 depth normalizing the OFI, shares. */
  readonly ofiAvgDepth: number;
  /** Profile bin, seconds; the default profile is flat over the 6.5-hour session. */
  readonly profileBinS: number;
}

/**
 * Documented defaults: a liquid large-cap. ADV 1M shares, sigma_d 2%, half-spread 1 cent, price 100 $,
 * lambda 1 (trading one ADV moves the price by one daily sigma), half-life 15 min, outflow 3000 shares per
 * minute (docs/models.md section 9 router oracle), no adverse selection, OFI coefficient 0 (no OFI alpha).
 */
export const DEFAULT_CALIBRATION: CalibrationDefaults = {
  adv: 1_000_000,
  sigmaDaily: 0.02,
  halfSpreadUsd: 0.01,
  priceUsd: 100,
  lambda: 1,
  halfLifeS: 900,
  outflowMean: 3000,
  adverseUsd: 0,
  ofiCoefUsd: 0,
  ofiWindowS: 10,
  ofiHorizonS: 60,
  ofiAvgDepth: 1000,
  profileBinS: 300,
};

export interface OutflowParams {
  /** Per-minute samples pooled over the lookback days, shares (empty when defaulted). */
  readonly samples: Float64Array;
  readonly mean: number;
}

export interface OfiParams {
  /** Future mid change over horizonS per unit normalized OFI, dollars (pooled: sum sxy / sum sxx). */
  readonly coefUsd: number;
  readonly windowS: number;
  readonly horizonS: number;
  /** Normalizing depth, shares (mean of the lookback days). */
  readonly avgDepth: number;
  readonly r2: number;
  readonly n: number;
}

export interface CalibrationParams {
  /** prior_days, default, or override (lib/calibration/overrides.ts: some parameter was fixed or scaled). */
  readonly source: "prior_days" | "default" | "override";
  /** Prior-day records inside the lookback that were ignored as too old (lib/store/lookback.ts). */
  readonly staleDates?: readonly string[];
  /** Calibration dates combined, ascending (empty for defaults). */
  readonly dates: string[];
  readonly version: number;
  /** ADV = mean V_d, shares. */
  readonly adv: number;
  readonly profileBinS: number;
  /** VWAP forecast: mean of the daily volume profiles (shares of the day per bin, sums to 1). */
  readonly profile: Float64Array;
  /** Mean half-spread per profile bin, dollars. */
  readonly halfSpreadProfile: Float64Array;
  /** sqrt(mean sigma_d^2), unitless per day. */
  readonly sigmaDaily: number;
  readonly halfSpreadUsd: number;
  /** Mean mid of the latest day, dollars. */
  readonly priceUsd: number;
  /** Propagator lambda at the half-life of best mean R^2 (mean over days), unitless. */
  readonly lambda: number;
  readonly halfLifeS: number;
  /** ln 2 / halfLifeS, per second. */
  readonly beta: number;
  /** lambda sigmaDaily priceUsd / adv, dollars per share. */
  readonly lambdaUsd: number;
  /** Per venue name and resting side. */
  readonly outflow: Record<string, Record<BookSide, OutflowParams>>;
  /** Mean adverse selection of passive fills per venue name and side, dollars (fill-weighted over days). */
  readonly adverse: Record<string, Record<BookSide, number>>;
  readonly ofi: OfiParams;
  /** Names of the fields taken from the defaults (all of them when source = default). */
  readonly defaultsUsed: string[];
}

const mean = (xs: readonly number[]): number => {
  const f = xs.filter(Number.isFinite);
  return f.length > 0 ? f.reduce((a, b) => a + b, 0) / f.length : Number.NaN;
};

/** A day's volume counts in ADV and the profile only when its data covers this share of the session. */
export const MIN_SESSION_COVERAGE = 0.9;

/** Pure combination of prior-day records (ascending dates) into backtest parameters; see CalibrationParams. */
export function combineCalibrations(
  records: readonly CalibrationRecord[],
  defaults: CalibrationDefaults = DEFAULT_CALIBRATION,
): CalibrationParams {
  const used: string[] = [];
  const pick = (name: string, v: number, d: number) => {
    if (Number.isFinite(v)) return v;
    used.push(name);
    return d;
  };
  const last = records[records.length - 1];
  const binS = last?.profileBinS ?? defaults.profileBinS;
  const nb = last?.volumeProfile.length ?? Math.ceil(23_400 / binS);
  // ADV and the profile only from days covering most of the session (unknown coverage counts as full)
  const full = records.filter((r) => !(r.sessionCoverage < MIN_SESSION_COVERAGE));
  const same = full.filter(
    (r) => r.profileBinS === binS && r.volumeProfile.length === nb && r.dailyVolume > 0,
  );
  const profile = new Float64Array(nb);
  const halfSpreadProfile = new Float64Array(nb);
  for (let k = 0; k < nb; k++) {
    profile[k] = same.length > 0 ? mean(same.map((r) => r.volumeProfile[k]!)) : 1 / nb;
    halfSpreadProfile[k] = mean(records.map((r) => r.halfSpreadProfile[k] ?? Number.NaN));
  }
  if (same.length === 0) used.push("profile");
  const total = profile.reduce((a, b) => a + b, 0);
  if (total > 0) for (let k = 0; k < nb; k++) profile[k]! /= total;

  const adv = pick(
    "adv",
    mean(full.filter((r) => r.dailyVolume > 0).map((r) => r.dailyVolume)),
    defaults.adv,
  );
  const sigmaDaily = pick(
    "sigmaDaily",
    Math.sqrt(mean(records.filter((r) => r.sigmaDaily > 0).map((r) => r.sigmaDaily ** 2))),
    defaults.sigmaDaily,
  );
  const halfSpreadUsd = pick(
    "halfSpreadUsd",
    mean(records.map((r) => r.halfSpreadUsd)),
    defaults.halfSpreadUsd,
  );
  for (let k = 0; k < nb; k++)
    if (!Number.isFinite(halfSpreadProfile[k]!)) halfSpreadProfile[k] = halfSpreadUsd;
  const priceUsd = pick("priceUsd", last?.meanMidUsd ?? Number.NaN, defaults.priceUsd);

  // impact: the half-life with the best mean R^2 over days, lambda = mean lambda_H over those days
  const byH = new Map<number, { r2: number[]; lambda: number[] }>();
  for (const r of records) {
    for (const c of r.impact.candidates) {
      if (!Number.isFinite(c.r2) || !Number.isFinite(c.lambda)) continue;
      const e = byH.get(c.halfLifeS) ?? { r2: [], lambda: [] };
      e.r2.push(c.r2);
      e.lambda.push(c.lambda);
      byH.set(c.halfLifeS, e);
    }
  }
  // Only candidates with a positive mean lambda qualify: the uncentered R^2 ignores the sign, and an impact
  // against the trade (lambda <= 0) is not a usable OW model. None qualifying -> the defaults (and said so).
  let bestH = Number.NaN;
  let bestR2 = Number.NEGATIVE_INFINITY;
  for (const [h, e] of byH) {
    const r2 = mean(e.r2);
    if (mean(e.lambda) > 0 && r2 > bestR2) {
      bestR2 = r2;
      bestH = h;
    }
  }
  const lambda = pick(
    "lambda",
    Number.isFinite(bestH) ? mean(byH.get(bestH)!.lambda) : Number.NaN,
    defaults.lambda,
  );
  const halfLifeS = pick("halfLifeS", bestH, defaults.halfLifeS);
  const beta = Math.LN2 / halfLifeS;

  const outflow: Record<string, Record<BookSide, OutflowParams>> = {};
  const adverse: Record<string, Record<BookSide, number>> = {};
  const venueNames = [...new Set(records.flatMap((r) => r.venues.map((v) => v.venue)))].sort();
  for (const venue of venueNames) {
    const o = {} as Record<BookSide, OutflowParams>;
    const a = {} as Record<BookSide, number>;
    for (const side of ["bid", "ask"] as const) {
      const rows = records.flatMap((r) => r.venues.filter((v) => v.venue === venue && v.side === side));
      // minutes without a book on the venue are NaN (missing), not 0: only the measured minutes pool
      const samples = Float64Array.from(
        rows.flatMap((v) => Array.from(v.outflowSamples)).filter(Number.isFinite),
      );
      const n = samples.length;
      const m = n > 0 ? samples.reduce((s, x) => s + x, 0) / n : Number.NaN;
      o[side] = { samples, mean: pick(`outflow.${venue}.${side}`, m, defaults.outflowMean) };
      const fills = rows.reduce((s, v) => s + (Number.isFinite(v.adverseUsd) ? v.adverseN : 0), 0);
      const sum = rows.reduce(
        (s, v) => s + (Number.isFinite(v.adverseUsd) ? v.adverseUsd * v.adverseN : 0),
        0,
      );
      a[side] = pick(`adverse.${venue}.${side}`, fills > 0 ? sum / fills : Number.NaN, defaults.adverseUsd);
    }
    outflow[venue] = o;
    adverse[venue] = a;
  }

  if (venueNames.length === 0) used.push("outflow", "adverse");

  const sxx = records.reduce((s, r) => s + (Number.isFinite(r.ofi.sxx) ? r.ofi.sxx : 0), 0);
  const sxy = records.reduce((s, r) => s + (Number.isFinite(r.ofi.sxy) ? r.ofi.sxy : 0), 0);
  const syy = records.reduce((s, r) => s + (Number.isFinite(r.ofi.syy) ? r.ofi.syy : 0), 0);
  const ofi: OfiParams = {
    coefUsd: pick("ofi.coefUsd", sxx > 0 ? sxy / sxx : Number.NaN, defaults.ofiCoefUsd),
    windowS: last?.ofi.windowS ?? defaults.ofiWindowS,
    horizonS: last?.ofi.horizonS ?? defaults.ofiHorizonS,
    avgDepth: pick(
      "ofi.avgDepth",
      mean(records.map((r) => (r.ofi.avgDepth > 0 ? r.ofi.avgDepth : Number.NaN))),
      defaults.ofiAvgDepth,
    ),
    r2: sxx > 0 && syy > 0 ? (sxy * sxy) / (sxx * syy) : Number.NaN,
    n: records.reduce((s, r) => s + r.ofi.n, 0),
  };
  return {
    source: records.length > 0 ? "prior_days" : "default",
    dates: records.map((r) => r.date),
    version: last?.version ?? CALIBRATION_VERSION,
    adv,
    profileBinS: binS,
    profile,
    halfSpreadProfile,
    sigmaDaily,
    halfSpreadUsd,
    priceUsd,
    lambda,
    halfLifeS,
    beta,
    lambdaUsd: (lambda * sigmaDaily * priceUsd) / adv,
    outflow,
    adverse,
    ofi,
    defaultsUsed: used,
  };
}

/** Outflow of (venue, side), or an empty-sample entry with the default mean when the venue was never seen. */
export function outflowOf(
  params: CalibrationParams,
  venue: string,
  side: BookSide,
  defaults: CalibrationDefaults = DEFAULT_CALIBRATION,
): OutflowParams {
  return params.outflow[venue]?.[side] ?? { samples: new Float64Array(0), mean: defaults.outflowMean };
}
