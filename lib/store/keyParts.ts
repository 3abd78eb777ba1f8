/**
 * The input key template (the identifiers it renders are checked by lib/core/ids.ts, the one rule per
 * identifier). Template placeholders: {venue} {symbol} {date} (YYYY-MM-DD) {yyyymmdd}. The default is
 * DEFAULT_INPUT_KEY_TEMPLATE; the original project's layout is ORIGINAL_INPUT_KEY_TEMPLATE.
 */

export const DEFAULT_INPUT_KEY_TEMPLATE = "mbp10/{venue}/{symbol}/{date}.parquet";
/** One multi-publisher file per symbol-day (Databento's own naming). */
export const ORIGINAL_INPUT_KEY_TEMPLATE = "{symbol}/xnas-itch-{yyyymmdd}.mbp-10.parquet";

export const PLACEHOLDERS = ["venue", "symbol", "date", "yyyymmdd"] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

export const TEMPLATE_MAX_LENGTH = 512;
/** characters a template may contain outside its placeholders */
export const TEMPLATE_LITERAL_RE = /^[A-Za-z0-9._=/-]*$/;
