/** SqsQueue against moto_server: the Queue contract (redelivery, DLQ after 3 receives by redrive policy, batches). */
import { describe, expect, it } from "vitest";
import { createSqsClient } from "../../lib/aws/clients.ts";
import { createQueueWithDlq, SqsQueue } from "../../lib/aws/sqsQueue.ts";
import { InputError } from "../../lib/core/errors.ts";
import { startMoto } from "../helpers/moto.ts";
import { queueContract } from "../ports/queueContract.ts";

const moto = await startMoto();

describe.skipIf(!moto.available)("SQS on moto_server", () => {
  const client = moto.available ? createSqsClient(moto.config) : undefined;
  let n = 0;
  queueContract("SQS (moto_server)", async () => {
    const { queueUrl, dlqUrl } = await createQueueWithDlq(client!, `tasks-${++n}`, {
      maxReceiveCount: 3,
      visibilityTimeoutS: 30,
    });
    return {
      queue: new SqsQueue(client!, queueUrl),
      dlq: new SqsQueue(client!, dlqUrl),
      // real time passes on moto: wait it out (the contract's timeouts are 1 s)
      advance: (s) => new Promise((r) => setTimeout(r, s * 1000)),
      drainWaitS: 1,
    };
  });

  it("refuses bad queue names and URLs", async () => {
    await expect(createQueueWithDlq(client!, "bad name")).rejects.toBeInstanceOf(InputError);
    expect(() => new SqsQueue(client!, "not-a-url")).toThrow(InputError);
  });
});
