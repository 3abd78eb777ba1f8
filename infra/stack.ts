/**
 * The myopic-sor stack: wires the constructs of infra/constructs (one concern each) and exports the names
 * the CLI and the operator need. No resource is defined here.
 */
import { CfnOutput, Duration, Stack, type StackProps } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { OTHER_OUTPUTS, SWEEP_NAMES, type SweepNameField } from "../lib/aws/deployment.ts";
import { Alarms } from "./constructs/alarms.ts";
import { Catalog } from "./constructs/catalog.ts";
import { Functions } from "./constructs/functions.ts";
import { Query } from "./constructs/query.ts";
import { Queues } from "./constructs/queues.ts";
import { DailySchedule, SummaryTick } from "./constructs/schedule.ts";
import { Storage } from "./constructs/storage.ts";

export interface MsorStackProps extends StackProps {
  /**
   * Existing bucket holding the MBP-10 input (imported by name, read-only).
   * @default - the stack creates an input bucket
   */
  readonly inputBucketName?: string;
  /**
   * Key prefix of the input files: the worker may read only below it ("" = the whole input bucket).
   * Must be the fixed start of the sweep spec's input key template.
   * @default ""
   */
  readonly inputKeyPrefix?: string;
  /**
   * Worker memory, MiB (CPU scales with it; 1,769 MiB = one vCPU).
   * @default 2048
   */
  readonly workerMemoryMiB?: number;
  /**
   * Worker timeout (one symbol-day); the task queue's visibility timeout is 6x this.
   * @default Duration.minutes(10)
   */
  readonly workerTimeout?: Duration;
  /**
   * Maximum concurrent workers (SQS event source maximum concurrency, 2..1000).
   * @default 500 (half the default account limit of 1,000; raise with a quota increase)
   */
  readonly workerMaxConcurrency?: number;
  /**
   * Cron expression of the daily run (EventBridge Scheduler syntax, in `scheduleTimeZone`).
   * @default "cron(0 6 ? * MON-FRI *)" (06:00, after the previous day's data has landed)
   */
  readonly scheduleCron?: string;
  /**
   * Time zone of `scheduleCron`.
   * @default "America/New_York"
   */
  readonly scheduleTimeZone?: string;
  /**
   * Whether the daily schedule is enabled.
   * @default true
   */
  readonly scheduleEnabled?: boolean;
  /**
   * Key of the daily sweep spec in the results bucket.
   * @default "specs/daily.json"
   */
  readonly dailySpecKey?: string;
  /**
   * Completions per summary invocation (SQS batch size, up to 10,000).
   * @default 10000
   */
  readonly summaryBatchSize?: number;
  /**
   * How long SQS gathers completions before invoking the summary.
   * @default Duration.seconds(30)
   */
  readonly summaryBatchingWindow?: Duration;
  /**
   * Bytes one Athena query may scan before it is cancelled.
   * @default 100 GiB
   */
  readonly athenaBytesScannedCutoff?: number;
  /**
   * Alarm when the oldest message of the task queue is older than this.
   * @default Duration.hours(2)
   */
  readonly taskMaxAge?: Duration;
  /**
   * Alarm when a run is still unfinished this long after it was planned.
   * @default Duration.hours(6)
   */
  readonly runDeadline?: Duration;
  /**
   * ARN of the customer-managed KMS key of an SSE-KMS input bucket: the worker gets kms:Decrypt on it (and
   * the planner, which only lists, does not need it).
   * @default - none (SSE-S3 input)
   */
  readonly inputKmsKeyArn?: string;
  /**
   * E-mail address subscribed to the alarm topic.
   * @default - no subscription (subscribe to the AlarmTopicArn output yourself)
   */
  readonly alarmEmail?: string;
}

/** Summary timeout: merging up to 10,000 completions and, once per run, the summary and report. */
const SUMMARY_TIMEOUT = Duration.minutes(5);

