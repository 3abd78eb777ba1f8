/**
 * The Queue contract (SQS semantics), run against the in-process queue (ManualClock) here and against SQS on
 * moto_server in test/aws. `make` returns a fresh queue with a DLQ after 3 receives, and `advance(s)` that
 * lets s seconds pass (a ManualClock step locally, a real wait on moto).
 */
import { describe, expect, it } from "vitest";
import { InputError } from "../../lib/core/errors.ts";
import { drain, type Queue, type QueueMessage } from "../../lib/ports/queue.ts";

export interface QueueFixture {
  queue: Queue;
  dlq: Queue;
  advance(seconds: number): Promise<void>;
  /** Long-poll seconds for drain (SQS needs >= 1 to see every message; 0 on a ManualClock). */
  drainWaitS?: number;
}

async function receiveAll(q: Queue, max = 100): Promise<QueueMessage[]> {
  const out: QueueMessage[] = [];
  for (;;) {
    const b = await q.receive({ maxMessages: 10, visibilityTimeoutS: 30 });
    if (b.length === 0 || out.length >= max) return out;
    out.push(...b);
  }
}

export function queueContract(name: string, make: () => Promise<QueueFixture>): void {
  describe(`Queue contract: ${name}`, () => {
    it("sendBatch of 25 (split into batches of 10), receive all once, delete, empty", async () => {
      const { queue } = await make();
      const bodies = Array.from({ length: 25 }, (_, i) => JSON.stringify({ task: i }));
      const ids = await queue.sendBatch(bodies);
      expect(new Set(ids).size).toBe(25);
      const got = await receiveAll(queue);
      expect(got.map((m) => m.body).sort()).toEqual([...bodies].sort());
      expect(new Set(got.map((m) => m.id))).toEqual(new Set(ids));
      expect(got.every((m) => m.receiveCount === 1)).toBe(true);
      expect(await queue.counts()).toEqual({ visible: 0, inFlight: 25 });
      for (const m of got) await queue.delete(m.receiptHandle);
      expect(await queue.counts()).toEqual({ visible: 0, inFlight: 0 });
      expect(await queue.receive({ maxMessages: 10 })).toEqual([]);
    });

    it("a message not deleted comes back after its visibility timeout with receiveCount 2", async () => {
      const { queue, advance } = await make();
      const [id] = await queue.sendBatch(["work"]);
      const [first] = await queue.receive({ visibilityTimeoutS: 1 });
      expect(first).toMatchObject({ id, body: "work", receiveCount: 1 });
      expect(await queue.receive()).toEqual([]); // invisible while in flight
      await advance(1.5);
      const [second] = await queue.receive({ visibilityTimeoutS: 30 });
      expect(second).toMatchObject({ id, body: "work", receiveCount: 2 });
      expect(second!.receiptHandle).not.toBe(first!.receiptHandle);
      await queue.delete(second!.receiptHandle);
      await advance(1.5);
      expect(await queue.receive()).toEqual([]);
    });

    it("changeVisibility 0 makes a delivery visible at once (quick retry); extending keeps it hidden", async () => {
      const { queue, advance } = await make();
      await queue.sendBatch(["a"]);
      const [m1] = await queue.receive({ visibilityTimeoutS: 1 });
      await queue.changeVisibility(m1!.receiptHandle, 30); // heartbeat
      await advance(1.5);
      expect(await queue.receive()).toEqual([]);
      await queue.changeVisibility(m1!.receiptHandle, 0);
      const [m2] = await queue.receive({ visibilityTimeoutS: 30 });
      expect(m2).toMatchObject({ body: "a", receiveCount: 2 });
    });

    it("dead-letters a message after 3 receives; the DLQ can be drained", async () => {
      const { queue, dlq, advance, drainWaitS } = await make();
      const [id] = await queue.sendBatch(['{"poison":true}']);
      for (let r = 1; r <= 3; r++) {
        const got = await queue.receive({ visibilityTimeoutS: 1 });
        expect(got.map((m) => m.receiveCount)).toEqual([r]);
        await advance(1.5);
      }
      expect(await queue.receive({ visibilityTimeoutS: 1 })).toEqual([]); // moved, not delivered a 4th time
      const seen: string[] = [];
      const drained = await drain(
        dlq,
        (m) => {
          seen.push(m.body);
        },
        { waitS: drainWaitS ?? 0 },
      );
      expect(seen).toEqual(['{"poison":true}']);
      expect(drained.map((m) => m.id)).toEqual([id]);
      expect(await dlq.counts()).toEqual({ visible: 0, inFlight: 0 });
      expect(await queue.counts()).toEqual({ visible: 0, inFlight: 0 });
    });

    it("refuses receive options beyond the SQS limits", async () => {
      const { queue } = await make();
      await expect(queue.receive({ maxMessages: 11 })).rejects.toBeInstanceOf(InputError);
      await expect(queue.receive({ maxMessages: 0 })).rejects.toBeInstanceOf(InputError);
      await expect(queue.receive({ waitS: 21 })).rejects.toBeInstanceOf(InputError);
      await expect(queue.sendBatch(["x".repeat(256 * 1024 + 1)])).rejects.toThrow(
        /over the 256 KiB SQS limit/,
      );
    });
  });
}
