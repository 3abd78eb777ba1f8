/**
 * The parameters a backtest of day d uses, combined from the calibrations of the latest `lookbackDays` days
 * STRICTLY BEFORE d (no look-ahead), or documented defaults when there is none. Pure: the records are read
 * by the lookback loader (lib/store/lookback.ts).
 */
import {
  type BookSide,
  CALIBRATION_VERSION,
  type CalibrationRecord,
  DEFAULT_CALIBRATION_OPTIONS,
  type QueueChoice,
} from "./types.ts";

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
  /**
   * Propagator lambda, sigma units per ADV fraction; used as lambda_rel = lambda sigma_d / ADV (relative
   * move per share) with the task's sigma_d and ADV when no lookback day gives a usable impact fit.
   */
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
 * lambda 1 (trading one ADV moves the price by one daily sigma: lambda_rel = 0.02 / 1M = 2e-8 per share,
 * lambda_usd = 2e-6 $/share at 100 $), half-life 15 min, outflow 3000 shares per
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

/** calibrated: full days; extrapolated: partial days scaled by their profile share; default: no volume. */
export type AdvSource = "calibrated" | "extrapolated" | "default";

/** Adverse selection ($/share) by markout horizon in seconds. */
export type AdverseByHorizon = Readonly<Record<number, number>>;

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
  /**
   * ADV, shares: mean V_d over the lookback days covering >= MIN_SESSION_COVERAGE of the session
   * (advSource calibrated); when none does, the mean of each partial day's V_d / the share of the volume
   * profile its data covers (extrapolated); the default only when no lookback day has volume (default).
   */
  readonly adv: number;
  readonly advSource: AdvSource;
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
  /**
   * Mean propagator lambda_H at the chosen half-life, sigma units per fraction of each day's V_d (diagnostic:
   * the impact scale is lambdaRel, which keeps each day's own sigma_d and V_d).
   */
  readonly lambda: number;
  /**
   * lambda_rel = lookback mean of the days' lambda_H sigma_d / V_d at the chosen half-life: relative price
   * move per share traded (1 / shares). lambda_usd = m0 lambdaRel (lib/calibration/forecasts.ts lambdaUsdAt).
   */
  readonly lambdaRel: number;
  /** Half-life with the highest pooled R^2 = 1 - sum_days SSR_H / sum_days SST among positive mean lambda_rel. */
  readonly halfLifeS: number;
  /** Pooled R^2 at halfLifeS (NaN on defaults). */
  readonly impactR2: number;
  /** ln 2 / halfLifeS, per second. */
  readonly beta: number;
  /** lambdaRel priceUsd, dollars per share at the reference price (a parent uses its arrival mid instead). */
  readonly lambdaUsd: number;
  /** Per venue name and resting side. */
  readonly outflow: Record<string, Record<BookSide, OutflowParams>>;
  /** Markout horizons of the adverse selection, seconds ascending (the router reads adverseHorizonFor's). */
  readonly adverseHorizonsS: readonly number[];
  /**
   * Mean adverse selection of passive fills per venue name, side and horizon (seconds), dollars (fill-weighted
   * over days); negative = adverse to the resting order.
   */
  readonly adverse: Record<string, Record<BookSide, AdverseByHorizon>>;
  readonly ofi: OfiParams;
  /** Names of the fields taken from the defaults (all of them when source = default). */
  readonly defaultsUsed: string[];
  /**
   * The queue check's choice of the latest prior day that has one (MBO days), with that day's date; undefined
   * when none has (`sim.queue_model: calibrated` then falls back to the default model).
   */
  readonly queue?: (QueueChoice & { readonly date: string }) | undefined;
}

const mean = (xs: readonly number[]): number => {
  const f = xs.filter(Number.isFinite);
  return f.length > 0 ? f.reduce((a, b) => a + b, 0) / f.length : Number.NaN;
};

/** A day's volume counts in ADV and the profile only when its data covers this share of the session. */
export const MIN_SESSION_COVERAGE = 0.9;

/** The calibration records a backtest of (symbol, date) may read (lib/store/lookback.ts loads them). */
export interface PriorCalibrations {
  /** The latest `lookback_days` records STRICTLY BEFORE the day, no older than `max_age_days`, oldest first. */
  readonly records: readonly CalibrationRecord[];
  /** Dates inside the lookback window left out as older than `max_age_days`. */
  readonly staleDates: readonly string[];
}

/** No prior day: every parameter from the defaults (a first day, or a test of one day). */
export const NO_PRIOR: PriorCalibrations = { records: [], staleDates: [] };

