/**
 * Queue port: the task and completion queues of the sweep (DESIGN.md "Data flow"), with SQS semantics so the
 * same handlers run on the in-process queue (lib/ports/localQueue.ts) and on SQS (lib/aws/sqsQueue.ts):
 * - at-least-once delivery: a received message is invisible for its visibility timeout and comes back when
 *   it is not deleted in time (a worker died, or reported a retryable failure);
 * - every delivery carries `receiveCount` (SQS ApproximateReceiveCount, 1 on the first delivery) and a fresh
 *   receipt handle; delete / changeVisibility need the handle of the latest delivery;
 * - after `maxReceiveCount` deliveries (default 3) a message that is still not deleted moves to the
 *   dead-letter queue instead of being delivered again (SQS redrive policy); the DLQ is itself a Queue.
 */
import { InputError } from "../core/errors.ts";

export interface QueueMessage {
  /** Stable id of the message (the same on every redelivery). */
  readonly id: string;
  /** Handle of THIS delivery: pass it to delete / changeVisibility. */
  readonly receiptHandle: string;
  readonly body: string;
  /** How many times the message has been delivered, this delivery included (1 = first). */
  readonly receiveCount: number;
}

export interface ReceiveOptions {
  /** At most this many messages (1..10, SQS's limit; default 1). */
  maxMessages?: number;
  /** Seconds the received messages stay invisible (default: the queue's). */
  visibilityTimeoutS?: number;
  /** Long polling: wait up to this many seconds for a message when none is visible (0..20, default 0). */
  waitS?: number;
}

export interface Queue {
  /** For messages: the queue name or URL. */
  readonly name: string;
  /** Send bodies (any number; split into batches of 10 / 256 KiB). Returns the message ids in order. */
  sendBatch(bodies: readonly string[]): Promise<string[]>;
  receive(options?: ReceiveOptions): Promise<QueueMessage[]>;
  /** Acknowledge a delivery. A stale handle (the message was delivered again since) is a no-op, as on SQS. */
  delete(receiptHandle: string): Promise<void>;
  /** Extend (heartbeat) or shorten the invisibility of a delivery; 0 makes it visible now (a quick retry). */
  changeVisibility(receiptHandle: string, visibilityTimeoutS: number): Promise<void>;
  /** Approximate number of visible and in-flight messages (progress, "is it drained?"). */
  counts(): Promise<{ visible: number; inFlight: number }>;
  /** The queue's visibility timeout, seconds (a message sent longer ago than this may be lost or done). */
  defaultVisibilityS(): Promise<number>;
  /**
   * Which queue holds what was sent to it: the same string for as long as sent messages are kept (an SQS queue's
   * URL); an in-process queue is a new one with each process (it starts empty), so what an earlier process sent to
   * its queue is not waiting in this one and must be sent again.
   */
  readonly incarnation: string;
}

/** SQS limits, enforced by every implementation so that local runs fail where AWS runs would. */
export const QUEUE_LIMITS = {
  maxMessagesPerReceive: 10,
  maxBatchEntries: 10,
  maxBatchBytes: 256 * 1024,
  maxWaitS: 20,
  maxVisibilityTimeoutS: 12 * 60 * 60,
} as const;

export function checkReceiveOptions(o: ReceiveOptions): Required<
  Omit<ReceiveOptions, "visibilityTimeoutS">
> & {
  visibilityTimeoutS: number | undefined;
} {
  const maxMessages = o.maxMessages ?? 1;
  const waitS = o.waitS ?? 0;
  if (!Number.isInteger(maxMessages) || maxMessages < 1 || maxMessages > QUEUE_LIMITS.maxMessagesPerReceive) {
    throw new InputError(
      `receive: maxMessages ${maxMessages} must be an integer from 1 to 10 (the SQS limit)`,
    );
  }
  if (!(waitS >= 0 && waitS <= QUEUE_LIMITS.maxWaitS)) {
    throw new InputError(`receive: waitS ${waitS} must be from 0 to 20 seconds (the SQS limit)`);
  }
  if (o.visibilityTimeoutS !== undefined) checkVisibility(o.visibilityTimeoutS);
  return { maxMessages, waitS, visibilityTimeoutS: o.visibilityTimeoutS };
}

export function checkVisibility(s: number): number {
  if (!Number.isInteger(s) || s < 0 || s > QUEUE_LIMITS.maxVisibilityTimeoutS) {
    throw new InputError(`visibility timeout ${s} s must be an integer from 0 to 43200 (12 hours)`);
  }
  return s;
}

/**
 * Split bodies into SQS batches: at most 10 entries and 256 KiB per batch; a single body over 256 KiB is
 * refused with a clear error (put large payloads in the object store and send the key).
 */
export function splitBatches(bodies: readonly string[]): string[][] {
  const out: string[][] = [];
  let cur: string[] = [];
  let bytes = 0;
  for (const [i, b] of bodies.entries()) {
    const n = Buffer.byteLength(b, "utf8");
    if (n > QUEUE_LIMITS.maxBatchBytes) {
      throw new InputError(
        `message ${i} is ${n} bytes, over the 256 KiB SQS limit; store the payload in the object store and send its key`,
      );
    }
    if (cur.length === QUEUE_LIMITS.maxBatchEntries || bytes + n > QUEUE_LIMITS.maxBatchBytes) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(b);
    bytes += n;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/**
 * Receive and delete every message currently in `queue` (e.g. the summary draining the task DLQ into
 * `dead_lettered`). Stops at the first empty receive; returns the messages in the order received.
 * `handle` runs before each delete, so a crash in it leaves the message in the queue (at-least-once).
 * On SQS pass `waitS` >= 1: a short poll samples only some servers and can come back empty while messages
 * remain; a long poll does not.
 */
export async function drain(
  queue: Queue,
  handle: (m: QueueMessage) => Promise<void> | void = () => undefined,
  options: { visibilityTimeoutS?: number; limit?: number; waitS?: number } = {},
): Promise<QueueMessage[]> {
  const out: QueueMessage[] = [];
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  while (out.length < limit) {
    const batch = await queue.receive({
      maxMessages: Math.min(10, limit - out.length),
      waitS: options.waitS ?? 0,
      ...(options.visibilityTimeoutS !== undefined ? { visibilityTimeoutS: options.visibilityTimeoutS } : {}),
    });
    if (batch.length === 0) break;
    for (const m of batch) {
      await handle(m);
      await queue.delete(m.receiptHandle);
      out.push(m);
    }
  }
  return out;
}
