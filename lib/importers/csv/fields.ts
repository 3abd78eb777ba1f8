/**
 * Cell parsers for Databento's CSV encoding: timestamps as ns integers or ISO 8601 (up to 9 fractional
 * digits), prices as raw fixed-point integers (1e-9 $) or decimal dollars, UNDEF_PRICE / empty / NaN = no level.
 */
import { DataFormatError } from "../../core/errors.ts";
import { fixedToUsd } from "../../core/units.ts";

/** Where a cell came from, for error messages: "FILE line 17, column price". */
export interface CellSite {
  readonly file: string;
  line: number;
}

function bad(site: CellSite, column: string, text: string, expected: string): DataFormatError {
  return new DataFormatError(
    `${site.file} line ${site.line}, column ${column}: "${text}" is not ${expected}`,
  );
}

const DIGITS_RE = /^\d+$/;
const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/** Timestamp cell to int64 ns since the epoch: "1609113600006150193" or "2020-12-28T00:00:00.006150193Z". */
export function parseTimestampNs(text: string, site: CellSite, column: string): bigint {
  if (DIGITS_RE.test(text)) return BigInt(text);
  const m = ISO_RE.exec(text);
  if (!m) {
    throw bad(
      site,
      column,
      text,
      "a timestamp (ns since the epoch, or ISO 8601 like 2020-12-28T00:00:00.006150193Z)",
    );
  }
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  let ns = BigInt(ms) * 1_000_000n + BigInt((m[7] ?? "").padEnd(9, "0"));
  const zone = m[8];
  if (zone && zone !== "Z") {
    const sign = zone[0] === "-" ? -1n : 1n;
    const digits = zone.slice(1).replace(":", "");
    const minutes = BigInt(Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
    ns -= sign * minutes * 60_000_000_000n;
  }
  return ns;
}

const UNDEF_TEXT = "9223372036854775807";
const DECIMAL_RE = /^(-?)(\d*)\.(\d*)$/;

/**
 * Price cells to dollars (NaN = no level). The first priced cell of a file decides how integers are read:
 * with a decimal point the file is in dollars (Databento pretty_px), otherwise integers are fixed-point
 * 1e-9 $. Decimal dollars go through exact integer units, so "3702.25" and "3702250000000" give one float.
 */
export class PriceParser {
  mode: "fixed" | "decimal" | undefined;

  parse(text: string, site: CellSite, column: string): number {
    if (text === "" || text === UNDEF_TEXT || text === "NaN" || text === "nan") return Number.NaN;
    const decimal = text.includes(".");
    this.mode ??= decimal ? "decimal" : "fixed";
    if (decimal || this.mode === "decimal") {
      const m = DECIMAL_RE.exec(decimal ? text : `${text}.`);
      if (!m || (m[2] === "" && m[3] === "")) throw bad(site, column, text, "a price");
      const units = Number(m[2] || "0") * 1e9 + Number((m[3] ?? "").slice(0, 9).padEnd(9, "0"));
      if (!Number.isSafeInteger(units)) throw bad(site, column, text, "a price below 9,007,199 dollars");
      return (m[1] === "-" ? -units : units) / 1e9;
    }
    const units = Number(text);
    if (!Number.isInteger(units))
      throw bad(site, column, text, "a fixed-point price (integer, 1e-9 dollars)");
    return Number.isSafeInteger(units) ? units / 1e9 : fixedToUsd(BigInt(text));
  }
}

/** Integer cell within [min, max]. */
export function parseIntCell(text: string, site: CellSite, column: string, min: number, max: number): number {
  const v = Number(text);
  if (text === "" || !Number.isInteger(v) || v < min || v > max) {
    throw bad(site, column, text, `an integer in ${min}..${max}`);
  }
  return v;
}

/** One-character code cell (action, side) as ASCII; empty = 'N'. */
export function parseCharCell(text: string, site: CellSite, column: string): number {
  if (text.length === 0) return 78;
  if (text.length !== 1) throw bad(site, column, text, "a one-character code");
  return text.charCodeAt(0);
}
