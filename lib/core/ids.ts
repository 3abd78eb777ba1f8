/**
 * Identifiers that become parts of storage keys and task ids (symbol, venue, run id, date): ONE rule each,
 * used by every edge (CLI options, importers, backtest and sweep specs, queue messages, lib/store/keys.ts), so
 * every command accepts and refuses the same values. Strict allow-lists: nothing a user, a spec or a message
 * says can make a key escape its prefix (`../x`, `/abs`, `a//b`, backslashes, percent-encoding, control
 * characters and unicode look-alikes such as U+FF0F FULLWIDTH SOLIDUS are all refused, with a reason naming the
 * field and the value).
 */
import { InputError } from "./errors.ts";

export const SYMBOL_MAX_LENGTH = 32;
export const VENUE_MAX_LENGTH = 32;
export const RUN_ID_MAX_LENGTH = 64;

const SYMBOL_RE = /^[A-Z0-9][A-Z0-9._-]*$/;
const VENUE_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const RUN_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

const SYMBOL_HINT = `use 1-${SYMBOL_MAX_LENGTH} characters A-Z 0-9 . _ - starting with a letter or digit (e.g. AAPL, BRK.B)`;
const VENUE_HINT = `use 1-${VENUE_MAX_LENGTH} characters A-Z a-z 0-9 . _ - starting with a letter or digit (e.g. xnas, XNAS.ITCH)`;
const RUN_ID_HINT = `use 1-${RUN_ID_MAX_LENGTH} characters A-Z a-z 0-9 _ - starting with a letter or digit (e.g. daily-2024-06-03)`;

/** A value quoted for an error message: printable ASCII as is, everything else as \uXXXX, at most 80 chars. */
export function quoteValue(value: unknown): string {
  if (value === undefined) return "(missing)";
  if (typeof value !== "string") {
    const text = value === undefined ? "undefined" : JSON.stringify(value);
    return `${(text ?? String(value)).slice(0, 80)} (a ${value === null ? "null" : typeof value}, not a string)`;
  }
  let out = "";
  for (const ch of value.slice(0, 80)) {
    const cp = ch.codePointAt(0)!;
    out +=
      ch === '"' || ch === "\\"
        ? `\\${ch}`
        : cp >= 0x20 && cp < 0x7f
          ? ch
          : `\\u${cp.toString(16).toUpperCase().padStart(4, "0")}`;
  }
  return `"${out}${value.length > 80 ? "..." : ""}"`;
}

