/**
 * Instruments (docs/models.md 1b): calendar and session, tick size, multiplier (notional = price x multiplier x
 * quantity), quantity unit and a per-venue fee schedule. Pure data and conversions; the spec (lib/specs/
 * instrumentSpec.ts) builds them from what the user writes, by preset name or field by field.
 *
 * Units inside the engine: prices are in the instrument's price units (dollars for a stock, index points for
 * ES) and quantities in its unit (shares, contracts). Fees in currency per unit are converted to price units
 * per unit by dividing by the multiplier, a fee in bps of notional is bps x 1e-4 x price (feePerUnit): so costs
 * in bps are unit-free and dollar figures are price-unit figures x multiplier.
 */
import { CALENDARS, calendarByName, type TradingCalendar, userCalendar } from "./calendars.ts";
import { InputError } from "./errors.ts";

/** A fee or rebate: an amount of currency per unit of quantity, or basis points of notional. */
export interface FeeRate {
  readonly amount: number;
  readonly per: "unit" | "bps";
}

/**
 * One venue's schedule: the taker fee paid on liquidity taken, and the maker rebate received on passive fills
 * (negative = a maker fee paid).
 */
export interface VenueFeeSchedule {
  readonly taker: FeeRate;
  readonly maker: FeeRate;
}

/** Fees by venue name, with a schedule for every venue not listed. */
export interface InstrumentFees {
  readonly default: VenueFeeSchedule;
  readonly venues: Readonly<Record<string, VenueFeeSchedule>>;
}

export type QuantityUnit = "shares" | "contracts";

export interface Instrument {
  /** Preset or user name: "equity-us", "ES". */
  readonly id: string;
  readonly calendar: TradingCalendar;
  /** Minimum price increment, price units (0.01 $; 0.25 index points for ES). */
  readonly tickSize: number;
  /** Currency per price unit per unit of quantity (1 for a stock, 50 $ per index point for ES). */
  readonly multiplier: number;
  readonly unit: QuantityUnit;
  /** ADV (in `unit`) when no calibration gives one. */
  readonly defaultAdv: number;
  readonly fees: InstrumentFees;
}

const ZERO: FeeRate = { amount: 0, per: "unit" };

/** The fee schedule of `venue` (its own, else the default). */
export function venueFeeSchedule(fees: InstrumentFees, venue: string): VenueFeeSchedule {
  return fees.venues[venue] ?? fees.default;
}

/**
 * A fee rate in price units per unit of quantity at price `price`: amount / multiplier for a per-unit amount
 * of currency, amount x 1e-4 x price for bps of notional.
 */
export function feePerUnit(rate: FeeRate, price: number, multiplier: number): number {
  return rate.per === "bps" ? rate.amount * 1e-4 * price : rate.amount / multiplier;
}

/**
 * A limit price on the tick grid on the safe side: a buy's down (floor), a sell's up (ceil), to whole ticks;
 * a price within 1e-6 tick of the grid counts as on it (floating error).
 */
export function roundToTick(price: number, tick: number, side: 1 | -1): number {
  // a tick 1/n (0.01, 0.25) as price x n and k / n: exact, and for 0.01 the same floats as the cent rounding
  // the equity default always had (floor(p x 100 + 1e-6) / 100)
  const inv = Math.round(1 / tick);
  const exact = Math.abs(inv * tick - 1) < 1e-12;
  const n = exact ? price * inv : price / tick;
  const k = side === 1 ? Math.floor(n + 1e-6) : Math.ceil(n - 1e-6);
  return exact ? k / inv : k * tick;
}

/** True when `price` is a whole number of ticks (within 1e-6 tick). */
export function onTickGrid(price: number, tick: number): boolean {
  const n = price / tick;
  return Math.abs(n - Math.round(n)) < 1e-6;
}

/** Notional in currency: price x multiplier x quantity. */
export function notionalUsd(price: number, qty: number, multiplier: number): number {
  return price * multiplier * qty;
}

/** docs/models.md 1b equity defaults: taker $0.003, maker rebate $0.002 per share. */
export const EQUITY_FEES: InstrumentFees = {
  default: { taker: { amount: 0.003, per: "unit" }, maker: { amount: 0.002, per: "unit" } },
  venues: {},
};

/** No fees (a futures preset: fees are the user's to configure). */
export const NO_FEES: InstrumentFees = { default: { taker: ZERO, maker: ZERO }, venues: {} };

/** US equities: NYSE calendar, 09:30-16:00 New York, tick 0.01, multiplier 1, shares. The default. */
export const EQUITY_US: Instrument = {
  id: "equity-us",
  calendar: CALENDARS.nyse!,
  tickSize: 0.01,
  multiplier: 1,
  unit: "shares",
  defaultAdv: 1_000_000,
  fees: EQUITY_FEES,
};

/**
 * CME E-mini S&P 500: Globex equity calendar (18:00 New York on D-1 to 17:00 on D), tick 0.25 index points,
 * $50 per point, contracts; fees per contract are the user's (none by default); default ADV 1.5M contracts
 * (CME's published ES average daily volume is of that order).
 */
export const ES: Instrument = {
  id: "ES",
  calendar: CALENDARS["cme-globex-equity"]!,
  tickSize: 0.25,
  multiplier: 50,
  unit: "contracts",
  defaultAdv: 1_500_000,
  fees: NO_FEES,
};

