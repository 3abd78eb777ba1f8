/**
 * Displayed liquidity one owner has already taken (docs/models.md 6.1: no double use of the same displayed
 * shares). An entry (venue, side, price) remembers the level size `snap` seen when the owner last took shares
 * there and `qty`, the shares of that level the owner still counts as consumed. When the data changes the
 * level's size from `snap` to `size`:
 *   qty' = max(0, qty - max(0, snap - size)),   available = max(0, size - qty'),
 * i.e. a decrease is assumed to remove the shares we took first (they were ours to take: the displayed
 * shares that left may be the ones we consumed), an increase adds only the new shares; the entry disappears
 * when qty' = 0 (a vacated level, size 0, always clears it). A level the venue's source does not show
 * (levels.ts HIDDEN) leaves the entry unchanged until it is displayed again.
 * This tightens docs/models.md 6.1 ("stays consumed until the data changes that level's size"): a change no longer
 * refreshes the whole level. Before, any size change (even 500 -> 499) made the full level available again, so
 * a market buy of 1000 against an ask going 500 -> 499 -> 498 filled 500 + 499 + 1 from a level that never
 * showed more than 500 shares.
 * Entries belong to one owner: other owners never see them (docs/models.md 6.5).
 * Two uses write entries: market / marketable orders taking liquidity (takerWalk.ts walkLiquidity) and resting
 * limit orders filled by a quote cross on their venue (takerWalk.ts takeCrossing). The update is path
 * dependent, so the simulator applies it to a venue's entries at EVERY consistent (F_LAST) book of that venue
 * (pruneVenue), whether or not an order is live: 300 -> 299 -> 300 leaves 299 consumed (1 available), while
 * 300 -> 0 -> 300 (the level vacated and came back) is fresh liquidity.
 */
import type { VenueBooks } from "../book/venueBooks.ts";
import { HIDDEN, levelSize, type SourceDepth } from "./levels.ts";

export interface ConsumedEntry {
  venue: number;
  side: number;
  pk: number;
  snap: number;
  qty: number;
}

/** The owner's consumed entries (one small array per owner; linear scans, a handful of entries). */
export type ConsumedLedger = ConsumedEntry[];

/** Consumed shares left of entry `e` once its level shows `size` shares (size >= 0). */
function stillConsumed(e: ConsumedEntry, size: number): number {
  return e.snap === size ? e.qty : Math.max(0, e.qty - Math.max(0, e.snap - size));
}

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
    if (e.venue === v && e.side === side && e.pk === pk) return Math.max(0, size - stillConsumed(e, size));
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
      e.qty = stillConsumed(e, size) + qty;
      e.snap = size;
      return;
    }
  }
  ledger.push({ venue: v, side, pk, snap: size, qty });
}

/** Apply the current size of entry j's level (see the header); returns false when the entry is gone. */
function refresh(ledger: ConsumedLedger, j: number, books: VenueBooks, depth: SourceDepth): boolean {
  const e = ledger[j]!;
  const size = levelSize(books, depth, e.venue, e.side, e.pk);
  if (size === HIDDEN || size === e.snap) return true;
  e.qty = stillConsumed(e, size);
  e.snap = size;
  if (e.qty > 0) return true;
  ledger[j] = ledger[ledger.length - 1]!;
  ledger.pop();
  return false;
}

/** Bring every entry up to date with the current books (idempotent). */
export function pruneLedger(ledger: ConsumedLedger, books: VenueBooks, depth: SourceDepth): void {
  for (let j = ledger.length - 1; j >= 0; j--) refresh(ledger, j, books, depth);
}

/** Bring the entries of venue `v` up to date with its new consistent book (call at every F_LAST of `v`). */
export function pruneVenue(ledger: ConsumedLedger, books: VenueBooks, depth: SourceDepth, v: number): void {
  for (let j = ledger.length - 1; j >= 0; j--) if (ledger[j]!.venue === v) refresh(ledger, j, books, depth);
}