const hex = (cp: number) => `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;

/** Characters that render like a path separator or a dot. */
const LOOKALIKES: Readonly<Record<number, string>> = {
  65295: "FULLWIDTH SOLIDUS, a look-alike of '/'",
  8725: "DIVISION SLASH, a look-alike of '/'",
  8260: "FRACTION SLASH, a look-alike of '/'",
  10744: "BIG SOLIDUS, a look-alike of '/'",
  65340: "FULLWIDTH REVERSE SOLIDUS, a look-alike of '\\'",
  10741: "REVERSE SOLIDUS OPERATOR, a look-alike of '\\'",
  65294: "FULLWIDTH FULL STOP, a look-alike of '.'",
  8228: "ONE DOT LEADER, a look-alike of '.'",
  8229: "TWO DOT LEADER, a look-alike of '..'",
  8230: "HORIZONTAL ELLIPSIS, a look-alike of '...'",
  12290: "IDEOGRAPHIC FULL STOP, a look-alike of '.'",
  65106: "SMALL FULL STOP, a look-alike of '.'",
};

function isBidiControl(cp: number): boolean {
  return (
    cp === 0x061c ||
    cp === 0x200e ||
    cp === 0x200f ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2066 && cp <= 0x2069)
  );
}

function isInvisible(cp: number): boolean {
  return (cp >= 0x200b && cp <= 0x200d) || cp === 0x2060 || cp === 0xfeff || cp === 0x00ad || cp === 0x180e;
}

/**
 * Why `value` cannot be part of an object key whatever the field (path syntax, encodings, unicode tricks), or
 * undefined. The field's own allow-list is checked after this.
 */
export function pathProblem(value: string): string | undefined {
  if (value.length === 0) return "is empty";
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0) return "contains a NUL character";
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return `contains the control character ${hex(cp)}`;
    if (isBidiControl(cp))
      return `contains the bidirectional-text control ${hex(cp)}, which reorders what is shown`;
    if (isInvisible(cp)) return `contains the invisible character ${hex(cp)}`;
    const lookalike = LOOKALIKES[cp];
    if (lookalike !== undefined) return `contains ${hex(cp)} ${lookalike}`;
  }
  if (value.normalize("NFC") !== value) return "is not in Unicode normal form NFC";
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    if (cp > 0x7e) {
      const folded = ch.normalize("NFKC");
      if (/[/\\.]/.test(folded))
        return `contains ${hex(cp)}, which normalizes (NFKC) to ${quoteValue(folded)}`;
      return `contains the non-ASCII character ${hex(cp)}`;
    }
  }
  if (value.startsWith("/")) return "is an absolute path (starts with '/')";
  if (value.includes("/")) return "contains '/', which would add key segments";
  if (value.includes("\\")) return "contains a backslash";
  if (value.includes("%")) return "contains '%' (percent-encoding is never decoded; give the plain value)";
  if (value === "." || value === "..") return "is a relative path segment";
  if (value.includes("..")) return "contains '..'";
  if (/\s/.test(value)) return "contains whitespace";
  return undefined;
}

export function fail(field: string, value: unknown, reason: string, hint: string): never {
  throw new InputError(`invalid ${field} ${quoteValue(value)}: ${reason}; ${hint}`);
}

function checkPart(
  value: unknown,
  field: string,
  re: RegExp,
  max: number,
  hint: string,
  extra?: (v: string) => string | undefined,
): string {
  if (typeof value !== "string") return fail(field, value, "must be a string", hint);
  const problem = pathProblem(value);
  if (problem !== undefined) return fail(field, value, problem, hint);
  if (value.length > max) return fail(field, value, `is longer than ${max} characters`, hint);
  const more = extra?.(value);
  if (more !== undefined) return fail(field, value, more, hint);
  if (!re.test(value)) {
    const bad = [...value].find((c) => !re.test(`A${c}`));
    const reason =
      bad !== undefined
        ? `contains the character ${quoteValue(bad)}`
        : /^[._-]/.test(value)
          ? `starts with ${quoteValue(value[0])}`
          : "is not allowed";
    return fail(field, value, reason, hint);
  }
  return value;
}

/** A ticker: A-Z 0-9 . _ -, 1-32 characters (upper case), starting with a letter or digit. Returns it, or throws InputError. */
export function checkSymbol(value: unknown, field = "symbol"): string {
  return checkPart(value, field, SYMBOL_RE, SYMBOL_MAX_LENGTH, SYMBOL_HINT, (v) =>
    /[a-z]/.test(v)
      ? `has lower-case letters (symbols are upper case: ${quoteValue(v.toUpperCase())})`
      : undefined,
  );
}

/** A venue name as used in the key template (e.g. xnas, XNAS.ITCH). */
export function checkVenue(value: unknown, field = "venue"): string {
  return checkPart(value, field, VENUE_RE, VENUE_MAX_LENGTH, VENUE_HINT);
}

/** A run id (becomes `runs/{R}/` and `run_id={R}` partitions). */
export function checkRunId(value: unknown, field = "run_id"): string {
  return checkPart(value, field, RUN_ID_RE, RUN_ID_MAX_LENGTH, RUN_ID_HINT);
}

/** A real calendar date YYYY-MM-DD (years 1900-2999). */
export function checkDate(value: unknown, field = "date"): string {
  const hint = "expected an existing calendar date as YYYY-MM-DD (e.g. 2024-06-03)";
  if (typeof value !== "string") return fail(field, value, "must be a string", hint);
  const m = DATE_RE.exec(value);
  if (!m) return fail(field, value, "is not in the form YYYY-MM-DD", hint);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  if (y < 1900 || y > 2999) return fail(field, value, "has a year outside 1900-2999", hint);
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) {
    return fail(field, value, "is not a date that exists", hint);
  }
  return value;
}

/** A result table's name (results/{table}/, compaction task ids): lower-case letters, digits and '_'. */
export function checkTableName(table: string): string {
  if (!/^[a-z][a-z0-9_]*$/.test(table)) {
    throw new InputError(`invalid result table name "${table}": lower-case letters, digits and '_'`);
  }
  return table;
}

/** Highest part number of a sweep's compacted partition (5 digits: part-NNNNN.parquet, compact-...-NNNNN). */
export const MAX_PART = 99_999;

/** A part number as its 5 digits (00000-99999); InputError for anything else. */
export function partDigits(part: number): string {
  if (!Number.isInteger(part) || part < 0 || part > MAX_PART)
    throw new InputError(`invalid part ${quoteValue(part)}: an integer from 0 to ${MAX_PART}`);
  return String(part).padStart(5, "0");
}

/** YYYYMMDD form of a date (for task ids and key templates such as xnas-itch-{yyyymmdd}); checks it first. */
export function compactDate(date: string): string {
  return checkDate(date).replaceAll("-", "");
}
