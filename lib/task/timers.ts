/**
 * Timers of the replay clock: callbacks due at a ns timestamp, fired (in time order, ties in insertion order)
 * when the first record with ts_recv >= the due time arrives, against the book as it was before that record.
 */
interface Timer {
  readonly dueNs: bigint;
  readonly seq: number;
  readonly fire: (dueNs: bigint) => void;
}

const NONE = 2n ** 62n;

export class TimerQueue {
  private readonly heap: Timer[] = [];
  private seq = 0;
  /** Due time of the earliest timer; a sentinel far in the future when empty (one compare per record). */
  nextNs = NONE;
  /**
   * The same as ns after `originNs` in a double (exact within 2^53 ns, about 104 days, of the origin; +Infinity
   * when empty): a replay loop compares it with each record's time without reading a BigInt per record.
   */
  nextRel = Number.POSITIVE_INFINITY;

  /**
   * `originNs`: the origin of `nextRel` (the replay uses the session open). With the default 0, `nextRel` of an
   * epoch-ns time is NOT exact (epoch ns exceed 2^53): compare `nextNs` then, or pass an origin near the data.
   */
  constructor(readonly originNs = 0n) {}

  at(dueNs: bigint, fire: (dueNs: bigint) => void): void {
    const h = this.heap;
    h.push({ dueNs, seq: this.seq++, fire });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
    this.setNext(h[0]!.dueNs);
  }

  /** Fire every timer due at or before `nowNs` (timers added while firing are honoured). */
  fireUntil(nowNs: bigint): void {
    while (this.heap.length > 0 && this.heap[0]!.dueNs <= nowNs) {
      const t = this.pop();
      t.fire(t.dueNs);
    }
    this.setNext(this.heap.length > 0 ? this.heap[0]!.dueNs : NONE);
  }

  private setNext(dueNs: bigint): void {
    this.nextNs = dueNs;
    this.nextRel = dueNs === NONE ? Number.POSITIVE_INFINITY : Number(dueNs - this.originNs);
  }

  /** Fire everything left (end of data). */
  drain(): void {
    this.fireUntil(NONE);
  }

  get size(): number {
    return this.heap.length;
  }

  private pop(): Timer {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && less(h[l]!, h[m]!)) m = l;
        if (r < h.length && less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

function less(a: Timer, b: Timer): boolean {
  return a.dueNs < b.dueNs || (a.dueNs === b.dueNs && a.seq < b.seq);
}
