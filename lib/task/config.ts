/**
 * The resolved input of one task: what runTask needs to know about parent orders, strategies and models.
 * The sweep spec (lib/specs/taskSpec.ts) validates user input with zod and produces exactly this shape; lib/task
 * trusts it. Model names are registry names (lib/sim/registry.ts, lib/alpha/registry.ts,
 * lib/task/strategies.ts).
 */
import type { CalibrationOverrides } from "../calibration/overrides.ts";
import type { InstrumentConfig, VenueFeesConfig } from "../core/instrument.ts";

/** market: every child is a market order; sor: every child goes through the Cont-Kukanov router. */
export type ExecMode = "market" | "sor";

export interface StrategyConfig {
  /** Registered strategy name (lib/task/strategies.ts). */
  readonly strategy: string;
  readonly exec: ExecMode;
  /** Participation cap: at most this fraction of the forecast interval volume per child (0 / absent = none). */
  readonly rho_max?: number | undefined;
  /** Strategy-specific parameters, as declared by the strategy's registry entry (e.g. rho, alpha). */
  readonly [param: string]: unknown;
}

export interface ParentOrderConfig {
  readonly side: "buy" | "sell";
  /** Size: either shares or percent of ADV (1 = 1% of ADV). */
  readonly shares?: number | undefined;
  readonly pct_adv?: number | undefined;
  /** Start times, New York wall clock HH:MM. */
  readonly start_times: readonly string[];
  readonly horizon_min: number;
  /**
   * Price limit in bps of the arrival mid m0: a buy never pays more than m0 (1 + limit_bps / 1e4), a sell never
   * receives less than m0 (1 - limit_bps / 1e4). Absent = no limit.
   */
  readonly limit_bps?: number | undefined;
  /** The parent is capped at floor(max_notional_usd / m0) shares. Absent = no cap. */
  readonly max_notional_usd?: number | undefined;
}

/** Run-wide risk controls (docs/models.md 7.1); every field absent = that control off. */
export interface RiskConfig {
  /** No child is sent while the national spread is wider than this (bps of the mid); it carries to the next decision. */
  readonly max_spread_bps?: number | undefined;
  /** A child larger than this is capped; the rest carries to the next decision. */
  readonly max_child_shares?: number | undefined;
  /** A child is capped at this fraction of the market volume of the previous decision interval (realized). */
  readonly max_participation?: number | undefined;
  /** A stretch of this many seconds without any record is a halt (gap). */
  readonly max_gap_s?: number | undefined;
  /** Halts (clear records, LOBSTER halts, gaps > max_gap_s) suspend decisions and catch-up until the book is back. */
  readonly suspend_on_halt?: boolean | undefined;
}

export interface TaskConfig {
  readonly seed: number;
  readonly orders: readonly ParentOrderConfig[];
  readonly strategies: readonly StrategyConfig[];
  /** Seconds between decisions. */
  readonly decision_interval_s: number;
  readonly router: {
    readonly horizon_s: number;
    readonly theta_usd: number;
    readonly lambda_u_usd: number;
    readonly lambda_o_usd: number;
    readonly samples: number;
  };
  /** Fees of the equity default instrument, $/share; `venues` by venue name (docs/models.md 1b). */
  readonly fees: {
    readonly taker_fee_usd: number;
    readonly maker_rebate_usd: number;
    readonly venues?: Readonly<Record<string, VenueFeesConfig>> | undefined;
  };
  /**
   * Instruments by symbol or pattern, first match wins (lib/core/instrument.ts resolveInstrument); absent = every
   * symbol is a US equity (NYSE, tick 0.01, multiplier 1).
   */
  readonly instruments?: readonly InstrumentConfig[] | undefined;
  readonly sim: {
    /** Registered latency model (lib/sim/registry.ts). */
    readonly latency_model: string;
    readonly latency_ms: number;
    /** Registered queue model (lib/sim/registry.ts). */
    readonly queue_model: string;
    /** Seconds after a parent's end during which its last orders may still fill; then they are cancelled. */
    readonly end_grace_s: number;
    /**
     * Own-impact overlay models (lib/sim/registry.ts IMPACT_MODELS, docs/models.md 6.6), at least one. Several = a
     * grid: each model runs every strategy (x parameter set) as owners of its own in the same pass, labelled
     * `.../impact=NAME`; one model leaves the labels as they are.
     */
    readonly impact: readonly string[];
  };
  readonly calibration: {
    readonly lookback_days: number;
    /**
     * Parameter sets (lib/calibration/overrides.ts), expanded from the spec's grid: each set runs every strategy
     * as its own owners in the same pass. Absent = the calibrated parameters only.
     */
    readonly overrides?: readonly CalibrationOverrides[] | undefined;
    /** Prior-day calibrations older than this many calendar days are ignored. */
    readonly max_age_days: number;
  };
  /** Risk controls of every parent order; absent = all off (the behaviour before they existed). */
  readonly risk?: RiskConfig | undefined;
}
