/**
 * Result tables of a backtest task (DESIGN.md storage layout). Partitioned by run_id and date; one file per
 * symbol (keys built by lib/store/keys.ts resultKey).
 */
import { MARKOUT_HORIZONS_S } from "../metrics/parentMetrics.ts";
import type { ColumnDef, TableSchema } from "./schema.ts";

const PARTITIONS = [
  { name: "run_id", type: "string" },
  { name: "date", type: "string" },
] as const;

const KEY: readonly ColumnDef[] = [
  { name: "symbol", type: "string", doc: "ticker" },
  { name: "order_id", type: "string", doc: "parent order id within the task, e.g. buy-1000-10:00" },
  { name: "strategy", type: "string", doc: "strategy instance label, e.g. myopic/sor/alpha=ofi" },
];

export const EXECUTIONS: TableSchema = {
  name: "executions",
  partitions: PARTITIONS,
  columns: [
    ...KEY,
    { name: "strategy_name", type: "string", doc: "immediate | twap | vwap | pov | ow | myopic" },
    { name: "exec", type: "string", doc: "market | sor" },
    { name: "params", type: "string", doc: "strategy parameters as JSON" },
    {
      name: "alpha_model",
      type: "string",
      doc: "none | ofi | imbalance | oracle (oracle = look-ahead upper bound)",
    },
    {
      name: "look_ahead",
      type: "bool",
      doc: "true when the result used future data (oracle alpha): not achievable",
    },
    {
      name: "impact_model",
      type: "string",
      doc: "own-impact overlay priced into the fills: none (pure replay, a lower bound) | linear | sqrt",
    },
    {
      name: "calibration_source",
      type: "string",
      doc: "prior_days, default, or override (some parameter fixed or scaled by calibration.overrides)",
    },
    { name: "calibration_dates", type: "string", doc: "comma-separated dates whose calibration was used" },
    {
      name: "overridden",
      type: "string",
      doc: "parameters fixed or scaled by calibration.overrides (the label names the set), comma-separated",
    },
    {
      name: "adv",
      type: "float64",
      doc: "ADV the task used (pct_adv sizes, volume forecast, q_ref), shares",
    },
    {
      name: "adv_source",
      type: "string",
      doc: "calibrated (lookback days covering >= 90% of the session) | extrapolated (partial days / profile share) | default",
    },
    { name: "side", type: "string", doc: "buy | sell" },
    { name: "parent_qty", type: "int64", doc: "parent order size, shares" },
    { name: "start_ts", type: "timestamp_us", doc: "parent order start t0 (UTC)" },
    { name: "start_ns", type: "int64", doc: "t0, ns since epoch (exact)" },
    { name: "horizon_s", type: "float64", doc: "horizon T, seconds" },
    {
      name: "status",
      type: "string",
      doc: "ok | no_data (no two-sided book in the window: every cost NULL, left out of every statistic)",
    },
    {
      name: "arrival_source",
      type: "string",
      doc: "at_or_before (book standing at t0) | first_after (first two-sided book after t0); NULL for no_data",
    },
    { name: "arrival_mid", type: "float64", doc: "arrival mid m0 by arrival_source, $" },
    { name: "executed_qty", type: "int64", doc: "shares executed" },
    { name: "avg_price", type: "float64", doc: "average execution price, $" },
    {
      name: "is_bps",
      type: "float64",
      doc: "implementation shortfall s (p - m0)/m0 x 1e4 over EXECUTED shares, bps (positive = cost); p includes the own-impact overlay",
    },
    {
      name: "impact_cost_bps",
      type: "float64",
      doc: "own-impact overlay paid, sum(qty x impact_usd)/(parent_qty x m0) x 1e4, bps per PARENT share; 0 with impact_model none",
    },
    {
      name: "walk_cost_bps",
      type: "float64",
      doc: "the replay's walk beyond the data's best of the market fills, sum(qty x s (price - best))/(parent_qty x m0) x 1e4, bps per PARENT share",
    },
    {
      name: "fee_bps",
      type: "float64",
      doc: "taker fees minus maker rebates, bps of the executed notional at m0",
    },
    {
      name: "rebate_bps",
      type: "float64",
      doc: "maker rebates received (already netted in fee_bps), bps of the executed notional at m0",
    },
    {
      name: "execution_cost_bps",
      type: "float64",
      doc: "is_bps + fee_bps, bps per EXECUTED share",
    },
    {
      name: "opportunity_bps",
      type: "float64",
      doc: "cost of completing the unfilled rest U in one market block at T_last: [U s (cancel_mid - m0) + U (half-spread + taker fee) + max(walk of U on the data book, own jump of U)]/(parent_qty x m0) x 1e4, bps per PARENT share",
    },
    {
      name: "total_cost_bps",
      type: "float64",
      doc: "(executed/parent) execution_cost_bps + opportunity_bps, bps per PARENT share; = the sum of the tc_* columns",
    },
    { name: "unfilled_qty", type: "int64", doc: "parent_qty - executed_qty, shares" },
    {
      name: "overfill_shares",
      type: "int64",
      doc: "sum over children of fills beyond the child's quantity (before its cancel took effect), shares",
    },
    {
      name: "vwap_slippage_bps",
      type: "float64",
      doc: "s (p - VWAP_mkt)/VWAP_mkt x 1e4 over [t0, t0+T], bps",
    },
    { name: "market_vwap", type: "float64", doc: "market VWAP over [t0, t0+T], $" },
    {
      name: "twap_mid",
      type: "float64",
      doc: "interval TWAP benchmark: the mean of the data's national mid sampled once a second over [t0, t0+T], $",
    },
    { name: "twap_slippage_bps", type: "float64", doc: "s (avg_price - twap_mid)/twap_mid x 1e4, bps" },
    {
      name: "close_mid",
      type: "float64",
      doc: "close benchmark: the data's national mid at the session's close, $",
    },
    { name: "close_slippage_bps", type: "float64", doc: "s (avg_price - close_mid)/close_mid x 1e4, bps" },
    {
      name: "pwp_price",
      type: "float64",
      doc: "participation-weighted price at the realised participation: the market VWAP over [t0, T_last], $",
    },
    { name: "pwp_slippage_bps", type: "float64", doc: "s (avg_price - pwp_price)/pwp_price x 1e4, bps" },
    { name: "fill_rate", type: "float64", doc: "executed / parent" },
    { name: "passive_share", type: "float64", doc: "limit (maker) fills / executed" },
    { name: "catch_up_share", type: "float64", doc: "catch-up market fills / executed" },
    { name: "child_count", type: "int32", doc: "child orders sent (decisions with a positive quantity)" },
    {
      name: "participation",
      type: "float64",
      doc: "executed / (market volume + our fills the data did not print: market fills and quote crosses) over [t0, T_last] (<= 1; passive fills carved out of trades are already in the market volume)",
    },
    {
      name: "max_participation",
      type: "float64",
      doc: "max over decision intervals of our fills / (market volume + our fills the data did not print) in the interval (<= 1)",
    },
    {
      name: "reversion_bps",
      type: "float64",
      doc: "s (m~(T_last) - m~(T_last + 5 min))/m0 x 1e4 with m~ the impacted mid and T_last the later of t0 + T and the last fill, bps (positive = the price came back); NULL when the data ends before T_last + 5 min",
    },
    {
      name: "end_mid",
      type: "float64",
      doc: "impacted mid m + s F(Y) at t0 + T (docs/models.md 6.6), $",
    },
    {
      name: "cancel_mid",
      type: "float64",
      doc: "impacted mid m + s F(Y) at T_last, the opportunity cost's m~_end (docs/models.md 8), $; NULL when all filled",
    },
    {
      name: "limit_price",
      type: "float64",
      doc: "price limit from limit_bps and m0 (buy at most, sell at least; cent grid), $; NULL without limit_bps",
    },
    {
      name: "limit_hit",
      type: "bool",
      doc: "the price limit bound: the touch was beyond it when an order was due, it cut a fill (the limit applies to the impacted price), or limited shares ended unfilled; NULL without limit_bps",
    },
    {
      name: "notional_cap_qty",
      type: "int64",
      doc: "floor(max_notional_usd / m0): the most shares the parent may execute; NULL without max_notional_usd",
    },
    {
      name: "spread_guard_skips",
      type: "int64",
      doc: "decisions whose child was held because the national spread was wider than risk.max_spread_bps",
    },
    {
      name: "capped_shares",
      type: "int64",
      doc: "the largest number of shares risk.max_child_shares / risk.max_participation held back at one decision (carried to the next)",
    },
    {
      name: "halt_skips",
      type: "int64",
      doc: "decisions skipped because the market was halted (risk.suspend_on_halt)",
    },
    {
      name: "halted_s",
      type: "float64",
      doc: "seconds of [t0, t0 + T] the market was halted (clear records, LOBSTER halts, gaps > risk.max_gap_s)",
    },
    {
      name: "tc_spread_bps",
      type: "float64",
      doc: "decomposition: half-spread paid by market fills (best - mid) minus earned by limit fills (price - mid), bps per PARENT share",
    },
    {
      name: "tc_walk_bps",
      type: "float64",
      doc: "decomposition: depth walked beyond the best by market fills (= walk_cost_bps), bps per PARENT share",
    },
    {
      name: "tc_impact_bps",
      type: "float64",
      doc: "decomposition: the own-impact overlay (= impact_cost_bps), bps per PARENT share",
    },
    {
      name: "tc_timing_bps",
      type: "float64",
      doc: "decomposition: the data mid's move from m0 to each fill, size-weighted (the market's drift), bps per PARENT share",
    },
    {
      name: "tc_fees_bps",
      type: "float64",
      doc: "decomposition: taker fees minus maker rebates, bps per PARENT share",
    },
    {
      name: "tc_opportunity_bps",
      type: "float64",
      doc: "decomposition: the unfilled rest (= opportunity_bps); the six tc_* columns sum to total_cost_bps",
    },
    ...MARKOUT_HORIZONS_S.flatMap((h): ColumnDef[] => [
      {
        name: `passive_markout_${h}s_bps`,
        type: "float64",
        doc: `size-weighted markout_${h}s_bps of the parent's passive fills (positive = adverse); NULL without one`,
      },
      {
        name: `aggressive_markout_${h}s_bps`,
        type: "float64",
        doc: `size-weighted markout_${h}s_bps of the parent's market fills (positive = adverse); NULL without one`,
      },
    ]),
    {
      name: "instrument",
      type: "string",
      doc: "instrument of the symbol (docs/models.md 1b): equity-us, ES or the spec's match",
    },
    { name: "tick_size", type: "float64", doc: "the instrument's tick, price units (0.01 $ for equities)" },
    {
      name: "multiplier",
      type: "float64",
      doc: "currency per price unit per unit of quantity (1 for equities, 50 for ES)",
    },
    {
      name: "notional_usd",
      type: "float64",
      doc: "parent_qty x arrival_mid x multiplier, currency; NULL without an arrival mid",
    },
  ],
};