/**
 * The parameters of a backtest day from its prior-day records and the lookback dates left out as stale
 * (the runTask input): combineCalibrations plus `staleDates`.
 */
export function paramsFromPrior(
  prior: PriorCalibrations,
  defaults: CalibrationDefaults = DEFAULT_CALIBRATION,
): CalibrationParams {
  return { ...combineCalibrations(prior.records, defaults), staleDates: [...prior.staleDates] };
}

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

  const fromDays = advOf(records, profile, binS);
  const adv = fromDays.adv ?? defaults.adv;
  const advSource = fromDays.advSource;
  if (fromDays.adv === undefined) used.push("adv");
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

  const impact = pooledImpact(records);
  // none qualifying -> the default scale, 1 daily sigma per ADV, at this task's sigma_d and ADV (and said so)
  const lambda = pick("lambda", impact?.lambda ?? Number.NaN, defaults.lambda);
  const lambdaRel = impact ? impact.lambdaRel : (defaults.lambda * sigmaDaily) / adv;
  const halfLifeS = pick("halfLifeS", impact?.halfLifeS ?? Number.NaN, defaults.halfLifeS);
  const beta = Math.LN2 / halfLifeS;

  const outflow: Record<string, Record<BookSide, OutflowParams>> = {};
  const adverse: Record<string, Record<BookSide, AdverseByHorizon>> = {};
  const venueNames = [...new Set(records.flatMap((r) => r.venues.map((v) => v.venue)))].sort();
  const horizons = [
    ...new Set(records.flatMap((r) => r.venues.flatMap((v) => v.adverse.map((a) => a.horizonS)))),
  ].sort((x, y) => x - y);
  const adverseHorizonsS = horizons.length > 0 ? horizons : DEFAULT_CALIBRATION_OPTIONS.adverseHorizonsS;
  for (const venue of venueNames) {
    const o = {} as Record<BookSide, OutflowParams>;
    const a = {} as Record<BookSide, AdverseByHorizon>;
    for (const side of ["bid", "ask"] as const) {
      const rows = records.flatMap((r) => r.venues.filter((v) => v.venue === venue && v.side === side));
      // minutes without a book on the venue are NaN (missing), not 0: only the measured minutes pool
      const samples = Float64Array.from(
        rows.flatMap((v) => Array.from(v.outflowSamples)).filter(Number.isFinite),
      );
      const n = samples.length;
      const m = n > 0 ? samples.reduce((s, x) => s + x, 0) / n : Number.NaN;
      o[side] = { samples, mean: pick(`outflow.${venue}.${side}`, m, defaults.outflowMean) };
      const byH: Record<number, number> = {};
      let defaulted = false;
      for (const h of adverseHorizonsS) {
        const marks = rows.flatMap((v) =>
          v.adverse.filter((x) => x.horizonS === h && Number.isFinite(x.usd)),
        );
        const fills = marks.reduce((s, x) => s + x.n, 0);
        const sum = marks.reduce((s, x) => s + x.usd * x.n, 0);
        defaulted ||= !(fills > 0);
        byH[h] = fills > 0 ? sum / fills : defaults.adverseUsd;
      }
      if (defaulted) used.push(`adverse.${venue}.${side}`);
      a[side] = byH;
    }
    outflow[venue] = o;
    adverse[venue] = a;
  }

  if (venueNames.length === 0) used.push("outflow", "adverse");

  // the queue model: the latest prior day's queue check (MBO days), not pooled (a choice, not an estimate)
  const withQueue = records.filter((r) => r.queue !== undefined);
  const latestQueue = withQueue[withQueue.length - 1];
  const queue = latestQueue ? { ...latestQueue.queue!, date: latestQueue.date } : undefined;

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
    advSource,
    profileBinS: binS,
    profile,
    halfSpreadProfile,
    sigmaDaily,
    halfSpreadUsd,
    priceUsd,
    lambda,
    lambdaRel,
    halfLifeS,
    impactR2: impact?.r2 ?? Number.NaN,
    beta,
    lambdaUsd: lambdaRel * priceUsd,
    outflow,
    adverseHorizonsS,
    adverse,
    ofi,
    defaultsUsed: used,
    ...(queue ? { queue } : {}),
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

/**
 * Share of a day's volume the profile expects in the part [dataStartS, dataEndS] (seconds from the open) its
 * data covers: the profile integrated over that interval, a bin partly inside counting pro rata. A record
 * without the interval (written before it was kept) falls back to its session_coverage (a flat profile).
 */
