/**
 * The ONE table of deployment names (issue 22.5): for each resource a handler or the CLI uses, the Lambda
 * environment variable the stack sets, the CloudFormation output `cdk deploy --outputs-file` writes, and the
 * CLI flag that overrides both. The stack (infra/), IAM (infra/constructs/permissions.ts), the handlers
 * (functions/shared.ts via sweepTarget.ts namesFromEnv), the AWS target (sweepTarget.ts) and the CLI
 * (msor sweep / status / runs) read these names from here; adding a resource is one row here plus its
 * construct. Pure data: no AWS SDK import, so infra/ may import it.
 */
import { QUEUE_CHECK } from "../results/queueCheckSchema.ts";
import { SUMMARY } from "../results/summarySchema.ts";
import { RESULT_TABLES } from "../results/tables.ts";
import { ACTIVE_RUNS_PREFIX, resultTablePrefix } from "../store/keys.ts";

export interface DeploymentName {
  /** what it is (stack output description, messages) */
  readonly resource: string;
  /** Lambda environment variable set by the stack */
  readonly env: string;
  /** stack output holding the value (cdk deploy --outputs-file) */
  readonly output?: string;
  /** CLI flag overriding the output and the environment */
  readonly flag?: string;
}

/** The names a sweep target needs (sweepTarget.ts AwsSweepNames has one field per row). */
export const SWEEP_NAMES = {
  resultsBucket: {
    resource: "results bucket (results, calibration, runs and specs)",
    env: "MSOR_RESULTS_BUCKET",
    output: "ResultsBucketName",
    flag: "--results-bucket",
  },
  inputBucket: {
    resource: "MBP-10 input bucket (key template of the sweep spec)",
    env: "MSOR_INPUT_BUCKET",
    output: "InputBucketName",
    flag: "--input-bucket",
  },
  taskQueueUrl: {
    resource: "task queue (one message per symbol-day task)",
    env: "MSOR_TASK_QUEUE_URL",
    output: "TaskQueueUrl",
    flag: "--task-queue-url",
  },
  taskDlqUrl: {
    resource: "task dead-letter queue",
    env: "MSOR_TASK_DLQ_URL",
    output: "TaskDlqUrl",
    flag: "--task-dlq-url",
  },
  completionQueueUrl: {
    resource: "completion queue (worker -> summary)",
    env: "MSOR_COMPLETION_QUEUE_URL",
    output: "CompletionQueueUrl",
    flag: "--completion-queue-url",
  },
} as const satisfies Record<string, DeploymentName>;

export type SweepNameField = keyof typeof SWEEP_NAMES;

/** Environment variables the handlers read besides the sweep names. */
export const HANDLER_ENV = {
  /** the daily run's sweep spec in the results bucket (planner) */
  dailySpecKey: "MSOR_DAILY_SPEC_KEY",
} as const;

/**
 * Key prefixes of the results bucket as IAM resource patterns (`*` = one run id); each is the start of keys
 * built by lib/store/keys.ts (test/aws/deployment.test.ts checks them against keys.ts).
 */
export const KEY_PREFIXES = {
  results: "results/",
  /** results/summary/: the summary table (the summary function writes it) */
  summaryTable: resultTablePrefix(SUMMARY.name),
  /** staging/{table}/run_id={R}/...: a backtest task's result files, compacted into results/ by wave 3 */
  staging: "staging/",
  calibration: "calibration/",
  runs: "runs/",
  /** runs/{R}/tasks/{task_id}.json: the task markers */
  markers: "runs/*/tasks/",
  /** runs/{R}/manifest.json */
  manifests: "runs/*/manifest.json",
  specs: "specs/",
  /** active-runs/{R}.json: unfinished runs, scanned by the summary tick */
  activeRuns: ACTIVE_RUNS_PREFIX,
} as const;

/**
 * The parts a compaction task (wave 3, run by the worker) publishes, as IAM resource patterns:
 * results/{table}/run_id=*\/date=*\/part-*.parquet of each published table (compactedResultKey). Not the
 * summary table, not `msor backtest`'s per-symbol files.
 */
export const PUBLISHED_PART_PATTERNS: readonly string[] = [...RESULT_TABLES, QUEUE_CHECK].map(
  (t) => `${resultTablePrefix(t.name)}run_id=*/date=*/part-*.parquet`,
);

/** Other stack outputs (for the operator; no handler reads them). */
export const OTHER_OUTPUTS = {
  taskQueueName: "TaskQueueName",
  completionQueueName: "CompletionQueueName",
  completionDlqUrl: "CompletionDlqUrl",
  plannerFunctionName: "PlannerFunctionName",
  workerFunctionName: "WorkerFunctionName",
  summaryFunctionName: "SummaryFunctionName",
  glueDatabaseName: "GlueDatabaseName",
  athenaWorkGroupName: "AthenaWorkGroupName",
  alarmTopicArn: "AlarmTopicArn",
} as const;

/**
 * CloudWatch metrics the handlers publish (Powertools EMF, namespace `msor`, dimension service=msor) that
 * alarms of the stack watch.
 */
export const METRICS_NAMESPACE = "msor";
export const METRICS_SERVICE = "msor";
/** seconds since the oldest unfinished run was planned (the summary's periodic tick) */
export const OLDEST_UNFINISHED_RUN_METRIC = "oldest_unfinished_run_s";
