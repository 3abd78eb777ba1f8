/**
 * `imbalance`: microprice minus mid at the NATIONAL best (docs/models.md section 3):
 * microprice = (bid q_a + ask q_b) / (q_a + q_b), q_b / q_a = size displayed at the national best bid / ask
 * summed over venues. moveUsd = microprice - mid (dollars), approached with a fixed timescale (default 30 s,
 * a typical lifetime of a level-1 imbalance in liquid stocks; not fitted).
 */
import type { VenueBooks } from "../book/venueBooks.ts";
import { type AlphaEntry, type AlphaForecast, type AlphaModel, ZERO_FORECAST } from "./types.ts";

export const DEFAULT_IMBALANCE_TIMESCALE_S = 30;

/** microprice - mid in dollars from national best prices and sizes; 0 when a side is missing or empty. */
export function micropriceEdge(bid: number, ask: number, qBid: number, qAsk: number): number {
  if (Number.isNaN(bid) || Number.isNaN(ask) || !(qBid + qAsk > 0)) return 0;
  return (bid * qAsk + ask * qBid) / (qAsk + qBid) - (bid + ask) / 2;
}

export class ImbalanceAlpha implements AlphaModel {
  readonly kind = "imbalance" as const;
  readonly lookAhead = false;
  private books: VenueBooks | undefined;

  constructor(readonly timescaleS = DEFAULT_IMBALANCE_TIMESCALE_S) {}

  onRecord(_b: unknown, _i: number, books: VenueBooks): void {
    this.books = books;
  }

  /** { moveUsd: microprice - mid, timescaleS } from the books last fed. */
  forecast(): AlphaForecast {
    const books = this.books;
    if (!books) return ZERO_FORECAST;
    const bid = books.nationalBestBid();
    const ask = books.nationalBestAsk();
    if (Number.isNaN(bid) || Number.isNaN(ask)) return ZERO_FORECAST;
    const move = micropriceEdge(bid, ask, books.sizeAtBid(bid), books.sizeAtAsk(ask));
    return { moveUsd: move, timescaleS: this.timescaleS };
  }
}

export const imbalanceAlpha: AlphaEntry = {
  needsMidPath: false,
  create: (_params, extra) => new ImbalanceAlpha(extra.imbalanceTimescaleS ?? DEFAULT_IMBALANCE_TIMESCALE_S),
};
