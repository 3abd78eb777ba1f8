/**
 * Wave 3 in tests that drive the fan-in by hand: run the compaction tasks waiting in a task queue with the
 * worker's handler (as the worker fleet would) and return their completion bodies for the next fan-in call.
 */
import { createTaskHandler } from "../../lib/pipeline/worker.ts";
import { LocalQueue } from "../../lib/ports/localQueue.ts";
import type { ObjectStore } from "../../lib/ports/objectStore.ts";
import type { Queue } from "../../lib/ports/queue.ts";

export async function runCompaction(store: ObjectStore, tasks: Queue): Promise<string[]> {
  const completions = new LocalQueue("compaction-completions");
  const handle = createTaskHandler({ store, inputStore: () => store, completions });
  for (;;) {
    const batch = await tasks.receive({ maxMessages: 10 });
    const wave3 = batch.filter((m) => (JSON.parse(m.body) as { wave?: number }).wave === 3);
    if (wave3.length === 0) break;
    for (const m of wave3) {
      await handle(m.body);
      await tasks.delete(m.receiptHandle);
    }
  }
  const bodies: string[] = [];
  for (;;) {
    const batch = await completions.receive({ maxMessages: 10 });
    if (batch.length === 0) return bodies;
    for (const m of batch) {
      bodies.push(m.body);
      await completions.delete(m.receiptHandle);
    }
  }
}
