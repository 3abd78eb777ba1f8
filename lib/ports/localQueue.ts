/**
 * In-process Queue with SQS semantics (see lib/ports/queue.ts): at-least-once delivery, visibility timeout,
 * redelivery with a growing receive count, dead-letter after `maxReceiveCount` deliveries, long polling.
 * Time comes from an injected Clock, so tests advance a ManualClock instead of sleeping. Message ids are
 * deterministic (`{name}-{n}`); the order is first-sent-first-delivered among the visible messages.
 */
import { randomUUID } from "node:crypto";
import { InputError } from "../core/errors.ts";
import { type Clock, systemClock } from "./clock.ts";
import {
  checkReceiveOptions,
  checkVisibility,
  type Queue,
  type QueueMessage,
  type ReceiveOptions,
  splitBatches,
} from "./queue.ts";

export interface LocalQueueOptions {
  /** Default visibility timeout in seconds (default 30, as SQS). */
  visibilityTimeoutS?: number;
  /** Deliveries before a message moves to `deadLetter` (default 3). Ignored without a deadLetter queue. */
  maxReceiveCount?: number;
  /** Where messages go after maxReceiveCount deliveries (SQS redrive policy). */
  deadLetter?: LocalQueue;
  clock?: Clock;
}

interface Stored {
  readonly id: string;
  readonly body: string;
  receiveCount: number;
  visibleAt: number;
  handle: string | undefined;
}

export class LocalQueue implements Queue {
  private readonly messages = new Map<string, Stored>();
  private seq = 0;
  private readonly wakers = new Set<AbortController>();
  private readonly clock: Clock;
  private readonly visibilityTimeoutS: number;
  private readonly maxReceiveCount: number;
  private readonly deadLetter: LocalQueue | undefined;
  /** A new queue with each instance: it holds nothing an earlier process (or instance) sent. */
  readonly incarnation = `local:${randomUUID()}`;

  constructor(
    readonly name: string,
    options: LocalQueueOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.visibilityTimeoutS = checkVisibility(options.visibilityTimeoutS ?? 30);
    this.maxReceiveCount = options.maxReceiveCount ?? 3;
    if (!Number.isInteger(this.maxReceiveCount) || this.maxReceiveCount < 1 || this.maxReceiveCount > 1000) {
      throw new InputError(`queue ${name}: maxReceiveCount ${this.maxReceiveCount} must be from 1 to 1000`);
    }
    this.deadLetter = options.deadLetter;
  }

  async defaultVisibilityS(): Promise<number> {
    return this.visibilityTimeoutS;
  }

  async sendBatch(bodies: readonly string[]): Promise<string[]> {
    splitBatches(bodies); // same size limits as SQS
    const ids = bodies.map((b) => this.enqueue(b));
    return ids;
  }

  /** Put a message in (also used when another queue dead-letters into this one: the id is kept). */
  private enqueue(body: string, id = `${this.name}-${++this.seq}`): string {
    this.messages.set(id, { id, body, receiveCount: 0, visibleAt: this.clock.now(), handle: undefined });
    for (const w of this.wakers) w.abort();
    return id;
  }

  async receive(options: ReceiveOptions = {}): Promise<QueueMessage[]> {
    const o = checkReceiveOptions(options);
    const visibilityMs = (o.visibilityTimeoutS ?? this.visibilityTimeoutS) * 1000;
    const deadline = this.clock.now() + o.waitS * 1000;
    for (;;) {
      const now = this.clock.now();
      const out: QueueMessage[] = [];
      for (const m of [...this.messages.values()]) {
        if (out.length >= o.maxMessages) break;
        if (m.visibleAt > now) continue;
        if (this.deadLetter && m.receiveCount >= this.maxReceiveCount) {
          this.messages.delete(m.id);
          this.deadLetter.enqueue(m.body, m.id);
          continue;
        }
        m.receiveCount++;
        m.handle = `${m.id}#${m.receiveCount}`;
        m.visibleAt = now + visibilityMs;
        out.push({ id: m.id, receiptHandle: m.handle, body: m.body, receiveCount: m.receiveCount });
      }
      if (out.length > 0 || now >= deadline) return out;
      // long polling: sleep until the deadline, the next message becoming visible, or a send
      let wakeAt = deadline;
      for (const m of this.messages.values()) if (m.visibleAt > now) wakeAt = Math.min(wakeAt, m.visibleAt);
      const waker = new AbortController();
      this.wakers.add(waker);
      try {
        await this.clock.sleep(wakeAt - now, waker.signal);
      } finally {
        this.wakers.delete(waker);
      }
    }
  }

  private delivery(receiptHandle: string, op: string): Stored | undefined {
    const cut = receiptHandle.lastIndexOf("#");
    if (cut <= 0) {
      throw new InputError(
        `${op} on queue ${this.name}: "${receiptHandle}" is not a receipt handle of this queue`,
      );
    }
    const m = this.messages.get(receiptHandle.slice(0, cut));
    return m && m.handle === receiptHandle ? m : undefined;
  }

  async delete(receiptHandle: string): Promise<void> {
    const m = this.delivery(receiptHandle, "delete");
    if (m) this.messages.delete(m.id);
  }

  async changeVisibility(receiptHandle: string, visibilityTimeoutS: number): Promise<void> {
    checkVisibility(visibilityTimeoutS);
    const m = this.delivery(receiptHandle, "changeVisibility");
    const now = this.clock.now();
    if (!m || m.visibleAt <= now) {
      throw new InputError(
        `changeVisibility on queue ${this.name}: message of handle ${receiptHandle} is not in flight ` +
          "(deleted, or its visibility timeout expired and it may be delivered again)",
      );
    }
    m.visibleAt = now + visibilityTimeoutS * 1000;
    if (visibilityTimeoutS === 0) for (const w of this.wakers) w.abort();
  }

  async counts(): Promise<{ visible: number; inFlight: number }> {
    const now = this.clock.now();
    let visible = 0;
    for (const m of this.messages.values()) if (m.visibleAt <= now) visible++;
    return { visible, inFlight: this.messages.size - visible };
  }
}
