/**
 * The scale model behind `msor estimate` (issue 23.6): wall time and cost of a sweep on the deployed stack,
 * phase by phase (plan, Lambda's SQS ramp, wave 1, fan-in and wave-2 enqueue, wave 2, fan-in and wave-3
 * enqueue, wave 3 (compaction, on the workers), finish (summary and report)), from
 *  - what the bench measured on this code (bench/results.json: seconds per calibrate and backtest task of a
 *    2M-row day, S3 GETs per task measured on moto, the planner's ms per 1,000 tasks, compaction's ms per
 *    staged file of a full part), and
 *  - AWS's published limits and prices (AWS below, each with its source page), and
 *  - two latencies AWS does not publish, stated as assumptions (S3 and SQS round trips inside a region).
 * Pure arithmetic: no SDK, no clock. Every phase says which Lambda limit it runs under and whether it fits.
 */
import { SAMPLE_PARENTS } from "../report/strategyAggregates.ts";

/** AWS's published limits and us-east-1 prices (read December 2026; check the pages for your region). */
export const AWS = {
  /**
   * Lambda's SQS event source adds up to 300 concurrent executions per minute while messages wait.
   * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
   */
  sqsRampPerMinute: 300,
  /** Default concurrency quota per account and region. https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html */
  accountConcurrency: 1000,
  /** Function timeout maximum, seconds. https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html */
  lambdaMaxTimeoutS: 900,
  /** Synchronous invocation payload (an SQS batch handed to a function), bytes. Same page. */
  invokePayloadBytes: 6 * 1024 * 1024,
  /** SendMessageBatch: 10 entries. https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html */
  sqsBatchEntries: 10,
  /** S3 request rates per partitioned prefix. https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance.html */
  s3GetsPerSPerPrefix: 5500,
  s3PutsPerSPerPrefix: 3500,
  /** Lambda arm64 price per GB-second and per request. https://aws.amazon.com/lambda/pricing/ */
  usdPerGbS: 0.0000133334,
  usdPerRequest: 0.2 / 1e6,
  /** S3 Standard: GET per 1,000; PUT, COPY, POST, LIST per 1,000. https://aws.amazon.com/s3/pricing/ */
  usdPerGet: 0.0004 / 1000,
  usdPerPut: 0.005 / 1000,
  /** SQS standard queue requests (each 64 KiB chunk of a payload is one). https://aws.amazon.com/sqs/pricing/ */
  usdPerSqsRequest: 0.4 / 1e6,
} as const;

/** Not published by AWS: round trips measured as typical inside a region (assumptions, shown in the output). */
export const ASSUMED = {
  s3RoundTripS: 0.02,
  sqsRoundTripS: 0.01,
  /** a Lambda container's cold start (Node.js, bundled), seconds */
  coldStartS: 1,
  /** one compare-and-swap of a 125k-task status.json (DESIGN.md "Fan-in", measured) */
  statusCasS: 0.55,
  /** completion message bytes of a calibrate task (no aggregates; rounded up) */
  completionBytes: 2048,
  /**
   * completion message bytes of a backtest task: the mergeable aggregates of lib/report/strategyAggregates.ts
   * (exact sums, paired sums, up to 64 sorted costs or the sketch's bins per strategy) and its share of the
   * report's sample, measured on the demo (10 strategy instances, 8 parents per task: mean 13,030 B)
   */
  backtestCompletionBytes: 13_030,
} as const;

/** The deployed stack's settings that the model uses (infra/stack.ts defaults). */
export const STACK = {
  workerGb: 2,
  /** the worker's timeout (infra/stack.ts workerTimeout, default 10 minutes): each task is one invocation */
  workerTimeoutS: 600,
  plannerTimeoutS: 300,
  summaryTimeoutS: 300,
  summaryGb: 2,
  summaryBatchingWindowS: 30,
  summaryBatchSize: 10_000,
  summaryWriters: 2,
  /** parallel LISTs and SendMessageBatch calls of the planner and the wave-2/3 enqueue (planner.ts, enqueue.ts) */
  planConcurrency: 16,
  /**
   * staged files a backtest task writes, one per result table (lib/results/tables.ts RESULT_TABLES, written by
   * lib/store/results.ts writeTaskResults), each compacted by wave 3. The constants that the code also defines
   * are repeated here (a test checks them) so that `msor estimate` loads no Arrow or Parquet module.
   */
  resultTables: 5,
  /**
   * staged files the report reads per task of its sample (lib/report/load.ts loadSampledRunData: executions,
   * task_quality, venue_stats, queue_check; each a HEAD, then a GET when it exists)
   */
  reportFilesPerTask: 4,
  /** calibration files per calibrate task + its marker; staged files per backtest task + its marker */
  putsPerCalibrateTask: 7,
  putsPerBacktestTask: 6,
  /** most staged files per compaction task (lib/pipeline/compaction.ts COMPACT_FILES_PER_PART: symbols of a date per part) */
  compactFilesPerPart: 1000,
  /** staged files a compaction task fetches at once (lib/pipeline/compaction.ts PREFETCH) */
  compactGetsInFlight: 8,
  /**
   * the finish's own S3 requests besides the sample's files and records (fanIn.ts finishUnderLease): the
   * summary lock, the summary table, the report's manifest and status reads, the report, the active-run entry
   */
  finishS3Requests: 6,
} as const;