export const CHILD_ORDERS: TableSchema = {
  name: "child_orders",
  partitions: PARTITIONS,
  columns: [
    ...KEY,
    { name: "child_index", type: "int32", doc: "decision index k" },
    { name: "ts", type: "timestamp_us", doc: "decision time (UTC)" },
    { name: "ts_ns", type: "int64", doc: "decision time, ns since epoch" },
    { name: "qty", type: "int64", doc: "child quantity, shares" },
    { name: "market_qty", type: "int64", doc: "shares sent as a market order" },
    { name: "limit_qty", type: "int64", doc: "shares posted as limit orders (sum over venues)" },
    { name: "limits", type: "string", doc: "limit allocation per venue as JSON {venue: shares}" },
    {
      name: "expected_cost_usd",
      type: "float64",
      doc: "router's expected cost of the allocation, $ (NaN for market children)",
    },
    { name: "alpha_usd", type: "float64", doc: "side-adjusted alpha forecast at the decision, $" },
    {
      name: "impact_usd",
      type: "float64",
      doc: "own-impact state I(t_k) before this child, committed shares included, side-adjusted $",
    },
    {
      name: "filled_qty",
      type: "int64",
      doc: "shares filled by this child's orders (limits, market, catch-up)",
    },
    {
      name: "overfill_shares",
      type: "int64",
      doc: "fills beyond qty before the cancel of the child's rest took effect, shares",
    },
    {
      name: "complete_ts_ns",
      type: "int64",
      doc: "when the child's fills reached qty, ns since epoch; NULL when it never did",
    },
  ],
};

