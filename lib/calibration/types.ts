/**
 * Calibration contracts (docs/models.md section 2): the single-pass observer interface, options, and the result of
 * one symbol-day. Units: shares, dollars, seconds; sigma and lambda are unitless as stated per field.
 */
import type { Mbp10Batch } from "../mbp10/schema.ts";

/** Version of the calibration record layout and statistics; part of the storage key (calibration/v=...). */
export const CALIBRATION_VERSION = 2;

/** Anything that consumes replay batches in order (calibration statistics, recorders); one call per batch. */
export interface BatchObserver {
  observe(b: Mbp10Batch): void;
}

export interface CalibrationOptions {
  /** Volume / spread profile bin, seconds (default 300). */
  readonly profileBinS: number;
  /** Impact-fit bin dt, seconds (default 10). */
  readonly impactBinS: number;
  /** Candidate impact half-lives, seconds (default 1, 5, 15, 30, 60 minutes). */
  readonly halfLivesS: readonly number[];
  /** Kyle-lambda aggregation periods, seconds (default 1, 5, 10, 30, 60, 120, 300). */
  readonly kylePeriodsS: readonly number[];
  /** Adverse-selection horizons h after a passive fill, seconds (default 10, 60, 300). */
  readonly adverseHorizonsS: readonly number[];
  /** OFI look-back window w, seconds (default 10). */
  readonly ofiWindowS: number;
  /** OFI forecast horizon H_alpha, seconds (default 60). */
  readonly ofiHorizonS: number;
}

export const DEFAULT_CALIBRATION_OPTIONS: CalibrationOptions = {
  profileBinS: 300,
  impactBinS: 10,
  halfLivesS: [60, 300, 900, 1800, 3600],
  kylePeriodsS: [1, 5, 10, 30, 60, 120, 300],
  adverseHorizonsS: [10, 60, 300],
  ofiWindowS: 10,
  ofiHorizonS: 60,
};

/** One half-life candidate of the propagator fit. */
export interface ImpactCandidate {
  /** Half-life H, seconds. */
  readonly halfLifeS: number;
  /** beta = ln 2 / H, per second. */
  readonly beta: number;
  /** lambda_H = sum(r dJ) / sum(dJ^2), sigma-units per fraction of V_d (unitless). */
  readonly lambda: number;
  /** Uncentered R^2 of the no-intercept regression (sum(r dJ))^2 / (sum(dJ^2) sum(r^2)) = 1 - ssr / sst. */
  readonly r2: number;
  /**
   * lambda_rel = lambda_H sigma_d / V_d: relative price move per share traded (1 / shares). The day's lambda
   * tied to the volume and volatility it was fitted with; the task's lambda_usd is m0 x its lookback mean.
   */
  readonly lambdaRel: number;
  /** Residual sum of squares sum(r^2) - sum(r dJ)^2 / sum(dJ^2), r in sigma units (for the pooled R^2). */
  readonly ssr: number;
  /** Uncentered total sum of squares sum(r^2), sigma units squared (for the pooled R^2). */
  readonly sst: number;
  /** Number of bins used. */
  readonly n: number;
}

/** Propagator impact fit of one day; `lambda`, `halfLifeS`, `beta`, `r2` are those of the best-R^2 candidate. */
export interface ImpactFit {
  readonly binS: number;
  readonly candidates: readonly ImpactCandidate[];
  readonly lambda: number;
  readonly halfLifeS: number;
  readonly beta: number;
  readonly r2: number;
  /** lambda_rel of the chosen candidate = lambda sigma_d / V_d, 1 / shares. */
  readonly lambdaRel: number;
  /** lambda_rel * P = lambda * sigma_d * P / V_d, dollars per share, with P the day's mean mid (diagnostic). */
  readonly lambdaUsd: number;
}

/** Kyle lambda at one aggregation period: OLS (with intercept) of mid change ($) on signed volume (shares). */
export interface KyleRow {
  readonly periodS: number;
  /** Slope, dollars per share. */
  readonly lambdaUsdPerShare: number;
  /** Intercept, dollars per period. */
  readonly interceptUsd: number;
  /** Centered R^2. */
  readonly r2: number;
  readonly n: number;
}

/**
 * OFI fit: future mid change over `horizonS` (dollars) = coefUsd * OFI_w / avgDepth, no intercept.
 * The sums are kept so that several days can be pooled exactly (coef = sum sxy / sum sxx).
 */
