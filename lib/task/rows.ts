/** Result rows of a task (executions, child orders, fills, task quality) from the finished executions. */
import type { CalibrationParams } from "../calibration/params.ts";
import type { DataQuality } from "../mbp10/quality.ts";
import { MARKOUT_HORIZONS_S, parentMetrics } from "../metrics/parentMetrics.ts";
import type { CellValue } from "../results/schema.ts";
import type { TaskRows } from "../store/results.ts";
import { overfillOf, type ParentExecution } from "./execution.ts";

import { twapBetween, vwapBetween } from "./tape.ts";
import { venueStatsRows } from "./venueStats.ts";

/**
 * Size-weighted markouts of a parent's passive and aggressive fills at each horizon (the report's markout curves):
 * `passive_markout_{h}s_bps`, `aggressive_markout_{h}s_bps`; NULL without such a fill within the data.
 */
function parentMarkouts(e: ParentExecution, mk: Float64Array): Row {
  const out: Row = {};
  MARKOUT_HORIZONS_S.forEach((h, k) => {
    for (const passive of [true, false]) {
      let sum = 0;
      let w = 0;
      e.fills.forEach((f, i) => {
        if (f.maker !== passive) return;
        const v = mk[i * H + k]!;
        if (!Number.isFinite(v)) return;
        sum += f.qty * v;
        w += f.qty;
      });
      out[`${passive ? "passive" : "aggressive"}_markout_${h}s_bps`] = w > 0 ? sum / w : null;
    }
  });
  return out;
}

const H = MARKOUT_HORIZONS_S.length;

/**
 * Every fill's markout at every horizon, index i * H + k (docs/models.md 8): s (p + s o - m~(t + h)) / m0 x 1e4,
 * positive = we paid more than the impacted mid h later; NaN when the data ends (last record `lastTsNs`) before
 * t + h. Computed once per parent: the fills table, the parent's aggregates and the venue scorecard read it.
 */
function markoutTable(e: ParentExecution, lastTsNs: bigint): Float64Array {
  const out = new Float64Array(e.fills.length * H);
  const s = e.order.side;
  e.fills.forEach((f, i) => {
    for (let k = 0; k < H; k++) {
      out[i * H + k] =
        e.markouts.dueAt(i, k) > lastTsNs
          ? Number.NaN
          : (s * (f.priceUsd + s * f.impactUsd - e.markouts.midAt(i, k)) * 1e4) / e.arrivalMid;
    }
  });
  return out;
}

type Row = Record<string, CellValue>;

export type { TaskRows };