/** What bench/results.json measured (the keys the model reads). */
export interface BenchInputs {
  readonly calibrate_s_per_task: number;
  readonly backtest_s_per_task: number;
  readonly s3_gets_per_task: number;
  readonly s3_gets_per_calibrate_task: number;
  readonly plan_ms_per_1k_tasks: number;
  /** ms per staged file of a full compaction part (bench/finish.ts, local store: no S3 round trips) */
  readonly compact_ms_per_file: number;
  /** rows of the day the per-task figures were measured on */
  readonly rows_per_day: number;
}

export interface EstimateInput {
  readonly symbols: number;
  readonly days: number;
  /** calibration lookback days before the first run day (spec calibration.lookback_days) */
  readonly lookbackDays: number;
  /** worker concurrency (the stack's workerMaxConcurrency) */
  readonly concurrency: number;
  /** false: calibration records cached from an earlier run (no wave 1) */
  readonly calibrate: boolean;
}

export interface Phase {
  readonly phase: string;
  readonly wall_s: number;
  readonly usd: number;
  /**
   * the Lambda limit it runs under (seconds): of one invocation, or for a wave of each task (one task per
   * worker invocation); null when it is not run by a Lambda
   */
  readonly limit_s: number | null;
  readonly fits: boolean;
  readonly note: string;
}

export interface Estimate {
  readonly tasks: { calibrate: number; backtest: number; compact: number };
  readonly phases: readonly Phase[];
  readonly wall_s: number;
  readonly usd: number;
  readonly assumptions: readonly string[];
}

/**
 * Seconds for `work` Lambda-seconds when the concurrency ramps from 0 at `perS` per second up to `cap`
 * (Lambda's SQS scaling), then stays there: the integral of min(cap, perS * t) reaches `work`.
 */
export function rampedWallS(work: number, cap: number, perS: number): number {
  if (work <= 0) return 0;
  const tRamp = cap / perS;
  const rampWork = (cap * tRamp) / 2;
  if (work <= rampWork) return Math.sqrt((2 * work) / perS);
  return tRamp + (work - rampWork) / cap;
}

/**
 * A wave of `tasks` worker invocations of `sPerTask` seconds on average (`maxSPerTask` the longest: it must fit
 * the worker's timeout), with Lambda's SQS ramp.
 */
function wave(name: string, tasks: number, sPerTask: number, cap: number, maxSPerTask = sPerTask): Phase {
  const wall = rampedWallS(tasks * sPerTask, cap, AWS.sqsRampPerMinute / 60) + ASSUMED.coldStartS;
  return {
    phase: name,
    wall_s: wall,
    usd: tasks * sPerTask * STACK.workerGb * AWS.usdPerGbS + tasks * AWS.usdPerRequest,
    limit_s: STACK.workerTimeoutS,
    fits: maxSPerTask < STACK.workerTimeoutS,
    note: `${tasks} tasks x ${+sPerTask.toFixed(2)} s at up to ${cap} workers, ramping ${AWS.sqsRampPerMinute}/min (reached after ${Math.round((cap / AWS.sqsRampPerMinute) * 60)} s)`,
  };
}

/**
 * Seconds of one compaction task over `files` staged files (compaction.ts compactPart: their keys are built
 * from the message's symbols, no LIST): the files fetched STACK.compactGetsInFlight at a time, the measured ms
 * per file of writing them into one Parquet file, one PUT.
 */
export function compactTaskS(files: number, b: BenchInputs): number {
  return (
    (files * ASSUMED.s3RoundTripS) / STACK.compactGetsInFlight +
    (files * b.compact_ms_per_file) / 1000 +
    ASSUMED.s3RoundTripS
  );
}