export class MsorStack extends Stack {
  constructor(scope: Construct, id: string, props: MsorStackProps = {}) {
    super(scope, id, props);
    const p = resolveProps(props);

    const storage = new Storage(this, "Storage", { inputBucketName: props.inputBucketName });
    const queues = new Queues(this, "Queues", {
      workerTimeout: p.workerTimeout,
      summaryTimeout: SUMMARY_TIMEOUT,
    });
    const functions = new Functions(this, "Functions", {
      resultsBucket: storage.resultsBucket,
      inputBucket: storage.inputBucket,
      inputKeyPrefix: p.inputKeyPrefix,
      queues,
      workerMemoryMiB: p.workerMemoryMiB,
      workerTimeout: p.workerTimeout,
      workerMaxConcurrency: p.workerMaxConcurrency,
      summaryTimeout: SUMMARY_TIMEOUT,
      summaryBatchSize: p.summaryBatchSize,
      summaryBatchingWindow: p.summaryBatchingWindow,
      dailySpecKey: p.dailySpecKey,
      inputKmsKeyArn: props.inputKmsKeyArn,
    });
    new DailySchedule(this, "Schedule", {
      planner: functions.planner,
      deadLetterQueue: queues.scheduleDlq,
      specKey: p.dailySpecKey,
      cron: p.scheduleCron,
      timeZone: p.scheduleTimeZone,
      enabled: p.scheduleEnabled,
    });
    new SummaryTick(this, "SummaryTick", { summary: functions.summary, deadLetterQueue: queues.scheduleDlq });
    const catalog = new Catalog(this, "Catalog", { resultsBucket: storage.resultsBucket });
    const query = new Query(this, "Query", {
      resultsBucket: storage.resultsBucket,
      databaseName: catalog.databaseName,
      workGroupName: `msor-${this.stackName}`.toLowerCase(),
      bytesScannedCutoffPerQuery: p.athenaBytesScannedCutoff,
    });
    const alarms = new Alarms(this, "Alarms", {
      deadLetterQueues: {
        TaskDlq: queues.taskDlq,
        CompletionDlq: queues.completionDlq,
        ScheduleDlq: queues.scheduleDlq,
      },
      worker: functions.worker,
      planner: functions.planner,
      summary: functions.summary,
      taskQueue: queues.taskQueue,
      taskMaxAge: p.taskMaxAge,
      runDeadline: p.runDeadline,
      alarmEmail: props.alarmEmail,
    });

    const out = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    const sweepOut = (field: SweepNameField, value: string) =>
      out(SWEEP_NAMES[field].output, value, SWEEP_NAMES[field].resource);
    sweepOut("resultsBucket", storage.resultsBucket.bucketName);
    sweepOut("inputBucket", storage.inputBucket.bucketName);
    sweepOut("taskQueueUrl", queues.taskQueue.queueUrl);
    out(OTHER_OUTPUTS.taskQueueName, queues.taskQueue.queueName, "task queue name");
    sweepOut("taskDlqUrl", queues.taskDlq.queueUrl);
    sweepOut("completionQueueUrl", queues.completionQueue.queueUrl);
    out(OTHER_OUTPUTS.completionQueueName, queues.completionQueue.queueName, "completion queue name");
    out(OTHER_OUTPUTS.completionDlqUrl, queues.completionDlq.queueUrl, "completion dead-letter queue");
    out(
      OTHER_OUTPUTS.plannerFunctionName,
      functions.planner.functionName,
      "planner Lambda (msor sweep invokes it)",
    );
    out(OTHER_OUTPUTS.workerFunctionName, functions.worker.functionName, "worker Lambda");
    out(OTHER_OUTPUTS.summaryFunctionName, functions.summary.functionName, "summary Lambda");
    out(OTHER_OUTPUTS.glueDatabaseName, catalog.databaseName, "Glue database of the result tables");
    out(OTHER_OUTPUTS.athenaWorkGroupName, query.workGroup.ref, "Athena workgroup with the saved queries");
    out(OTHER_OUTPUTS.alarmTopicArn, alarms.topic.topicArn, "SNS topic of the DLQ and worker-error alarms");
  }
}