export interface OfiFit {
  readonly windowS: number;
  readonly horizonS: number;
  /** Dollars per unit of normalized OFI. */
  readonly coefUsd: number;
  /** Uncentered R^2. */
  readonly r2: number;
  readonly n: number;
  /** Mean over the session (1-s samples) of the summed venue depth at level 0, (q_b + q_a) / 2, shares. */
  readonly avgDepth: number;
  readonly sxx: number;
  readonly sxy: number;
  readonly syy: number;
}

export type BookSide = "bid" | "ask";

/** Per venue and side: queue outflow per minute (shares) and adverse selection of passive fills (dollars). */
export interface VenueSideStats {
  readonly venue: string;
  readonly side: BookSide;
  /** Shares that left the best level in each session minute (executions + cancels, counted once). */
  readonly outflowSamples: Float64Array;
  readonly outflowMean: number;
  /** Adverse selection of passive fills at each horizon h of CalibrationOptions.adverseHorizonsS. */
  readonly adverse: readonly AdverseMarkout[];
}

/** Adverse selection at one markout horizon. */
export interface AdverseMarkout {
  /** Horizon h, seconds. */
  readonly horizonS: number;
  /** Mean of s_rest (mid(tau + h) - mid(tau-)), dollars; negative = adverse to the resting order. NaN if none. */
  readonly usd: number;
  /** Number of passive fills (trade records) behind usd. */
  readonly n: number;
}

/** National mid sampled on a regular grid: mids[k] = mid at startNs + k stepNs (NaN = no two-sided book). */
export interface MidPath {
  readonly startNs: bigint;
  readonly stepNs: bigint;
  readonly mids: Float64Array;
}

/** The persisted calibration of one symbol-day. */
/**
 * A symbol-day's queue check on MBO input (docs/models.md 6.7): the L2 queue model whose fill times came
 * closest to the exact FIFO queue (smallest |mean signed error|), for `sim.queue_model: calibrated` on later days.
 */
export interface QueueChoice {
  /** risk_averse, log_prob or prob(n) (n of the power grid). */
  readonly model: string;
  /** The best-fitting power n of prob(n) (NaN when unknown). */
  readonly power: number;
  /** The chosen model's mean signed fill-time error, seconds (> 0: fills late). */
  readonly errorS: number;
  /** Hypothetical orders placed and horizon tau (seconds) of the check. */
  readonly orders: number;
  readonly tauS: number;
}

export interface CalibrationRecord {
  readonly version: number;
  readonly symbol: string;
  readonly date: string;
  readonly sessionOpenNs: bigint;
  readonly sessionCloseNs: bigint;
  /** Records replayed inside the session. */
  readonly events: number;
  /**
   * Share of the regular session the data covers: (last - first record inside the session) / session length,
   * in [0, 1]; NaN when unknown (a record written before the field existed). ADV and the volume profile use
   * days covering >= MIN_SESSION_COVERAGE; a lookback of partial days only extrapolates their volume.
   */
  readonly sessionCoverage: number;
  /**
   * First and last record inside the session, seconds from the open (NaN when unknown or no record): the part
   * of the session a partial day's volume covers (ADV extrapolation, lib/calibration/params.ts).
   */
  readonly dataStartS: number;
  readonly dataEndS: number;
  /** V_d: sum of trade (T record) sizes over all venues in the session, shares. */
  readonly dailyVolume: number;
  readonly tradeCount: number;
  /** sigma_d = sqrt(sum of squared 1-minute log returns of the national mid), unitless per day. */
  readonly sigmaDaily: number;
  /** Time-weighted mean national half-spread (ask - bid) / 2, dollars. */
  readonly halfSpreadUsd: number;
  /** Mean national mid over the session (1-s samples), dollars. */
  readonly meanMidUsd: number;
  readonly profileBinS: number;
  /** Share of V_d traded in each profile bin (sums to 1 when V_d > 0). */
  readonly volumeProfile: Float64Array;
  /** Time-weighted mean half-spread in each profile bin, dollars (NaN when no two-sided book). */
  readonly halfSpreadProfile: Float64Array;
  readonly impact: ImpactFit;
  readonly kyle: readonly KyleRow[];
  readonly ofi: OfiFit;
  readonly venues: readonly VenueSideStats[];
  /** The queue check's choice (MBO days only; absent on MBP-10 days and on records written before it). */
  readonly queue?: QueueChoice | undefined;
}

/** What the calibration pass returns: the record plus the in-memory 1-s mid path (for the oracle alpha). */
export interface DayCalibration extends CalibrationRecord {
  readonly midPath: MidPath;
}