export const FILLS: TableSchema = {
  name: "fills",
  partitions: PARTITIONS,
  columns: [
    ...KEY,
    { name: "ts", type: "timestamp_us", doc: "fill time (UTC)" },
    { name: "ts_ns", type: "int64", doc: "fill time, ns since epoch" },
    { name: "venue", type: "string", doc: "venue name" },
    { name: "price", type: "float64", doc: "fill price, $" },
    { name: "qty", type: "int64", doc: "shares" },
    { name: "maker", type: "bool", doc: "true for a passive (limit) fill" },
    { name: "catch_up", type: "bool", doc: "true for a catch-up market order at the router horizon" },
    { name: "fee_usd", type: "float64", doc: "fee paid (+) or rebate received (-) for this fill, $" },
    {
      name: "impact_usd",
      type: "float64",
      doc: "own-impact overlay paid per share on top of price (effective price = price + s x impact_usd), $; 0 with impact_model none",
    },
    {
      name: "best_price",
      type: "float64",
      doc: "the data's national best on the side the fill takes (the ask for a buy) in the book it executed against, $",
    },
    {
      name: "mid",
      type: "float64",
      doc: "the data's national mid of the book the fill executed against (a limit fill: the last book at or before it), $",
    },
    ...MARKOUT_HORIZONS_S.map(
      (h): ColumnDef => ({
        name: `markout_${h}s_bps`,
        type: "float64",
        doc: `s (price + s impact_usd - m~(t + ${h} s)) / m0 x 1e4 with m~ the impacted mid: positive = paid more than the mid ${h} s later (adverse); NULL past the data's end`,
      }),
    ),
  ],
};

