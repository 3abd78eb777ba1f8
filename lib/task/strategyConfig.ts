/**
 * One strategy instance as a spec gives it: a registered strategy, its execution mode and its own parameters
 * (declared by the strategy's registry entry, lib/task/strategies.ts, which builds its schema from them).
 */

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
