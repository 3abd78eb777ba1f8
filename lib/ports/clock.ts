/**
 * Time for the infrastructure adapters (queue visibility, long polling). Injected so that tests of
 * redelivery and dead-lettering are deterministic: a ManualClock only moves when the test advances it.
 */
export interface Clock {
  /** Milliseconds since some fixed origin. */
  now(): number;
  /** Resolve after `ms` (of this clock); resolve early, without error, when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const t = setTimeout(done, Math.max(0, ms));
      function done() {
        clearTimeout(t);
        signal?.removeEventListener("abort", done);
        resolve();
      }
      signal?.addEventListener("abort", done, { once: true });
    }),
};

/** A clock that stands still until advance() is called (tests). */
export class ManualClock implements Clock {
  private t: number;
  private timers: { at: number; resolve: () => void }[] = [];

  constructor(startMs = 0) {
    this.t = startMs;
  }

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = { at: this.t + Math.max(0, ms), resolve };
      this.timers.push(timer);
      signal?.addEventListener(
        "abort",
        () => {
          this.timers = this.timers.filter((x) => x !== timer);
          resolve();
        },
        { once: true },
      );
    });
  }

  /** Move time forward and wake the sleepers that are due (in deadline order). */
  async advance(ms: number): Promise<void> {
    this.t += ms;
    const due = this.timers.filter((x) => x.at <= this.t).sort((a, b) => a.at - b.at);
    this.timers = this.timers.filter((x) => x.at > this.t);
    for (const x of due) x.resolve();
    // let the woken continuations run before the caller looks at the state
    for (let i = 0; i < 5; i++) await Promise.resolve();
  }

  /** Number of pending sleepers (tests wait for a receiver to be parked). */
  get sleepers(): number {
    return this.timers.length;
  }
}
