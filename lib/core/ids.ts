/**
 * Identifiers that become parts of storage keys: validated at every edge so that a value like `../x` can never
 * escape its prefix (DESIGN.md storage layout).
 */
import { InputError } from "./errors.ts";

const SYMBOL_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const RUN_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** A ticker such as AAPL, BRK.B or ES-H6: letters, digits, '.', '_', '-'; no path separators, no "..". */
export function validateSymbol(symbol: string): string {
  if (!SYMBOL_RE.test(symbol) || symbol.includes("..")) {
    throw new InputError(
      `invalid symbol "${symbol}": use 1-32 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  }
  return symbol;
}

/** A calendar date YYYY-MM-DD that exists. */
export function validateDate(date: string): string {
  const m = DATE_RE.exec(date);
  if (m) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    const d = Number(m[3]);
    const t = new Date(Date.UTC(y, mo - 1, d));
    if (t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d) return date;
  }
  throw new InputError(`invalid date "${date}": expected an existing calendar date as YYYY-MM-DD`);
}

export function validateRunId(runId: string): string {
  if (!RUN_ID_RE.test(runId)) {
    throw new InputError(`invalid run id "${runId}": use 1-64 letters, digits, '_' or '-'`);
  }
  return runId;
}

/** YYYYMMDD form of a validated date (for key templates such as xnas-itch-{yyyymmdd}). */
export function compactDate(date: string): string {
  return validateDate(date).replaceAll("-", "");
}
