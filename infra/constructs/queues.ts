/**
 * Queues (DESIGN.md data flow): the task queue feeds the workers, the completion queue feeds the summary.
 * Each has a dead-letter queue; all are SQS-encrypted and TLS-only. Visibility timeouts are 6x the
 * consumer's timeout (AWS guidance for Lambda event sources: a retried batch must not reappear while a slow
 * invocation still holds it).
 */
import { Duration, Validations } from "aws-cdk-lib";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

/** Receives of a task message before it moves to the task DLQ (DESIGN.md: poison messages after 3). */
export const TASK_MAX_RECEIVE_COUNT = 3;
/** Receives of a completion message before its DLQ: the summary's compare-and-swap retries are cheap. */
export const COMPLETION_MAX_RECEIVE_COUNT = 5;
/** Visibility timeout = this factor x the consumer function's timeout. */
export const VISIBILITY_FACTOR = 6;

export interface QueuesProps {
  /** Worker function timeout (the task queue's visibility timeout is 6x this). */
  readonly workerTimeout: Duration;
  /** Summary function timeout (the completion queue's visibility timeout is 6x this). */
  readonly summaryTimeout: Duration;
}

export class Queues extends Construct {
  readonly taskQueue: sqs.Queue;
  readonly taskDlq: sqs.Queue;
  readonly completionQueue: sqs.Queue;
  readonly completionDlq: sqs.Queue;
  /** Daily-schedule invocations of the planner that failed after the scheduler's retries. */
  readonly scheduleDlq: sqs.Queue;

  constructor(scope: Construct, id: string, props: QueuesProps) {
    super(scope, id);
    const common = {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    } as const;
    const dlq = (name: string) =>
      new sqs.Queue(this, name, { ...common, retentionPeriod: Duration.days(14) });

    this.taskDlq = dlq("TaskDlq");
    this.taskQueue = new sqs.Queue(this, "Tasks", {
      ...common,
      visibilityTimeout: Duration.seconds(props.workerTimeout.toSeconds() * VISIBILITY_FACTOR),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.taskDlq, maxReceiveCount: TASK_MAX_RECEIVE_COUNT },
    });

    this.completionDlq = dlq("CompletionDlq");
    this.completionQueue = new sqs.Queue(this, "Completions", {
      ...common,
      visibilityTimeout: Duration.seconds(props.summaryTimeout.toSeconds() * VISIBILITY_FACTOR),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.completionDlq, maxReceiveCount: COMPLETION_MAX_RECEIVE_COUNT },
    });

    this.scheduleDlq = dlq("ScheduleDlq");
    Validations.of(this.scheduleDlq).acknowledge({
      id: "AwsSolutions-SQS3",
      reason:
        "This queue IS a dead-letter queue: EventBridge Scheduler's DLQ for failed planner invocations (a scheduler target DLQ, not an SQS redrive, which is what the rule looks for).",
    });
  }
}
