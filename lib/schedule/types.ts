/**
 * The scheduler contract used by the simulator (docs/models.md sections 4 and 7).
 *
 * Everything here is SIDE-ADJUSTED: quantities are positive shares to trade in the parent's direction, and
 * dollar amounts (alpha, impact) are multiplied by the side s (+1 buy, -1 sell) so that positive = the price
 * is expected to move AGAINST us. A sell with alpha -0.05 $ (price expected to fall) is passed as +0.05 $.
 */

/** Latest alpha forecast, side-adjusted: predicted move `moveUsd` dollars over time scale `timescaleS` s. */
export interface AlphaForecast {
  /** Predicted unperturbed-price move in dollars, side-adjusted (0 for no alpha). */
  readonly moveUsd: number;
  /** Time scale H of the exponential approach P(u) = P0 + A (1 - exp(-u / H)), seconds. */
  readonly timescaleS: number;
}

/** No alpha: the unperturbed price is a martingale. */
export const NO_ALPHA: AlphaForecast = { moveUsd: 0, timescaleS: 0 };

export interface DecisionInput {
  /** Decision index, 0-based. */
  readonly k: number;
  /** Seconds since the parent order's start t0. */
  readonly elapsedS: number;
  /** Horizon T of the parent order, seconds. */
  readonly horizonS: number;
  /** Decision interval, seconds (the last one may be shorter). */
  readonly intervalS: number;
  /** Integer shares not yet sent to the market for this parent. */
  readonly remaining: number;
  /** Parent order size, shares. */
  readonly parentQty: number;
  /** Market volume (shares) traded in the previous interval (for POV); 0 at k = 0. */
  readonly marketVolumePrev: number;
  /** Forecast market volume over this interval (profile x ADV), shares. */
  readonly forecastVolume: number;
  /** Latest alpha forecast, side-adjusted. */
  readonly alpha: AlphaForecast;
  /** Current own-impact state I(t_k), side-adjusted dollars, maintained by the caller (see ImpactState). */
  readonly impactUsd: number;
}

/**
 * A schedule: integer shares >= 0 to send now. One instance per parent order, called in order
 * k = 0, 1, 2, ... (it may keep state such as the fractional remainder; a call with k = 0 resets it).
 */
export interface Scheduler {
  readonly name: string;
  decide(input: DecisionInput): number;
}

/** A strategy's unconstrained wish for this interval, in (possibly fractional, possibly negative) shares. */
export interface RawStrategy {
  readonly name: string;
  target(input: DecisionInput): number;
  /**
   * true when the target is re-planned from `remaining` at every decision (myopic): the unsent fractional
   * share is already inside `remaining`, so it must not be carried again.
   */
  readonly closedLoop?: boolean;
}

/** Impact-model parameters: lambdaUsd dollars of impact per share, beta decay rate per second. */
export interface ImpactParams {
  readonly lambdaUsd: number;
  readonly beta: number;
}
