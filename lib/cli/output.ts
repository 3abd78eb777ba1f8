/** Output helpers shared by the commands: aligned text tables, JSON, progress on stderr. */

import { InputError } from "../core/errors.ts";
import { fixed } from "../core/units.ts";

export function printJson(value: unknown): void {
  process.stdout.write(
    `${JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`,
  );
}

function cell(v: unknown, digits: number): string {
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return Number.isNaN(v) ? "-" : String(v);
    return Number.isInteger(v) ? String(v) : fixed(v, digits);
  }
  return v === undefined || v === null ? "-" : String(v);
}

/** An aligned text table (numbers right-aligned) from rows of objects, in the order of `columns`. */
export function formatTable(
  rows: readonly Record<string, unknown>[],
  columns: readonly string[],
  digits = 3,
): string {
  const cells = rows.map((r) => columns.map((c) => cell(r[c], digits)));
  const widths = columns.map((c, j) => Math.max(c.length, ...cells.map((r) => r[j]!.length)));
  const numeric = columns.map((c) => rows.some((r) => typeof r[c] === "number"));
  const line = (vals: readonly string[]) =>
    vals
      .map((v, j) => (numeric[j] ? v.padStart(widths[j]!) : v.padEnd(widths[j]!)))
      .join("  ")
      .trimEnd();
  return [line(columns), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

export function printTable(
  rows: readonly Record<string, unknown>[],
  columns: readonly string[],
  digits = 3,
): void {
  process.stdout.write(`${formatTable(rows, columns, digits)}\n`);
}

/** Progress line on stderr (only on a TTY, so logs and pipes stay clean). */
export function progress(message: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${message}`);
}

export function progressDone(message?: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${message ? `${message}\n` : ""}`);
  else if (message) process.stderr.write(`${message}\n`);
}

/** Parse a number option, with a message that names the option. */
export function parseNumberOption(
  name: string,
  text: string,
  opts: { min?: number; integer?: boolean } = {},
): number {
  const v = Number(text);
  if (
    text.trim() === "" ||
    !Number.isFinite(v) ||
    (opts.integer && !Number.isInteger(v)) ||
    (opts.min !== undefined && v < opts.min)
  ) {
    const kind = opts.integer ? "an integer" : "a number";
    throw new InputError(
      `${name} must be ${kind}${opts.min !== undefined ? ` >= ${opts.min}` : ""}, got "${text}"`,
    );
  }
  return v;
}