/** Props with defaults applied, validated with errors that say what to change. */
export function resolveProps(props: MsorStackProps) {
  const p = {
    inputKeyPrefix: props.inputKeyPrefix ?? "",
    workerMemoryMiB: props.workerMemoryMiB ?? 2048,
    workerTimeout: props.workerTimeout ?? Duration.minutes(10),
    workerMaxConcurrency: props.workerMaxConcurrency ?? 500,
    scheduleCron: props.scheduleCron ?? "cron(0 6 ? * MON-FRI *)",
    scheduleTimeZone: props.scheduleTimeZone ?? "America/New_York",
    scheduleEnabled: props.scheduleEnabled ?? true,
    dailySpecKey: props.dailySpecKey ?? "specs/daily.json",
    summaryBatchSize: props.summaryBatchSize ?? 10_000,
    summaryBatchingWindow: props.summaryBatchingWindow ?? Duration.seconds(30),
    athenaBytesScannedCutoff: props.athenaBytesScannedCutoff ?? 100 * 1024 ** 3,
    taskMaxAge: props.taskMaxAge ?? Duration.hours(2),
    runDeadline: props.runDeadline ?? Duration.hours(6),
  };
  const fail = (what: string) => {
    throw new Error(`MsorStack: ${what}`);
  };
  const intIn = (name: string, v: number, lo: number, hi: number) => {
    if (!Number.isInteger(v) || v < lo || v > hi)
      fail(`${name} must be an integer in ${lo}..${hi}, got ${v}`);
  };
  intIn("workerMemoryMiB", p.workerMemoryMiB, 128, 10_240);
  intIn("workerTimeout (seconds)", p.workerTimeout.toSeconds(), 1, 900);
  intIn("workerMaxConcurrency", p.workerMaxConcurrency, 2, 1000);
  intIn("summaryBatchSize", p.summaryBatchSize, 11, 10_000);
  intIn("summaryBatchingWindow (seconds)", p.summaryBatchingWindow.toSeconds(), 1, 300);
  if (p.athenaBytesScannedCutoff < 10_000_000) fail("athenaBytesScannedCutoff must be at least 10 MB");
  intIn("taskMaxAge (seconds)", p.taskMaxAge.toSeconds(), 60, 14 * 86_400);
  intIn("runDeadline (seconds)", p.runDeadline.toSeconds(), 600, 14 * 86_400);
  if (
    props.inputKmsKeyArn !== undefined &&
    !/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/.test(props.inputKmsKeyArn)
  )
    fail(
      `inputKmsKeyArn must be a KMS key ARN like arn:aws:kms:us-east-1:123456789012:key/1234abcd-..., got "${props.inputKmsKeyArn}"`,
    );
  if (!/^cron\(.+\)$/.test(p.scheduleCron))
    fail(`scheduleCron must look like "cron(0 6 ? * MON-FRI *)", got "${p.scheduleCron}"`);
  if (!/^[A-Za-z_]+(\/[A-Za-z_+-]+)+$/.test(p.scheduleTimeZone))
    fail(`scheduleTimeZone must be an IANA zone like America/New_York, got "${p.scheduleTimeZone}"`);
  if (!/^[A-Za-z0-9!_.'()/-]*$/.test(p.inputKeyPrefix) || p.inputKeyPrefix.startsWith("/"))
    fail(`inputKeyPrefix must be a plain S3 key prefix such as "mbp10/", got "${p.inputKeyPrefix}"`);
  if (!/^specs\/[A-Za-z0-9_.-]+\.(json|ya?ml)$/.test(p.dailySpecKey))
    fail(`dailySpecKey must be specs/<name>.json or .yaml, got "${p.dailySpecKey}"`);
  return p;
}
