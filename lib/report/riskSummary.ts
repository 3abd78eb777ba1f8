/**
 * What the risk controls (orders[].limit_bps / max_notional_usd, spec.risk) did in a run, per strategy, from the
 * executions' risk columns: printed by `msor backtest` and shown in the run report (lib/report).
 */
import type { TaskSpec } from "../specs/taskSpec.ts";

/** Columns of the risk-control table (printed when a control is on or the data halted). */
export const RISK_TABLE_COLUMNS = [
  "strategy",
  "parents",
  "limit_hit",
  "notional_capped",
  "spread_guard_skips",
  "capped_shares",
  "halt_skips",
  "halted_s",
] as const;

/** Is any risk control of the spec on (orders[].limit_bps / max_notional_usd, spec.risk)? */
export function riskControlsOn(spec: TaskSpec): boolean {
  const r = spec.risk;
  return (
    spec.orders.some((o) => o.limit_bps !== undefined || o.max_notional_usd !== undefined) ||
    (r !== undefined && Object.values(r).some((v) => v !== undefined && v !== false))
  );
}

/**
 * What the risk controls did, per strategy over the execution rows (status ok): parents, parents whose price
 * limit bound (limit_hit), parents the notional cap cut (notional_cap_qty < parent_qty), decisions held by the
 * spread guard, shares held back by the child / participation caps, decisions skipped in halts, halted seconds.
 */
export function riskTable(executions: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  const by = new Map<string, Record<string, number | string>>();
  for (const e of executions) {
    if (e.status !== "ok") continue;
    const k = String(e.strategy);
    let r = by.get(k);
    if (!r) {
      r = {
        strategy: k,
        parents: 0,
        limit_hit: 0,
        notional_capped: 0,
        spread_guard_skips: 0,
        capped_shares: 0,
        halt_skips: 0,
        halted_s: 0,
      };
      by.set(k, r);
    }
    const add = (col: string, v: number) => {
      r[col] = Number(r[col]) + v;
    };
    add("parents", 1);
    add("limit_hit", e.limit_hit === true ? 1 : 0);
    const cap = e.notional_cap_qty;
    add("notional_capped", cap !== null && cap !== undefined && Number(cap) < Number(e.parent_qty) ? 1 : 0);
    add("spread_guard_skips", Number(e.spread_guard_skips ?? 0));
    add("capped_shares", Number(e.capped_shares ?? 0));
    add("halt_skips", Number(e.halt_skips ?? 0));
    add("halted_s", Number(e.halted_s ?? 0));
  }
  return [...by.values()];
}

/** The executions columns riskTable reads (beyond strategy / status / parent_qty). */
export const RISK_EXECUTION_COLUMNS = [
  "limit_hit",
  "notional_cap_qty",
  "spread_guard_skips",
  "capped_shares",
  "halt_skips",
  "halted_s",
] as const;

/** Did any control act (or the market halt) in these riskTable rows? */
export function riskActive(rows: readonly Record<string, unknown>[]): boolean {
  return rows.some((r) => RISK_TABLE_COLUMNS.slice(2).some((c) => Number(r[c]) > 0));
}
