/**
 * LOBSTER message and orderbook rows (lobsterdata.com sample-file ReadMe). Message: time (seconds after
 * New York midnight, decimal string), type (1 add, 2 partial cancel, 3 delete, 4 visible execution,
 * 5 hidden execution, 6 cross, 7 halt), order id, size, price (dollars x 10000), direction (+1 buy order,
 * -1 sell order). Orderbook: per level ask price, ask size, bid price, bid size; empty levels carry the
 * dummy prices -9999999999 (bid) / 9999999999 (ask) with size 0.
 */
import { DataFormatError, InputError } from "../../core/errors.ts";
import { decimalSecondsToNs } from "../../core/units.ts";
import type { CellSite } from "../csv/fields.ts";

/** Dummy price LOBSTER writes for an empty ask level (negated for bids). */
export const LOBSTER_EMPTY_PRICE = 9_999_999_999;

/** LOBSTER message types (column 2). */
export const EventType = {
  Add: 1,
  PartialCancel: 2,
  Delete: 3,
  VisibleExecution: 4,
  HiddenExecution: 5,
  Cross: 6,
  Halt: 7,
} as const;

/** One message row, parsed in place (no allocation per row). */
export interface LobsterMessage {
  /** ns after New York midnight. */
  timeNs: bigint;
  type: number;
  size: number;
  /** dollars x 10000 */
  price: number;
  /** +1 the (resting) order is a buy, -1 a sell. */
  direction: number;
}

/** One side of a book row in LOBSTER units (prices dollars x 10000), `levels` entries each. */
export interface LobsterBook {
  readonly askPx: Float64Array;
  readonly askSz: Float64Array;
  readonly bidPx: Float64Array;
  readonly bidSz: Float64Array;
}

/** An empty book of `levels` levels (dummy prices, size 0). */
export function newLobsterBook(levels: number): LobsterBook {
  return {
    askPx: new Float64Array(levels).fill(LOBSTER_EMPTY_PRICE),
    askSz: new Float64Array(levels),
    bidPx: new Float64Array(levels).fill(-LOBSTER_EMPTY_PRICE),
    bidSz: new Float64Array(levels),
  };
}

/** Copy every level of `from` into `to` (same level count). */
export function copyLobsterBook(from: LobsterBook, to: LobsterBook): void {
  to.askPx.set(from.askPx);
  to.askSz.set(from.askSz);
  to.bidPx.set(from.bidPx);
  to.bidSz.set(from.bidSz);
}

function where(site: CellSite): string {
  return `${site.file} line ${site.line}`;
}

function intCell(text: string, site: CellSite, column: string): number {
  const v = Number(text);
  if (text.trim() === "" || !Number.isInteger(v)) {
    throw new DataFormatError(`${where(site)}: ${column} "${text}" is not an integer`);
  }
  return v;
}

/** Parse a message line into `out`. */
export function parseMessage(line: string, site: CellSite, out: LobsterMessage): void {
  const cells = line.split(",");
  if (cells.length !== 6) {
    throw new DataFormatError(
      `${where(site)}: expected 6 columns (time, type, order id, size, price, direction), got ${cells.length}`,
    );
  }
  try {
    out.timeNs = decimalSecondsToNs(cells[0]!);
  } catch (e) {
    if (e instanceof InputError) {
      throw new DataFormatError(
        `${where(site)}: time "${cells[0]}" is not seconds after midnight (e.g. 34200.004241176)`,
      );
    }
    throw e;
  }
  out.type = intCell(cells[1]!, site, "type");
  if (out.type < 1 || out.type > 7)
    throw new DataFormatError(`${where(site)}: event type ${out.type} is not 1-7`);
  out.size = intCell(cells[3]!, site, "size");
  if (out.size < 0) throw new DataFormatError(`${where(site)}: size ${out.size} is negative`);
  out.price = intCell(cells[4]!, site, "price");
  out.direction = intCell(cells[5]!, site, "direction");
  if (out.direction !== 1 && out.direction !== -1) {
    throw new DataFormatError(`${where(site)}: direction ${out.direction} is not 1 (buy) or -1 (sell)`);
  }
}

/** Number of levels of an orderbook row (columns / 4). */
export function orderbookLevels(line: string, site: CellSite): number {
  const n = line.split(",").length;
  if (n % 4 !== 0 || n === 0) {
    throw new DataFormatError(
      `${where(site)}: expected a multiple of 4 columns (ask price, ask size, bid price, bid size per level), got ${n}`,
    );
  }
  return n / 4;
}

/** Parse an orderbook line of `levels` levels into `out`. */
export function parseOrderbook(line: string, site: CellSite, out: LobsterBook): void {
  const cells = line.split(",");
  const levels = out.askPx.length;
  if (cells.length !== 4 * levels) {
    throw new DataFormatError(
      `${where(site)}: expected ${4 * levels} columns (${levels} levels x 4), got ${cells.length}`,
    );
  }
  for (let l = 0; l < levels; l++) {
    const k = 4 * l;
    out.askPx[l] = intCell(cells[k]!, site, `ask price ${l + 1}`);
    out.askSz[l] = intCell(cells[k + 1]!, site, `ask size ${l + 1}`);
    out.bidPx[l] = intCell(cells[k + 2]!, site, `bid price ${l + 1}`);
    out.bidSz[l] = intCell(cells[k + 3]!, site, `bid size ${l + 1}`);
  }
}