export function resultRows(a: {
  symbol: string;
  date: string;
  executions: readonly ParentExecution[];
  /** The task's parameters (task_quality): source and, with overrides, every overridden name. */
  params: CalibrationParams & { readonly overridden?: readonly string[] };
  /** The parameters of one execution (its parameter set); default `params`. */
  paramsOf?: (e: ParentExecution) => CalibrationParams & { readonly overridden?: readonly string[] };
  venues: readonly string[];
  quality: DataQuality;
  /** Levels per side the data shows (10 for full MBP-10). */
  bookLevels: number;
  /** Longest stretch of the session without a record, seconds. */
  maxGapS: number;
  /** The national mid at the session's close (the close benchmark); NaN when one-sided or unknown. */
  closeMidUsd?: number;
  /**
   * The instrument (docs/models.md 1b): its id, tick and multiplier are written per parent, and currency
   * columns (fees, rebates, the router's expected cost, notional_usd) are price-unit figures x multiplier.
   * Default: the US equity (tick 0.01, multiplier 1).
   */
  instrument?: { readonly id: string; readonly tickSize: number; readonly multiplier: number };
}): TaskRows {
  const inst = a.instrument ?? { id: "equity-us", tickSize: 0.01, multiplier: 1 };
  const mult = inst.multiplier;
  const executions: Row[] = [];
  const childOrders: Row[] = [];
  const fills: Row[] = [];
  let noData = 0;
  const ok = new Set<ParentExecution>();
  const markoutsOf = new Map<ParentExecution, Float64Array>();
  for (const e of a.executions) {
    const mk = markoutTable(e, a.quality.lastTsNs);
    markoutsOf.set(e, mk);
    const key = { symbol: a.symbol, order_id: e.order.id, strategy: e.strategy.label };
    const marketVwap = e.startMark && e.endMark ? vwapBetween(e.startMark, e.endMark) : Number.NaN;
    const m = parentMetrics({
      side: e.order.side,
      parentQty: e.order.qty,
      arrival: e.arrival.result(),
      fills: e.fills.map((f) => ({
        priceUsd: f.priceUsd,
        qty: f.qty,
        feeUsd: f.feeUsd,
        maker: f.maker,
        catchUp: f.catchUp,
        impactUsd: f.impactUsd,
        bestUsd: f.bestUsd,
        midUsd: f.midUsd,
      })),
      marketVwapUsd: marketVwap,
      cancelMidUsd: e.cancelMid,
      completion: e.completion,
      midAtEndUsd: e.lastMid,
      midAfterUsd: e.afterMid,
      endNs: e.lastNs,
      marketVolume: e.startMark && e.lastMark ? e.lastMark.volume - e.startMark.volume : Number.NaN,
      aggressiveQty: e.aggressiveQty,
      lastRecordNs: a.quality.lastTsNs,
      childCount: e.children.length,
      maxParticipation: e.maxParticipation,
    });
    if (m.status === "no_data") noData++;
    else ok.add(e);
    // benchmarks (docs/models.md 8): slippage s (p_eff - B) / B x 1e4 to the interval TWAP of the mid, the close
    // and the participation-weighted price (the market VWAP over [t0, T_last], our realised participation)
    const slip = (b: number) => (e.order.side * (m.avgPriceUsd - b) * 1e4) / b;
    const twapMid = e.startMark && e.endMark ? twapBetween(e.startMark, e.endMark) : Number.NaN;
    const closeMid = a.closeMidUsd ?? Number.NaN;
    const pwp = e.startMark && e.lastMark ? vwapBetween(e.startMark, e.lastMark) : Number.NaN;
    const overfill = e.children.reduce((s, c) => s + overfillOf(c), 0);
    const alphaModel = e.strategy.alpha.kind;
    const p = a.paramsOf ? a.paramsOf(e) : a.params;
    executions.push({
      ...key,
      strategy_name: e.strategy.name,
      exec: e.strategy.exec,
      params: JSON.stringify(e.strategy.params),
      alpha_model: alphaModel,
      look_ahead: e.strategy.alpha.lookAhead,
      impact_model: e.strategy.overlay.name,
      calibration_source: p.source,
      calibration_dates: p.dates.join(","),
      overridden: (p.overridden ?? []).join(","),
      adv: p.adv,
      adv_source: p.advSource,
      side: e.order.side === 1 ? "buy" : "sell",
      parent_qty: e.order.qty,
      start_ts: e.order.startNs,
      start_ns: e.order.startNs,
      horizon_s: e.order.horizonS,
      status: m.status,
      arrival_source: m.arrivalSource,
      arrival_mid: m.arrivalMidUsd,
      executed_qty: m.executedQty,
      avg_price: m.avgPriceUsd,
      is_bps: m.isBps,
      fee_bps: m.feeBps,
      rebate_bps: m.rebateBps,
      impact_cost_bps: m.impactCostBps,
      walk_cost_bps: m.walkCostBps,
      execution_cost_bps: m.executionCostBps,
      opportunity_bps: m.opportunityBps,
      total_cost_bps: m.totalCostBps,
      unfilled_qty: m.unfilledQty,
      overfill_shares: overfill,
      vwap_slippage_bps: m.vwapSlippageBps,
      market_vwap: marketVwap,
      twap_mid: twapMid,
      twap_slippage_bps: slip(twapMid),
      close_mid: closeMid,
      close_slippage_bps: slip(closeMid),
      pwp_price: pwp,
      pwp_slippage_bps: slip(pwp),
      fill_rate: m.fillRate,
      passive_share: m.passiveShare,
      catch_up_share: m.catchUpShare,
      child_count: m.childCount,
      participation: m.participation,
      max_participation: m.maxParticipation,
      reversion_bps: m.reversionBps,
      end_mid: e.endMid,
      cancel_mid: e.cancelMid,
      limit_price: e.order.limitBps !== undefined ? e.limitUsd : null,
      limit_hit: e.order.limitBps !== undefined ? e.limitHit : null,
      notional_cap_qty:
        e.order.maxNotionalUsd !== undefined && e.notionalCapQty >= 0 ? e.notionalCapQty : null,
      spread_guard_skips: e.spreadGuardSkips,
      capped_shares: e.cappedShares,
      halt_skips: e.haltSkips,
      halted_s: e.haltedS,
      tc_spread_bps: m.tcSpreadBps,
      tc_walk_bps: m.tcWalkBps,
      tc_impact_bps: m.tcImpactBps,
      tc_timing_bps: m.tcTimingBps,
      tc_fees_bps: m.tcFeesBps,
      tc_opportunity_bps: m.tcOpportunityBps,
      ...parentMarkouts(e, mk),
      instrument: inst.id,
      tick_size: inst.tickSize,
      multiplier: mult,
      notional_usd: e.order.qty * m.arrivalMidUsd * mult,
    });
    for (const c of e.children) {
      childOrders.push({
        ...key,
        child_index: c.index,
        ts: c.tsNs,
        ts_ns: c.tsNs,
        qty: c.qty,
        market_qty: c.marketQty,
        limit_qty: c.limitQty,
        limits: JSON.stringify(c.limits),
        expected_cost_usd: c.expectedCostUsd * mult,
        alpha_usd: c.alphaUsd,
        impact_usd: c.impactUsd,
        filled_qty: c.filledQty,
        overfill_shares: overfillOf(c),
        complete_ts_ns: c.completeNs ?? null,
      });
    }
    e.fills.forEach((f, i) => {
      const row: Row = {
        ...key,
        ts: f.tsNs,
        ts_ns: f.tsNs,
        venue: a.venues[f.venue] ?? `venue ${f.venue}`,
        price: f.priceUsd,
        qty: f.qty,
        maker: f.maker,
        catch_up: f.catchUp,
        fee_usd: f.feeUsd * mult,
        impact_usd: f.impactUsd,
        best_price: f.bestUsd,
        mid: f.midUsd,
      };
      MARKOUT_HORIZONS_S.forEach((h, k) => {
        const v = mk[i * H + k]!;
        row[`markout_${h}s_bps`] = Number.isNaN(v) ? null : v; // NULL past the data's end
      });
      fills.push(row);
    });
  }
  const q = a.quality;
  const taskQuality: Row[] = [
    {
      symbol: a.symbol,
      rows: q.rows,
      first_ts_ns: q.firstTsNs,
      last_ts_ns: q.lastTsNs,
      f_last_records: q.fLastRecords,
      trades: q.trades,
      crossed_books: q.crossedBooks,
      locked_books: q.lockedBooks,
      non_monotone_ts: q.nonMonotoneTs,
      sequence_regressions: q.sequenceRegressions,
      sequence_gaps: q.sequenceGaps,
      maybe_bad_book: q.maybeBadBook,
      undefined_prices: q.undefinedPrices,
      clears: q.clears,
      venues: a.venues.join(","),
      calibration_source: a.params.source,
      defaults_used: a.params.defaultsUsed.join(","),
      overridden: (a.params.overridden ?? []).join(","),
      no_data_parents: noData,
      book_levels: a.bookLevels,
      max_gap_s: a.maxGapS,
    },
  ];
  const venueStats = venueStatsRows(
    a.symbol,
    a.executions,
    a.venues,
    (e) => ok.has(e),
    (e, i, k) => markoutsOf.get(e)![i * H + k]!,
    mult,
  );
  return { executions, childOrders, fills, taskQuality, venueStats };
}
