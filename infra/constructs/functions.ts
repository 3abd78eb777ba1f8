/**
 * The three Lambda functions (planner, worker, summary): Node.js 22 on arm64, bundled by the local esbuild
 * (no Docker) into one ESM file with parquet-wasm's .wasm copied beside it (lib/parquet/wasm.ts looks
 * there first), and for the worker the decode thread's entry bundled beside it. Handlers are referenced by
 * entry path only (STYLE.md layers). Permissions: permissions.ts.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import * as nodejs from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import type * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { HANDLER_ENV, SWEEP_NAMES, type SweepNameField } from "../../lib/aws/deployment.ts";
import { grantLeastPrivilege } from "./permissions.ts";
import type { Queues } from "./queues.ts";

/** Repository root (infra/constructs/ -> ../..): entry paths and the lock file are resolved from here. */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** Handler entry files, relative to the project root. */
export const ENTRIES = {
  planner: "functions/planner.ts",
  worker: "functions/worker.ts",
  summary: "functions/summary.ts",
} as const;
/** parquet-wasm's module, relative to the project root; shipped beside the bundles that read or write Parquet. */
export const WASM_SOURCE = "node_modules/parquet-wasm/esm/parquet_wasm_bg.wasm";
export const WASM_FILE = "parquet_wasm_bg.wasm";
/**
 * The decode thread's entry (lib/mbp10/decodeThread.ts looks for DECODE_WORKER_FILE beside the bundle): bundled
 * on its own and shipped with the worker, so that a worker Lambda with a spare vCPU decodes while it replays, and
 * a panic of parquet-wasm on corrupt data is reported as a failed task instead of killing the process.
 */
export const DECODE_WORKER_ENTRY = "lib/mbp10/decodeWorker.ts";
export const DECODE_WORKER_FILE = "decodeWorker.mjs";

/** esbuild's command-line arguments that bundle the decode thread's entry into `outFile` (same settings as ESBUILD). */
export function decodeWorkerBuildArgs(outFile: string): string[] {
  return [
    join(PROJECT_ROOT, DECODE_WORKER_ENTRY),
    "--bundle",
    `--format=${ESBUILD.format}`,
    `--platform=${ESBUILD.platform}`,
    `--target=${ESBUILD.target}`,
    `--main-fields=${ESBUILD.mainFields.join(",")}`,
    `--banner:js=${ESBUILD.banner}`,
    `--outfile=${outFile}`,
    "--log-level=warning",
  ];
}

/** The esbuild binary of this project (what NodejsFunction's local bundling runs too). */
export const ESBUILD_BIN = join(PROJECT_ROOT, "node_modules", ".bin", "esbuild");

/**
 * The esbuild settings of every bundle. ESM so that `import.meta.url` (the wasm lookup) keeps working; the
 * banner gives bundled CommonJS dependencies a `require`. The AWS SDK is bundled too (the version the
 * tests ran), not taken from the runtime.
 */
export const ESBUILD = {
  format: "esm",
  platform: "node",
  target: "node22",
  mainFields: ["module", "main"],
  banner:
    "import { createRequire as __msorCreateRequire } from 'node:module'; const require = __msorCreateRequire(import.meta.url);",
} as const;

/** A shell word: single-quoted, with any single quote closed, escaped and reopened. */
const sh = (word: string) => `'${word.replaceAll("'", "'\\''")}'`;

function bundling(withWasm: boolean, withDecodeWorker = false): nodejs.BundlingOptions {
  return {
    format: nodejs.OutputFormat.ESM,
    target: ESBUILD.target,
    mainFields: [...ESBUILD.mainFields],
    banner: ESBUILD.banner,
    sourceMap: true,
    externalModules: [],
    forceDockerBundling: false,
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      afterBundling: (inputDir: string, outputDir: string) => [
        ...(withWasm ? [`cp "${join(inputDir, WASM_SOURCE)}" "${join(outputDir, WASM_FILE)}"`] : []),
        ...(withDecodeWorker
          ? [[ESBUILD_BIN, ...decodeWorkerBuildArgs(join(outputDir, DECODE_WORKER_FILE))].map(sh).join(" ")]
          : []),
      ],
    },
  };
}

/** Environment variable names the handlers read: the one table of lib/aws/deployment.ts. */
export const ENV = {
  ...(Object.fromEntries(Object.entries(SWEEP_NAMES).map(([field, n]) => [field, n.env])) as {
    readonly [K in SweepNameField]: string;
  }),
  ...HANDLER_ENV,
} as const;

export interface FunctionsProps {
  readonly resultsBucket: s3.IBucket;
  readonly inputBucket: s3.IBucket;
  readonly inputKeyPrefix: string;
  readonly queues: Queues;
  readonly workerMemoryMiB: number;
  readonly workerTimeout: Duration;
  readonly workerMaxConcurrency: number;
  readonly summaryTimeout: Duration;
  readonly summaryBatchSize: number;
  readonly summaryBatchingWindow: Duration;
  readonly dailySpecKey: string;
  /** KMS key of an SSE-KMS input bucket (the worker may decrypt with it) */
  readonly inputKmsKeyArn?: string | undefined;
}

