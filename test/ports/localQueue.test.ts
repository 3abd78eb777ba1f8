/** In-process queue: the SQS contract on a ManualClock, plus local-only details (long polling, stale handles). */
import { describe, expect, it } from "vitest";
import { InputError } from "../../lib/core/errors.ts";
import { ManualClock } from "../../lib/ports/clock.ts";
import { LocalQueue } from "../../lib/ports/localQueue.ts";
import { splitBatches } from "../../lib/ports/queue.ts";
import { queueContract } from "./queueContract.ts";

let n = 0;
queueContract("in-process", async () => {
  const clock = new ManualClock(1_000_000);
  const dlq = new LocalQueue(`dlq${++n}`, { clock });
  const queue = new LocalQueue(`q${n}`, { clock, deadLetter: dlq, maxReceiveCount: 3 });
  return { queue, dlq, advance: (s) => clock.advance(s * 1000) };
});

describe("LocalQueue details", () => {
  it("long polling wakes on a send, and on a message becoming visible again", async () => {
    const clock = new ManualClock(0);
    const q = new LocalQueue("lp", { clock });
    const waiting = q.receive({ waitS: 20 });
    await Promise.resolve();
    expect(clock.sleepers).toBe(1);
    await q.sendBatch(["hello"]);
    const [m] = await waiting;
    expect(m).toMatchObject({ body: "hello", receiveCount: 1 });
    // in flight for 30 s: a 20 s poll started now returns empty at its deadline ...
    const empty = q.receive({ waitS: 20 });
    await clock.advance(20_000);
    expect(await empty).toEqual([]);
    // ... and a poll that spans the expiry gets the redelivery
    const again = q.receive({ waitS: 20 });
    await clock.advance(10_000);
    expect(await again).toMatchObject([{ body: "hello", receiveCount: 2 }]);
    expect(clock.sleepers).toBe(0);
  });

  it("delete with a stale handle is a no-op (as on SQS); changeVisibility of a stale delivery throws", async () => {
    const clock = new ManualClock(0);
    const q = new LocalQueue("stale", { clock, visibilityTimeoutS: 5 });
    await q.sendBatch(["x"]);
    const [a] = await q.receive();
    await clock.advance(6_000);
    const [b] = await q.receive();
    await q.delete(a!.receiptHandle);
    expect(await q.counts()).toEqual({ visible: 0, inFlight: 1 });
    await expect(q.changeVisibility(a!.receiptHandle, 10)).rejects.toThrow(/not in flight/);
    await expect(q.delete("garbage")).rejects.toBeInstanceOf(InputError);
    await q.delete(b!.receiptHandle);
    expect(await q.counts()).toEqual({ visible: 0, inFlight: 0 });
  });

  it("without a DLQ a message is redelivered forever (no redrive policy)", async () => {
    const clock = new ManualClock(0);
    const q = new LocalQueue("nodlq", { clock, visibilityTimeoutS: 1 });
    await q.sendBatch(["p"]);
    for (let r = 1; r <= 5; r++) {
      expect((await q.receive()).map((m) => m.receiveCount)).toEqual([r]);
      await clock.advance(1_000);
    }
  });

  it("ids are deterministic and order is first sent, first delivered", async () => {
    const q = new LocalQueue("det", { clock: new ManualClock(0) });
    expect(await q.sendBatch(["a", "b", "c"])).toEqual(["det-1", "det-2", "det-3"]);
    expect((await q.receive({ maxMessages: 10 })).map((m) => m.body)).toEqual(["a", "b", "c"]);
  });

  it("splitBatches respects 10 entries and 256 KiB per batch", () => {
    expect(splitBatches(Array.from({ length: 23 }, () => "m")).map((b) => b.length)).toEqual([10, 10, 3]);
    const big = "x".repeat(100 * 1024);
    expect(splitBatches([big, big, big, "y"]).map((b) => b.length)).toEqual([2, 2]);
    expect(splitBatches([])).toEqual([]);
  });
});
