/**
 * Queue on SQS (lib/ports/queue.ts). The dead-letter behaviour is SQS's own redrive policy (configured by the
 * stack, or by `createQueueWithDlq` for moto / development); the receive count is SQS's
 * ApproximateReceiveCount. Errors are mapped by core/errors.ts: throttling and 5xx -> RetryableError.
 */
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SendMessageBatchCommandOutput,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { InputError, MsorError, RetryableError, toMsorError } from "../core/errors.ts";
import {
  checkReceiveOptions,
  checkVisibility,
  type Queue,
  type QueueMessage,
  type ReceiveOptions,
  splitBatches,
} from "../ports/queue.ts";

export class SqsQueue implements Queue {
  readonly name: string;

  constructor(
    private readonly client: SQSClient,
    readonly queueUrl: string,
  ) {
    try {
      new URL(queueUrl);
    } catch {
      throw new InputError(
        `invalid SQS queue URL ${JSON.stringify(queueUrl)}; expected https://sqs.<region>.amazonaws.com/<account>/<name>`,
      );
    }
    this.name = queueUrl;
  }

  async sendBatch(bodies: readonly string[]): Promise<string[]> {
    const ids: string[] = [];
    for (const batch of splitBatches(bodies)) {
      let r: SendMessageBatchCommandOutput;
      try {
        r = await this.client.send(
          new SendMessageBatchCommand({
            QueueUrl: this.queueUrl,
            Entries: batch.map((MessageBody, i) => ({ Id: String(i), MessageBody })),
          }),
        );
      } catch (e) {
        throw toMsorError(e, `send ${batch.length} messages to ${this.name}`);
      }
      const failed = r.Failed ?? [];
      if (failed.length > 0) {
        const f = failed[0]!;
        const what = `${failed.length} of ${batch.length} messages to ${this.name} were refused (${f.Code}: ${f.Message})`;
        // earlier entries were sent: a retry re-sends them, which consumers dedup (at-least-once)
        throw failed.some((x) => x.SenderFault) ? new MsorError(what) : new RetryableError(what);
      }
      const byId = new Map((r.Successful ?? []).map((m) => [m.Id, m.MessageId ?? ""]));
      for (let i = 0; i < batch.length; i++) ids.push(byId.get(String(i)) ?? "");
    }
    return ids;
  }

  async receive(options: ReceiveOptions = {}): Promise<QueueMessage[]> {
    const o = checkReceiveOptions(options);
    try {
      const r = await this.client.send(
        new ReceiveMessageCommand({
          QueueUrl: this.queueUrl,
          MaxNumberOfMessages: o.maxMessages,
          WaitTimeSeconds: o.waitS,
          ...(o.visibilityTimeoutS !== undefined ? { VisibilityTimeout: o.visibilityTimeoutS } : {}),
          MessageSystemAttributeNames: ["ApproximateReceiveCount"],
        }),
      );
      return (r.Messages ?? []).map((m) => ({
        id: m.MessageId ?? "",
        receiptHandle: m.ReceiptHandle ?? "",
        body: m.Body ?? "",
        receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? "1"),
      }));
    } catch (e) {
      throw toMsorError(e, `receive from ${this.name}`);
    }
  }

  async delete(receiptHandle: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: receiptHandle }),
      );
    } catch (e) {
      throw toMsorError(e, `delete a message from ${this.name}`);
    }
  }

  async changeVisibility(receiptHandle: string, visibilityTimeoutS: number): Promise<void> {
    checkVisibility(visibilityTimeoutS);
    try {
      await this.client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: this.queueUrl,
          ReceiptHandle: receiptHandle,
          VisibilityTimeout: visibilityTimeoutS,
        }),
      );
    } catch (e) {
      const name = (e as { name?: string }).name ?? "";
      if (/MessageNotInflight|ReceiptHandleIsInvalid|InvalidParameterValue/.test(name)) {
        throw new InputError(
          `changeVisibility on ${this.name}: the message is not in flight (deleted, or its visibility timeout ` +
            `expired and it may be delivered again): ${name}`,
          { cause: e },
        );
      }
      throw toMsorError(e, `change visibility on ${this.name}`);
    }
  }

  private visibility: number | undefined;

  /** SQS keeps a message until it is deleted or its retention period ends: the queue is its URL. */
  get incarnation(): string {
    return this.queueUrl;
  }

  async defaultVisibilityS(): Promise<number> {
    if (this.visibility === undefined) {
      try {
        const r = await this.client.send(
          new GetQueueAttributesCommand({ QueueUrl: this.queueUrl, AttributeNames: ["VisibilityTimeout"] }),
        );
        this.visibility = Number(r.Attributes?.VisibilityTimeout ?? 30);
      } catch (e) {
        throw toMsorError(e, `visibility timeout of ${this.name}`);
      }
    }
    return this.visibility;
  }

  async counts(): Promise<{ visible: number; inFlight: number }> {
    try {
      const r = await this.client.send(
        new GetQueueAttributesCommand({
          QueueUrl: this.queueUrl,
          AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        }),
      );
      return {
        visible: Number(r.Attributes?.ApproximateNumberOfMessages ?? 0),
        inFlight: Number(r.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
      };
    } catch (e) {
      throw toMsorError(e, `queue attributes of ${this.name}`);
    }
  }
}

/**
 * Create (or find: CreateQueue is idempotent for equal attributes) a queue and its DLQ with a redrive
 * policy of `maxReceiveCount` receives. For moto_server and development; the stack creates the real ones.
 */
export async function createQueueWithDlq(
  client: SQSClient,
  name: string,
  options: { maxReceiveCount?: number; visibilityTimeoutS?: number } = {},
): Promise<{ queueUrl: string; dlqUrl: string }> {
  if (!/^[A-Za-z0-9_-]{1,76}$/.test(name)) {
    throw new InputError(`invalid queue name ${JSON.stringify(name)}: 1-76 letters, digits, '_' or '-'`);
  }
  try {
    const dlq = await client.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
    const dlqUrl = dlq.QueueUrl!;
    const arn = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ["QueueArn"] }),
    );
    const q = await client.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: {
          VisibilityTimeout: String(options.visibilityTimeoutS ?? 30),
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: arn.Attributes?.QueueArn,
            maxReceiveCount: String(options.maxReceiveCount ?? 3),
          }),
        },
      }),
    );
    return { queueUrl: q.QueueUrl!, dlqUrl };
  } catch (e) {
    throw toMsorError(e, `create queue ${name} with its DLQ`);
  }
}