/**
 * Reserved concurrency: the planner never needs more than a schedule and a user at once, and the summary
 * runs at most its event source's 2 plus the tick; reserving them keeps a full worker fleet (which takes
 * the account's unreserved pool) from throttling the fan-in and the daily planning.
 */
export const RESERVED_CONCURRENCY = { planner: 2, summary: 3 } as const;

export class Functions extends Construct {
  readonly planner: nodejs.NodejsFunction;
  readonly worker: nodejs.NodejsFunction;
  readonly summary: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    const { queues } = props;
    const environment = {
      [ENV.resultsBucket]: props.resultsBucket.bucketName,
      [ENV.inputBucket]: props.inputBucket.bucketName,
      [ENV.taskQueueUrl]: queues.taskQueue.queueUrl,
      [ENV.taskDlqUrl]: queues.taskDlq.queueUrl,
      [ENV.completionQueueUrl]: queues.completionQueue.queueUrl,
      [ENV.dailySpecKey]: props.dailySpecKey,
      NODE_OPTIONS: "--enable-source-maps",
    };
    const fn = (
      name: keyof typeof ENTRIES,
      opts: {
        memory: number;
        timeout: Duration;
        wasm: boolean;
        decodeWorker?: boolean;
        reserved?: number;
      },
    ) =>
      new nodejs.NodejsFunction(this, name[0]!.toUpperCase() + name.slice(1), {
        entry: join(PROJECT_ROOT, ENTRIES[name]),
        handler: "handler",
        projectRoot: PROJECT_ROOT,
        depsLockFilePath: join(PROJECT_ROOT, "package-lock.json"),
        runtime: lambda.Runtime.NODEJS_22_X,
        architecture: lambda.Architecture.ARM_64,
        memorySize: opts.memory,
        timeout: opts.timeout,
        environment,
        tracing: lambda.Tracing.ACTIVE,
        ...(opts.reserved !== undefined ? { reservedConcurrentExecutions: opts.reserved } : {}),
        bundling: bundling(opts.wasm, opts.decodeWorker),
        logGroup: new logs.LogGroup(this, `${name}Logs`, {
          retention: logs.RetentionDays.ONE_MONTH,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
      });

    this.planner = fn("planner", {
      memory: 1024,
      timeout: Duration.minutes(5),
      wasm: false,
      reserved: RESERVED_CONCURRENCY.planner,
    });
    this.worker = fn("worker", {
      memory: props.workerMemoryMiB,
      timeout: props.workerTimeout,
      wasm: true,
      decodeWorker: true,
    });
    this.summary = fn("summary", {
      memory: 2048,
      timeout: props.summaryTimeout,
      wasm: true,
      reserved: RESERVED_CONCURRENCY.summary,
    });

    for (const f of [this.planner, this.worker, this.summary]) {
      Validations.of(f).acknowledge(
        {
          id: "AwsSolutions-L1",
          reason:
            "Node.js 22 is the runtime the project targets (DESIGN.md Dependencies: @middy/core 6 and Powertools 2 are chosen for it, and tests run on Node 20/22); move to a newer runtime together with those pins.",
        },
        {
          id: "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]",
          reason:
            "The AWS managed basic execution policy only lets the function create log streams and put log events (CloudWatch Logs); data and queue access are explicit statements in permissions.ts.",
        },
        {
          id: "AwsSolutions-IAM5[Resource::*]",
          reason:
            "X-Ray tracing (Tracing.ACTIVE): xray:PutTraceSegments and xray:PutTelemetryRecords take no resource-level permissions, so AWS documents Resource * for them; no other statement uses it.",
        },
      );
    }
    grantLeastPrivilege({
      planner: this.planner,
      worker: this.worker,
      summary: this.summary,
      resultsBucket: props.resultsBucket,
      inputBucket: props.inputBucket,
      inputKeyPrefix: props.inputKeyPrefix,
      inputKmsKeyArn: props.inputKmsKeyArn,
      queues,
    });

    // one task per invocation: a failed task returns only its own message to the queue
    this.worker.addEventSource(
      new SqsEventSource(queues.taskQueue, {
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: props.workerMaxConcurrency,
      }),
    );
    // fan-in: large batches merged into status.json by compare-and-swap (DESIGN.md "Fan-in")
    this.summary.addEventSource(
      new SqsEventSource(queues.completionQueue, {
        batchSize: props.summaryBatchSize,
        maxBatchingWindow: props.summaryBatchingWindow,
        reportBatchItemFailures: true,
        maxConcurrency: 2,
      }),
    );
  }
}