export function profileShareCovered(
  profile: Float64Array,
  binS: number,
  r: Pick<CalibrationRecord, "dataStartS" | "dataEndS" | "sessionCoverage">,
): number {
  if (!(Number.isFinite(r.dataStartS) && Number.isFinite(r.dataEndS)))
    return Number.isFinite(r.sessionCoverage) ? r.sessionCoverage : Number.NaN;
  let share = 0;
  for (let k = 0; k < profile.length; k++) {
    const ov = Math.min(r.dataEndS, (k + 1) * binS) - Math.max(r.dataStartS, k * binS);
    if (ov > 0) share += (profile[k]! * ov) / binS;
  }
  return share;
}

/**
 * ADV from the lookback records: the mean V_d of the days covering >= MIN_SESSION_COVERAGE of the session
 * (unknown coverage counts as full), `calibrated`; when none qualifies, the mean over the partial days of
 * V_d / profileShareCovered (the share of `profile`, the task's prior volume profile, that the day's data
 * covers), `extrapolated`; undefined when no lookback day has volume (the caller takes the default).
 */
export function advOf(
  records: readonly CalibrationRecord[],
  profile: Float64Array,
  binS: number,
): { adv: number | undefined; advSource: AdvSource } {
  const traded = records.filter((r) => r.dailyVolume > 0);
  const full = traded.filter((r) => !(r.sessionCoverage < MIN_SESSION_COVERAGE));
  if (full.length > 0) return { adv: mean(full.map((r) => r.dailyVolume)), advSource: "calibrated" };
  const scaled = traded.map((r) => {
    const share = profileShareCovered(profile, binS, r);
    return share > 0 ? r.dailyVolume / Math.min(1, share) : Number.NaN;
  });
  const adv = mean(scaled);
  return Number.isFinite(adv) && adv > 0
    ? { adv, advSource: "extrapolated" }
    : { adv: undefined, advSource: "default" };
}

/** The impact model the lookback days support (pooledImpact). */
export interface PooledImpact {
  readonly halfLifeS: number;
  /** 1 - sum SSR_H / sum SST over the days with a fit at H. */
  readonly r2: number;
  /** Mean lambda_rel_H over those days, 1 / shares. */
  readonly lambdaRel: number;
  /** Mean lambda_H over those days, sigma units per fraction of V_d (diagnostic). */
  readonly lambda: number;
}

/**
 * The half-life H with the highest pooled R^2_H = 1 - sum_days SSR_H / sum_days SST_H (uncentered, r in each
 * day's sigma units) among the candidates whose mean lambda_rel is > 0 (the uncentered R^2 ignores the sign,
 * and an impact against the trade is not a usable OW model); lambda_rel = the mean of the days' lambda_rel at
 * H. Days pool their sums, so a day with more informative bins weighs more than in a mean of R^2s. On a tie
 * the candidate met first (records ascending, candidates in record order). Undefined when none qualifies.
 */
export function pooledImpact(records: readonly CalibrationRecord[]): PooledImpact | undefined {
  const byH = new Map<number, { ssr: number; sst: number; rel: number[]; lambda: number[] }>();
  for (const r of records) {
    for (const c of r.impact.candidates) {
      if (!(Number.isFinite(c.ssr) && Number.isFinite(c.sst) && Number.isFinite(c.lambdaRel))) continue;
      const e = byH.get(c.halfLifeS) ?? { ssr: 0, sst: 0, rel: [], lambda: [] };
      e.ssr += c.ssr;
      e.sst += c.sst;
      e.rel.push(c.lambdaRel);
      e.lambda.push(c.lambda);
      byH.set(c.halfLifeS, e);
    }
  }
  let best: PooledImpact | undefined;
  for (const [h, e] of byH) {
    const lambdaRel = mean(e.rel);
    const r2 = e.sst > 0 ? 1 - e.ssr / e.sst : Number.NaN;
    if (lambdaRel > 0 && Number.isFinite(r2) && (!best || r2 > best.r2))
      best = { halfLifeS: h, r2, lambdaRel, lambda: mean(e.lambda) };
  }
  return best;
}

/**
 * The adverse-selection horizon the router reads (docs/models.md 2): the one of `horizonsS` nearest half the
 * router's horizon tau (a resting order's expected wait), the longer on a tie. Seconds.
 */
export function adverseHorizonFor(horizonsS: readonly number[], routerHorizonS: number): number {
  let best = Number.NaN;
  for (const h of horizonsS) {
    const d = Math.abs(h - routerHorizonS / 2);
    const bd = Math.abs(best - routerHorizonS / 2);
    if (Number.isNaN(best) || d < bd || (d === bd && h > best)) best = h;
  }
  return best;
}
