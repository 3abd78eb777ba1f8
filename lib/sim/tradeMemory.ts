/**
 * Trade volume remembered per (venue, resting side, price) since the venue's last book update, so that the
 * C/M record publishing a trade's size removal is not counted again as a cancel (docs/models.md 6.3, the
 * trade-then-cancel double-count guard). Fixed capacity per (venue, side); no allocation after construction.
 */

const SLOTS = 8;

export class TradeMemory {
  private readonly keys: Float64Array;
  private readonly vols: Float64Array;
  private readonly count: Uint8Array;

  constructor(maxVenues: number) {
    this.keys = new Float64Array(maxVenues * 2 * SLOTS);
    this.vols = new Float64Array(maxVenues * 2 * SLOTS);
    this.count = new Uint8Array(maxVenues * 2);
  }

  /** Add `qty` shares traded against resting side `side` (0 bid, 1 ask) of venue `v` at price key `pk`. */
  add(v: number, side: number, pk: number, qty: number): void {
    const cell = v * 2 + side;
    const base = cell * SLOTS;
    const n = this.count[cell]!;
    for (let j = 0; j < n; j++) {
      if (this.keys[base + j] === pk) {
        this.vols[base + j]! += qty;
        return;
      }
    }
    // when full, the last slot is recycled: a venue event rarely sweeps more than 8 prices
    const j = n < SLOTS ? n : SLOTS - 1;
    this.keys[base + j] = pk;
    this.vols[base + j] = qty;
    if (n < SLOTS) this.count[cell] = n + 1;
  }

  /** Shares traded at (v, side, pk) since the venue's last clear. */
  get(v: number, side: number, pk: number): number {
    const cell = v * 2 + side;
    const base = cell * SLOTS;
    const n = this.count[cell]!;
    for (let j = 0; j < n; j++) if (this.keys[base + j] === pk) return this.vols[base + j]!;
    return 0;
  }

  clearVenue(v: number): void {
    this.count[v * 2] = 0;
    this.count[v * 2 + 1] = 0;
  }

  clearAll(): void {
    this.count.fill(0);
  }
}
