/**
 * Book arithmetic on LOBSTER rows (prices in dollars x 10000): the level of a price, the size shown at a
 * price, the consistency check "book after = book before + message", and the reconstruction of the book
 * before the first message.
 */
import {
  copyLobsterBook,
  EventType,
  LOBSTER_EMPTY_PRICE,
  type LobsterBook,
  type LobsterMessage,
} from "./rows.ts";

function isEmpty(px: number, sz: number): boolean {
  return sz <= 0 || px === LOBSTER_EMPTY_PRICE || px === -LOBSTER_EMPTY_PRICE;
}

/**
 * 0-based level of `price` on one side: the number of occupied levels with a strictly better price (higher
 * for bids, lower for asks). Equals the index of the level holding `price`, or where it would be inserted.
 */
export function levelOf(px: Float64Array, sz: Float64Array, isBid: boolean, price: number): number {
  let k = 0;
  for (let l = 0; l < px.length; l++) {
    if (isEmpty(px[l]!, sz[l]!)) continue;
    if (isBid ? px[l]! > price : px[l]! < price) k++;
  }
  return k;
}

/** Size shown at `price` on one side (0 when the price is not a visible level). */
export function sizeAt(px: Float64Array, sz: Float64Array, price: number): number {
  for (let l = 0; l < px.length; l++) if (px[l] === price && !isEmpty(px[l]!, sz[l]!)) return sz[l]!;
  return 0;
}

function sameArrays(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameSide(a: LobsterBook, b: LobsterBook, bid: boolean): boolean {
  return bid
    ? sameArrays(a.bidPx, b.bidPx) && sameArrays(a.bidSz, b.bidSz)
    : sameArrays(a.askPx, b.askPx) && sameArrays(a.askSz, b.askSz);
}

/** Size change a message makes at its price on its resting side (adds +, cancels/executions -, others 0). */
export function sizeDelta(m: LobsterMessage): number {
  if (m.type === EventType.Add) return m.size;
  if (
    m.type === EventType.PartialCancel ||
    m.type === EventType.Delete ||
    m.type === EventType.VisibleExecution
  ) {
    return -m.size;
  }
  return 0;
}

/**
 * Is `after` what `before` becomes under message `m`? Hidden executions, crosses and halts leave the book
 * unchanged; adds, cancels and visible executions change the size at their price on the resting side by
 * the message size and leave the other side unchanged (levels may shift in or out at the book's edge).
 */
export function isConsistent(before: LobsterBook, after: LobsterBook, m: LobsterMessage): boolean {
  const delta = sizeDelta(m);
  if (delta === 0) return sameSide(before, after, true) && sameSide(before, after, false);
  const bid = m.direction === 1;
  if (!sameSide(before, after, !bid)) return false;
  const [bp, bs, ap, as] = bid
    ? [before.bidPx, before.bidSz, after.bidPx, after.bidSz]
    : [before.askPx, before.askSz, after.askPx, after.askSz];
  return sizeAt(ap, as, m.price) === sizeAt(bp, bs, m.price) + delta;
}

/** Add `delta` shares at `price` on one side, inserting or removing the level (the book keeps its depth). */
function applyDelta(px: Float64Array, sz: Float64Array, isBid: boolean, price: number, delta: number): void {
  const empty = isBid ? -LOBSTER_EMPTY_PRICE : LOBSTER_EMPTY_PRICE;
  const n = px.length;
  const at = levelOf(px, sz, isBid, price);
  if (at < n && px[at] === price && !isEmpty(px[at]!, sz[at]!)) {
    sz[at] = sz[at]! + delta;
    if (sz[at]! > 0) return;
    px.copyWithin(at, at + 1);
    sz.copyWithin(at, at + 1);
    px[n - 1] = empty;
    sz[n - 1] = 0;
  } else if (delta > 0 && at < n) {
    px.copyWithin(at + 1, at, n - 1);
    sz.copyWithin(at + 1, at, n - 1);
    px[at] = price;
    sz[at] = delta;
  }
}

/**
 * The book before the first message, from the first book row with the message undone. Levels that the
 * first event pushed out of view are unknown and stay empty.
 */
export function bookBeforeFirst(after: LobsterBook, m: LobsterMessage, out: LobsterBook): void {
  copyLobsterBook(after, out);
  const delta = sizeDelta(m);
  if (delta === 0) return;
  const bid = m.direction === 1;
  applyDelta(bid ? out.bidPx : out.askPx, bid ? out.bidSz : out.askSz, bid, m.price, -delta);
}