export function estimateSweep(i: EstimateInput, b: BenchInputs): Estimate {
  const cap = Math.min(i.concurrency, AWS.accountConcurrency);
  const backtest = i.symbols * i.days;
  const calibrate = i.calibrate ? i.symbols * (i.days + i.lookbackDays) : 0;
  const sends = (n: number) => Math.ceil(n / AWS.sqsBatchEntries);
  const phases: Phase[] = [];

  // plan: CPU (measured) + one LIST per symbol for calibration records and for the input + wave 1's sends
  const planned = calibrate + backtest;
  const lists = 2 * i.symbols;
  const firstWave = calibrate > 0 ? calibrate : backtest;
  const planS =
    (planned / 1000) * (b.plan_ms_per_1k_tasks / 1000) +
    (lists / STACK.planConcurrency) * ASSUMED.s3RoundTripS +
    (sends(firstWave) / STACK.planConcurrency) * ASSUMED.sqsRoundTripS;
  phases.push({
    phase: "plan + enqueue wave 1",
    wall_s: planS,
    usd: lists * AWS.usdPerPut + sends(firstWave) * AWS.usdPerSqsRequest + planS * 1 * AWS.usdPerGbS,
    limit_s: STACK.plannerTimeoutS,
    fits: planS < STACK.plannerTimeoutS,
    note: `${planned} tasks planned (${b.plan_ms_per_1k_tasks} ms per 1,000), ${lists} LISTs, ${sends(firstWave)} SendMessageBatch calls ${STACK.planConcurrency} at a time`,
  });

  const perInvocation = (bytes: number) =>
    Math.min(STACK.summaryBatchSize, Math.floor(AWS.invokePayloadBytes / bytes));
  const completionsPerInvocation = perInvocation(ASSUMED.completionBytes);
  const fanIn = (tasks: number, per = completionsPerInvocation) =>
    (Math.ceil(tasks / per) * ASSUMED.statusCasS) / STACK.summaryWriters;
  if (calibrate > 0) {
    phases.push(wave("wave 1 (calibrate)", calibrate, b.calibrate_s_per_task, cap));
    const enqueueS = (sends(backtest) / STACK.planConcurrency) * ASSUMED.sqsRoundTripS;
    const gap = STACK.summaryBatchingWindowS + fanIn(calibrate) + enqueueS;
    phases.push({
      phase: "fan-in + enqueue wave 2",
      wall_s: gap,
      usd: sends(backtest) * AWS.usdPerSqsRequest,
      limit_s: STACK.summaryTimeoutS,
      fits: enqueueS < STACK.summaryTimeoutS,
      note: `${STACK.summaryBatchingWindowS} s batching window, ${Math.ceil(calibrate / completionsPerInvocation)} status updates, ${sends(backtest)} sends (${enqueueS.toFixed(1)} s in one summary invocation, resumable)`,
    });
  }
  phases.push(wave("wave 2 (backtest)", backtest, b.backtest_s_per_task, cap));

  // fan-in of the backtests' completions (their aggregates and samples make them large), then wave 3 sent by the
  // invocation that sees the last backtest accounted for: its status update, the compaction section's, the sends
  const parts = Math.ceil(i.symbols / STACK.compactFilesPerPart);
  const partFiles = Array.from({ length: parts }, (_, p) =>
    Math.min(STACK.compactFilesPerPart, i.symbols - p * STACK.compactFilesPerPart),
  );
  const compact = i.days * STACK.resultTables * parts;
  const backtestPer = perInvocation(ASSUMED.backtestCompletionBytes);
  const backtestUpdates = Math.ceil(backtest / backtestPer);
  const enqueue3S = (sends(compact) / STACK.planConcurrency) * ASSUMED.sqsRoundTripS;
  const send3S = 2 * ASSUMED.statusCasS + enqueue3S;
  phases.push({
    phase: "fan-in + enqueue wave 3",
    wall_s: STACK.summaryBatchingWindowS + fanIn(backtest, backtestPer) + send3S,
    usd:
      sends(compact) * AWS.usdPerSqsRequest +
      (backtestUpdates * ASSUMED.statusCasS + send3S) * STACK.summaryGb * AWS.usdPerGbS,
    limit_s: STACK.summaryTimeoutS,
    fits: send3S < STACK.summaryTimeoutS,
    note:
      `${STACK.summaryBatchingWindowS} s batching window, ${backtestUpdates} status updates (${backtestPer} completions of ` +
      `${ASSUMED.backtestCompletionBytes} B per invocation), ${sends(compact)} sends of wave 3 (${send3S.toFixed(1)} s in ` +
      "one summary invocation, resumable)",
  });

  // wave 3 on the workers: one compaction task per (day, result table, part of up to 1,000 symbols)
  const compactS = partFiles.map((f) => compactTaskS(f, b));
  const compactWork = i.days * STACK.resultTables * compactS.reduce((a, x) => a + x, 0);
  const w3 = wave("wave 3 (compaction)", compact, compactWork / compact, cap, Math.max(...compactS));
  // S3 request rates are per prefix: the parts of one (table, date) read staging/{table}/run_id=R/date=D/ at
  // once, each with compactGetsInFlight GETs of one round trip in flight
  const prefixGetsPerS = (parts * STACK.compactGetsInFlight) / ASSUMED.s3RoundTripS;
  phases.push({
    ...w3,
    fits: w3.fits && prefixGetsPerS <= AWS.s3GetsPerSPerPrefix,
    note:
      `${w3.note}; ${i.days} days x ${STACK.resultTables} tables x ${parts} part${parts > 1 ? "s" : ""} of up to ` +
      `${STACK.compactFilesPerPart} staged files; a full part ${Math.max(...compactS).toFixed(2)} s: ` +
      `${partFiles[0]} GETs ${STACK.compactGetsInFlight} at a time, ` +
      `${b.compact_ms_per_file} ms per file, 1 PUT; ${prefixGetsPerS} GETs/s per staged (table, date) prefix ` +
      `(S3 serves ${AWS.s3GetsPerSPerPrefix} per prefix)`,
  });

  // finish: the wave-3 completions (small) merged, then the summary lock holder writes the summary from the
  // merged aggregates and the report from the staged files of at most SAMPLE_PARENTS sampled symbol-days
  const sampled = Math.min(backtest, SAMPLE_PARENTS);
  const reportFiles = sampled * STACK.reportFilesPerTask;
  // each sampled file a HEAD then a GET, one task after the other; a task's calibration records in parallel
  const finishS =
    (2 * reportFiles + sampled + STACK.finishS3Requests) * ASSUMED.s3RoundTripS + 2 * ASSUMED.statusCasS;
  // (HEADs are priced as GETs; the finish's own requests as PUTs, the dearer kind)
  const finishGets = 2 * reportFiles + sampled * (i.lookbackDays + 1);
  const compactUpdates = Math.ceil(compact / completionsPerInvocation);
  phases.push({
    phase: "finish (summary, report)",
    wall_s: STACK.summaryBatchingWindowS + fanIn(compact) + finishS,
    usd:
      finishGets * AWS.usdPerGet +
      STACK.finishS3Requests * AWS.usdPerPut +
      (compactUpdates * ASSUMED.statusCasS + finishS) * STACK.summaryGb * AWS.usdPerGbS,
    limit_s: STACK.summaryTimeoutS,
    fits: finishS < STACK.summaryTimeoutS,
    note:
      `${STACK.summaryBatchingWindowS} s batching window, ${compactUpdates} status update${compactUpdates > 1 ? "s" : ""}; ` +
      `the summary from the merged aggregates, the report from ${reportFiles} staged files of the sample and their ` +
      `calibration records (${finishS.toFixed(1)} s in one summary invocation)`,
  });

  // S3 and SQS requests of the waves (GETs measured on moto per task; PUTs counted from the code); wave 3: the
  // staged files and the marker check (GETs), the published file and the marker (PUTs)
  const compactFiles = backtest * STACK.resultTables;
  const gets =
    calibrate * b.s3_gets_per_calibrate_task + backtest * b.s3_gets_per_task + compactFiles + compact;
  const puts = calibrate * STACK.putsPerCalibrateTask + backtest * STACK.putsPerBacktestTask + 2 * compact;
  // per task: its send (1/10), the event source's receive and delete, its completion's send, receive/delete
  const sqs = (calibrate + backtest + compact) * (0.1 + 2 + 1 + 0.2);
  phases.push({
    phase: "S3 and SQS requests",
    wall_s: 0,
    usd: gets * AWS.usdPerGet + puts * AWS.usdPerPut + sqs * AWS.usdPerSqsRequest,
    limit_s: null,
    fits: true,
    note: `${gets} GETs (${compactFiles} of them staged files read by wave 3), ${puts} PUTs and LISTs, ${Math.round(sqs)} SQS requests`,
  });
  return {
    tasks: { calibrate, backtest, compact },
    phases,
    wall_s: phases.reduce((s, p) => s + p.wall_s, 0),
    usd: phases.reduce((s, p) => s + p.usd, 0),
    assumptions: [
      `every task is a ${b.rows_per_day}-row symbol-day; times and GETs per task as bench/results.json measured them (scale linearly with rows)`,
      `compaction's ${b.compact_ms_per_file} ms per staged file was measured on small staged files (one 20,000-event day, 2 parents per strategy): a 2M-row day's files are larger`,
      "the bench machine's single-thread speed stands for Lambda arm64 (a 2 GB Lambda has ~1.2 vCPU)",
      `S3 round trip ${ASSUMED.s3RoundTripS * 1000} ms, SQS ${ASSUMED.sqsRoundTripS * 1000} ms, one cold start of ${ASSUMED.coldStartS} s per wave (not published by AWS)`,
      "S3 transfer time and Athena are not included",
    ],
  };
}