export const TASK_QUALITY: TableSchema = {
  name: "task_quality",
  partitions: PARTITIONS,
  columns: [
    { name: "symbol", type: "string", doc: "ticker" },
    { name: "rows", type: "int64", doc: "MBP-10 records replayed" },
    { name: "first_ts_ns", type: "int64", doc: "first ts_recv, ns" },
    { name: "last_ts_ns", type: "int64", doc: "last ts_recv, ns" },
    { name: "f_last_records", type: "int64", doc: "records with F_LAST" },
    { name: "trades", type: "int64", doc: "trade records" },
    { name: "crossed_books", type: "int64", doc: "F_LAST records with a crossed venue book" },
    { name: "locked_books", type: "int64", doc: "F_LAST records with a locked venue book" },
    { name: "non_monotone_ts", type: "int64", doc: "records whose ts_recv went backwards" },
    { name: "sequence_regressions", type: "int64", doc: "sequence decreases within a venue" },
    {
      name: "sequence_gaps",
      type: "int64",
      doc: "sequence jumps > 1 within a venue (normal for channel sequences)",
    },
    { name: "maybe_bad_book", type: "int64", doc: "records flagged F_MAYBE_BAD_BOOK" },
    { name: "undefined_prices", type: "int64", doc: "add/cancel/modify/trade records without a price" },
    { name: "clears", type: "int64", doc: "book clears" },
    { name: "venues", type: "string", doc: "venue names, comma-separated" },
    {
      name: "calibration_source",
      type: "string",
      doc: "prior_days, default, or override (some parameter set fixes or scales a parameter)",
    },
    {
      name: "defaults_used",
      type: "string",
      doc: "parameters taken from the documented defaults (all with calibration_source = default), comma-separated",
    },
    {
      name: "overridden",
      type: "string",
      doc: "parameters fixed or scaled by calibration.overrides in any parameter set, comma-separated",
    },
    {
      name: "no_data_parents",
      type: "int64",
      doc: "execution rows with status no_data (no two-sided book in the parent's window)",
    },
    { name: "book_levels", type: "int32", doc: "book levels per side in the data (10 = full MBP-10)" },
    {
      name: "max_gap_s",
      type: "float64",
      doc: "longest stretch of the regular session without any record (open and close included), seconds",
    },
  ],
};

export const VENUE_STATS: TableSchema = {
  name: "venue_stats",
  partitions: PARTITIONS,
  columns: [
    { name: "symbol", type: "string", doc: "ticker" },
    { name: "strategy", type: "string", doc: "strategy instance label" },
    { name: "venue", type: "string", doc: "venue name" },
    { name: "parents", type: "int64", doc: "parent orders of the strategy with status ok in the task" },
    { name: "limit_orders", type: "int64", doc: "limit orders the strategy posted on the venue" },
    { name: "limit_shares", type: "int64", doc: "shares of those limit orders" },
    { name: "limit_filled_shares", type: "int64", doc: "shares filled passively on the venue" },
    { name: "limit_orders_filled", type: "int64", doc: "limit orders with at least one fill" },
    {
      name: "limit_fill_rate",
      type: "float64",
      doc: "limit_filled_shares / limit_shares; NULL without limits",
    },
    { name: "taker_shares", type: "int64", doc: "shares our market orders took on the venue" },
    {
      name: "passive_share",
      type: "float64",
      doc: "limit_filled_shares / (limit_filled_shares + taker_shares); NULL without fills",
    },
    {
      name: "mean_queue_wait_s",
      type: "float64",
      doc: "mean time from a limit order's submission to its first fill, over the limit orders that filled, s",
    },
    {
      name: "passive_markout_10s_bps",
      type: "float64",
      doc: "size-weighted mean markout_10s_bps of the passive fills (positive = adverse); NULL without one",
    },
    {
      name: "passive_markout_60s_bps",
      type: "float64",
      doc: "size-weighted mean markout_60s_bps of the passive fills (positive = adverse); NULL without one",
    },
    { name: "fees_usd", type: "float64", doc: "taker fees paid on the venue, $" },
    { name: "rebates_usd", type: "float64", doc: "maker rebates earned on the venue, $" },
  ],
};

export const RESULT_TABLES = [EXECUTIONS, CHILD_ORDERS, FILLS, TASK_QUALITY, VENUE_STATS] as const;