/** Instrument presets by name. */
export const INSTRUMENT_PRESETS: Readonly<Record<string, Instrument>> = { "equity-us": EQUITY_US, ES };

export function instrumentPreset(name: string): Instrument {
  const i = INSTRUMENT_PRESETS[name];
  if (!i) {
    throw new InputError(
      `unknown instrument preset "${name}": use one of ${Object.keys(INSTRUMENT_PRESETS).join(", ")}, or give tick_size, multiplier, unit and calendar`,
    );
  }
  return i;
}

/**
 * Does `symbol` match `pattern`: the symbol itself, or a pattern with '*' for any run of characters
 * ("ES*" matches ESH4 and ES.c.0).
 */
export function symbolMatches(pattern: string, symbol: string): boolean {
  if (!pattern.includes("*")) return pattern === symbol;
  const re = new RegExp(`^${pattern.split("*").map(escapeRe).join(".*")}$`);
  return re.test(symbol);
}

function escapeRe(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
}

/** The instrument of `symbol`: the first entry whose pattern matches, else `fallback` (the equity default). */
export function instrumentFor(
  symbol: string,
  entries: readonly { readonly match: string; readonly instrument: Instrument }[],
  fallback: Instrument = EQUITY_US,
): Instrument {
  return entries.find((e) => symbolMatches(e.match, symbol))?.instrument ?? fallback;
}

/** A venue's fees as written in a spec: each of taker and maker per unit of currency or in bps, not both. */
export interface VenueFeesConfig {
  readonly taker_fee_usd?: number | undefined;
  readonly taker_fee_bps?: number | undefined;
  /** Received on passive fills; negative = a maker fee paid. */
  readonly maker_rebate_usd?: number | undefined;
  readonly maker_rebate_bps?: number | undefined;
}

/** A fee schedule as written in a spec: the default for every venue, and venues by name. */
export interface FeesConfig extends VenueFeesConfig {
  readonly venues?: Readonly<Record<string, VenueFeesConfig>> | undefined;
}

/**
 * An instrument as written in a spec (lib/specs/taskSpec.ts): the symbols it applies to (`match`, a symbol or
 * a pattern with '*'), a preset to start from (default equity-us) and the fields that change it.
 */
export interface InstrumentConfig {
  readonly match: string;
  readonly preset?: string | undefined;
  readonly tick_size?: number | undefined;
  readonly multiplier?: number | undefined;
  readonly unit?: QuantityUnit | undefined;
  /** A calendar of lib/core/calendars.ts CALENDARS. */
  readonly calendar?: string | undefined;
  /** More closed dates (YYYY-MM-DD). */
  readonly holidays?: readonly string[] | undefined;
  /** Dates the base calendar closes that trade (e.g. an NYSE holiday with a Globex session). */
  readonly open_days?: readonly string[] | undefined;
  readonly default_adv?: number | undefined;
  readonly fees?: FeesConfig | undefined;
}

function rateOf(usd: number | undefined, bps: number | undefined, fallback: FeeRate): FeeRate {
  if (usd !== undefined) return { amount: usd, per: "unit" };
  if (bps !== undefined) return { amount: bps, per: "bps" };
  return fallback;
}

function venueScheduleOf(c: VenueFeesConfig, fallback: VenueFeeSchedule): VenueFeeSchedule {
  return {
    taker: rateOf(c.taker_fee_usd, c.taker_fee_bps, fallback.taker),
    maker: rateOf(c.maker_rebate_usd, c.maker_rebate_bps, fallback.maker),
  };
}

/** A spec's fee schedule over `base`: its default fields replace the base default; venues fall back to it. */
export function feesOf(c: FeesConfig, base: InstrumentFees): InstrumentFees {
  const def = venueScheduleOf(c, base.default);
  const venues: Record<string, VenueFeeSchedule> = {};
  for (const [name, v] of Object.entries(c.venues ?? {})) venues[name] = venueScheduleOf(v, def);
  return { default: def, venues };
}

/**
 * The instrument of `symbol` under a spec: the first entry of `entries` whose `match` fits (its preset, then
 * its fields), else the equity default. The equity default's fees are the spec's top-level `fees`
 * (`equityFees`, defaults $0.003 / $0.002 per share); an entry's fees are its own `fees` over its preset's
 * (none for ES).
 */
export function resolveInstrument(
  entries: readonly InstrumentConfig[] | undefined,
  symbol: string,
  equityFees: FeesConfig,
): Instrument {
  const e = entries?.find((x) => symbolMatches(x.match, symbol));
  const base = instrumentPreset(e?.preset ?? "equity-us");
  const baseFees = base === EQUITY_US ? feesOf(equityFees, EQUITY_FEES) : base.fees;
  if (!e) return { ...base, fees: baseFees };
  const calendar =
    e.calendar !== undefined || e.holidays !== undefined || e.open_days !== undefined
      ? userCalendar(calendarByName(e.calendar ?? base.calendar.name), e.holidays, e.open_days)
      : base.calendar;
  return {
    id: e.preset ?? e.match,
    calendar,
    tickSize: e.tick_size ?? base.tickSize,
    multiplier: e.multiplier ?? base.multiplier,
    unit: e.unit ?? base.unit,
    defaultAdv: e.default_adv ?? base.defaultAdv,
    fees: e.fees ? feesOf(e.fees, baseFees) : baseFees,
  };
}
