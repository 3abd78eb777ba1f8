/** Output helpers shared by the commands: aligned text tables, JSON, progress on stderr. */

import { Option } from "commander";
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

/** Console width the tables fit by default (`--wide` prints every column). */
export const TABLE_WIDTH = 120;

/**
 * A table that fits `maxWidth` characters: columns of `dropOrder` are left out, first to last, until it fits
 * (the others always stay). Returns the text and the columns left out, for a note.
 */
export function fitTable(
  rows: readonly Record<string, unknown>[],
  columns: readonly string[],
  digits: number,
  dropOrder: readonly string[],
  maxWidth = TABLE_WIDTH,
): { text: string; hidden: string[] } {
  let shown = [...columns];
  const hidden: string[] = [];
  let text = formatTable(rows, shown, digits);
  const width = (t: string) => Math.max(...t.split("\n").map((l) => l.length));
  for (const c of dropOrder) {
    if (width(text) <= maxWidth) break;
    if (!shown.includes(c)) continue;
    shown = shown.filter((x) => x !== c);
    hidden.push(c);
    text = formatTable(rows, shown, digits);
  }
  return { text, hidden };
}

/** `text` broken at spaces into lines of at most `width` characters (a longer word stays whole). */
export function wrapText(text: string, width = TABLE_WIDTH, indent = ""): string {
  const lead = /^ */.exec(text)![0];
  const lines: string[] = [];
  let line = lead;
  for (const word of text.slice(lead.length).split(" ")) {
    if (line.trim() !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent + word;
    } else line = line.trim() === "" ? `${line}${word}` : `${line} ${word}`;
  }
  if (line.trim() !== "") lines.push(line);
  return lines.join("\n");
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

/** The results folder every command reads or writes (local backend): --root, else $MSOR_ROOT, else this. */
export const DEFAULT_ROOT = "msor-out";

/** The one folder option of every command: `--root DIR` (env MSOR_ROOT, default msor-out). */
export function rootOption(description: string): Option {
  return new Option("--root <dir>", description).env("MSOR_ROOT").default(DEFAULT_ROOT);
}
