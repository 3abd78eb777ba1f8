/**
 * Displayed liquidity one owner has already taken (MODELS.md 6.1: no double use of the same displayed
 * shares). An entry (venue, side, price) remembers the level size `snap` seen when the owner consumed `qty`
 * shares there; it applies while the level still shows exactly `snap` shares and is dropped as soon as the
 * data changes that level's size. Entries belong to one owner: other owners never see them (MODELS.md 6.5).
 * Two uses write entries: market / marketable orders taking liquidity (takerWalk.ts walkLiquidity) and resting
 * limit orders filled by a quote cross on their venue (takerWalk.ts takeCrossing). The simulator prunes a
 * venue's entries at every consistent (F_LAST) book of that venue (pruneVenue), so a level that changes and
 * changes back still counts as refreshed.
 */
import type { VenueBooks } from "../book/venueBooks.ts";
import { levelSize } from "./levels.ts";

export interface ConsumedEntry {
  venue: number;
  side: number;
  pk: number;
  snap: number;
  qty: number;
}

/** The owner's consumed entries (one small array per owner; linear scans, a handful of entries). */
export type ConsumedLedger = ConsumedEntry[];

/** Shares still available to this owner at a displayed level of size `size`. */
export function availableTo(
  ledger: ConsumedLedger,
  v: number,
  side: number,
  pk: number,
  size: number,
): number {
  for (let j = 0; j < ledger.length; j++) {
    const e = ledger[j]!;
    if (e.venue === v && e.side === side && e.pk === pk)
      return e.snap === size ? Math.max(0, size - e.qty) : size;
  }
  return size;
}

/** Record that the owner took `qty` shares from a level currently displaying `size` shares. */
export function consume(
  ledger: ConsumedLedger,
  v: number,
  side: number,
  pk: number,
  size: number,
  qty: number,
): void {
  for (let j = 0; j < ledger.length; j++) {
    const e = ledger[j]!;
    if (e.venue === v && e.side === side && e.pk === pk) {
      if (e.snap === size) e.qty += qty;
      else {
        e.snap = size;
        e.qty = qty;
      }
      return;
    }
  }
  ledger.push({ venue: v, side, pk, snap: size, qty });
}

/** Drop the entries whose level size has changed since they were recorded (the data refreshed them). */
export function pruneLedger(ledger: ConsumedLedger, books: VenueBooks): void {
  for (let j = ledger.length - 1; j >= 0; j--) {
    const e = ledger[j]!;
    if (levelSize(books, e.venue, e.side, e.pk) !== e.snap) {
      ledger[j] = ledger[ledger.length - 1]!;
      ledger.pop();
    }
  }
}

/** Drop the entries of venue `v` whose level size differs from the venue's current book (after its update). */
export function pruneVenue(ledger: ConsumedLedger, books: VenueBooks, v: number): void {
  for (let j = ledger.length - 1; j >= 0; j--) {
    const e = ledger[j]!;
    if (e.venue === v && levelSize(books, v, e.side, e.pk) !== e.snap) {
      ledger[j] = ledger[ledger.length - 1]!;
      ledger.pop();
    }
  }
}
