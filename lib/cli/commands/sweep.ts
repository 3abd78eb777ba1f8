/**
 * `msor sweep --spec FILE [--backend local|aws] [--workers N] [--root DIR] [--json]`: plan a sweep and run it
 * on the local backend (worker_threads, one per core), or launch it on AWS (plan into S3 + SQS, then watch
 * runs/{R}/status.json). A progress line (done / failed / dead-lettered / remaining, tasks/s, ETA) on stderr
 * when it is a TTY and --json is not given.
 */
import type { Command } from "commander";
import { awsConfigFromEnv, createAwsClients } from "../../aws/clients.ts";
import { type AwsSweepNames, awsSweepTarget, namesFromStackOutputs } from "../../aws/sweepTarget.ts";
import { InputError } from "../../core/errors.ts";
import { LocalObjectStore } from "../../ports/localObjectStore.ts";
import type { ObjectStore } from "../../ports/objectStore.ts";
import { EXECUTIONS } from "../../results/tables.ts";
import { statusKey } from "../../store/keys.ts";
import { runLocalSweep, type SweepProgress } from "../../sweep/local/localSweep.ts";
import { defaultWorkers, threadExecutor } from "../../sweep/local/pool.ts";
import { aggregateMeans } from "../../sweep/messages.ts";
import { type PlanResult, planSweep, readManifest } from "../../sweep/planner.ts";
import { listResultFiles, readResultRows } from "../../sweep/report/load.ts";
import { parseRunStatus, progressOf, type RunStatus } from "../../sweep/runStatus.ts";
import {
  type GainSummary,
  type StrategySummary,
  summarizeGains,
  summarizeStrategies,
} from "../../sweep/summary.ts";
import { readSweepSpecFile } from "../../sweep/sweepSpec.ts";
import type { SweepTask } from "../../sweep/taskId.ts";
import { COST_TABLE_LEGEND, gainTableRows, printCostTables, strategyTableRows } from "../costTables.ts";
import { parseNumberOption, printJson, printTable, progress, progressDone } from "../output.ts";

interface SweepCliOptions {
  spec: string;
  backend: string;
  workers?: string;
  root: string;
  json?: boolean;
  stackOutputs?: string;
  stack?: string;
  resultsBucket?: string;
  inputBucket?: string;
  taskQueueUrl?: string;
  taskDlqUrl?: string;
  completionQueueUrl?: string;
  wait?: boolean;
}

/** A progress bar: [#####.....] done/planned  ok failed dead-lettered remaining  tasks/s  ETA. */
export function progressLine(p: Omit<SweepProgress, "runId">, elapsedS: number): string {
  const done = p.planned - p.remaining;
  const width = 24;
  const fill = p.planned > 0 ? Math.round((done / p.planned) * width) : width;
  const rate = elapsedS > 0 ? done / elapsedS : 0;
  const eta = rate > 0 ? Math.round(p.remaining / rate) : Number.NaN;
  return (
    `[${"#".repeat(fill)}${".".repeat(width - fill)}] ${done}/${p.planned}  ok ${p.ok}  failed ${p.failed}  ` +
    `dead-lettered ${p.dead_lettered}  remaining ${p.remaining}  ${rate.toFixed(2)} tasks/s  ETA ${Number.isFinite(eta) ? `${eta}s` : "-"}`
  );
}

/** Per-strategy rows of a status (from the merged aggregates). */
export function strategyRows(s: RunStatus): Record<string, unknown>[] {
  return Object.entries(s.aggregates)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([strategy, a]) => ({ strategy, orders: a.orders, ...aggregateMeans(a) }));
}

export function awsNames(o: SweepCliOptions, env: NodeJS.ProcessEnv = process.env): AwsSweepNames {
  const fromFile = o.stackOutputs ? namesFromStackOutputs(o.stackOutputs, o.stack) : undefined;
  const pick = (flag: string | undefined, file: string | undefined, envName: string) =>
    flag ?? file ?? env[envName];
  const resultsBucket = pick(o.resultsBucket, fromFile?.resultsBucket, "MSOR_RESULTS_BUCKET");
  if (!resultsBucket) {
    throw new InputError(
      "--backend aws needs the stack's names: --stack-outputs FILE (cdk deploy --outputs-file), or --results-bucket and the queue URLs, or MSOR_RESULTS_BUCKET etc.",
    );
  }
  return {
    resultsBucket,
    inputBucket: pick(o.inputBucket, fromFile?.inputBucket, "MSOR_INPUT_BUCKET"),
    taskQueueUrl: pick(o.taskQueueUrl, fromFile?.taskQueueUrl, "MSOR_TASK_QUEUE_URL"),
    taskDlqUrl: pick(o.taskDlqUrl, fromFile?.taskDlqUrl, "MSOR_TASK_DLQ_URL"),
    completionQueueUrl: pick(o.completionQueueUrl, fromFile?.completionQueueUrl, "MSOR_COMPLETION_QUEUE_URL"),
  };
}

async function readStatus(store: ObjectStore, runId: string): Promise<RunStatus | undefined> {
  const b = await store.tryGet(statusKey(runId));
  return b ? parseRunStatus(b, store.describe(statusKey(runId))) : undefined;
}

/** The finished run's cost and gain tables, from its published executions (no_data and default days apart). */
async function costSummary(
  store: ObjectStore,
  runId: string,
): Promise<{ strategies: StrategySummary[]; gains: GainSummary[] } | undefined> {
  const files = await listResultFiles(store, EXECUTIONS.name, runId);
  if (files.length === 0) return undefined;
  const rows = await readResultRows(store, files);
  return { strategies: summarizeStrategies(rows), gains: summarizeGains(rows) };
}

async function report(
  store: ObjectStore,
  plan: PlanResult,
  status: RunStatus,
  where: string,
  json: boolean | undefined,
): Promise<void> {
  const costs = status.finished ? await costSummary(store, plan.runId) : undefined;
  const manifest = await readManifest(store, plan.runId);
  const noInput = manifest.no_input;
  if (json) {
    printJson({
      ...plan,
      no_input: noInput.length,
      progress: progressOf(status),
      status,
      ...(costs
        ? { strategies: strategyTableRows(costs.strategies), gains: gainTableRows(costs.gains) }
        : {}),
    });
    return;
  }
  const p = progressOf(status);
  process.stdout.write(
    `run ${plan.runId}: ${p.ok} ok, ${p.failed} failed, ${p.dead_lettered} dead-lettered of ${p.planned} tasks${p.finished ? "" : " (not finished)"}\n`,
  );
  const failed = Object.entries(status.tasks).filter(([, t]) => t.outcome !== "ok");
  // a lookback day before the data starts is expected; a run day without input is the user's problem
  const runDays = new Set(manifest.dates);
  const listed = (ts: readonly SweepTask[]) =>
    `${ts
      .slice(0, 5)
      .map((t) => `${t.symbol} ${t.date}`)
      .join(", ")}${ts.length > 5 ? ", ..." : ""}`;
  const earlier = noInput.filter((t) => !runDays.has(t.date));
  const missing = noInput.filter((t) => runDays.has(t.date));
  if (earlier.length > 0)
    process.stdout.write(
      `  ${earlier.length} lookback symbol-day(s) before the run's dates have no input and were left out of calibration (${listed(earlier)}): expected where the data starts later\n`,
    );
  if (missing.length > 0)
    process.stdout.write(
      `  ${missing.length} symbol-day(s) of the run have no input (${listed(missing)}): their backtests fail; check input.root and input.key_template\n`,
    );
  for (const [id, t] of failed.slice(0, 10))
    process.stdout.write(`  ${t.outcome} ${id}: ${t.reason ?? ""}\n`);
  if (failed.length > 10)
    process.stdout.write(`  (and ${failed.length - 10} more; msor status ${plan.runId})\n`);
  if (costs) {
    process.stdout.write("\n");
    printCostTables(costs.strategies, costs.gains);
    process.stdout.write(`\n${COST_TABLE_LEGEND}\n`);
  } else {
    const rows = strategyRows(status);
    if (rows.length > 0) {
      process.stdout.write(
        "\nper strategy so far (mean total cost, paired difference to twap/market, bps):\n",
      );
      printTable(rows, ["strategy", "orders", "cost_bps", "vs_twap_bps", "win_rate"], 2);
    }
  }
  if (status.outputs) {
    process.stdout.write(
      `\nresults: ${where}/results/{executions,child_orders,fills,task_quality,venue_stats}/run_id=${plan.runId}/\n`,
    );
    process.stdout.write(`summary: ${where}/${status.outputs.summary}\n`);
    if (status.outputs.report) process.stdout.write(`report:  ${where}/${status.outputs.report}\n`);
  }
}

export function registerSweep(program: Command): void {
  program
    .command("sweep")
    .description(
      "run a sweep (symbols x NYSE trading days, docs/sweep-spec.md) on the local backend or on AWS",
    )
    .requiredOption("--spec <file>", "sweep spec (YAML or JSON)")
    .option("--backend <name>", "local (worker_threads over a folder) or aws (S3 + SQS + Lambda)", "local")
    .option("--workers <n>", "local worker threads (default: one per core)")
    .option("--root <dir>", "local results folder, laid out like the S3 keys", "msor-out")
    .option("--stack-outputs <file>", "aws: the JSON of cdk deploy --outputs-file")
    .option("--stack <name>", "aws: the stack in --stack-outputs when it holds several")
    .option(
      "--results-bucket <name>",
      "aws: results bucket (else from --stack-outputs or MSOR_RESULTS_BUCKET)",
    )
    .option("--input-bucket <name>", "aws: input bucket used when the spec names none")
    .option("--task-queue-url <url>", "aws: task queue URL")
    .option("--task-dlq-url <url>", "aws: task DLQ URL")
    .option("--completion-queue-url <url>", "aws: completion queue URL")
    .option("--no-wait", "aws: launch and return without watching the run")
    .option("--json", "print machine-readable JSON (no progress line)")
    .action(async (o: SweepCliOptions) => {
      if (o.backend !== "local" && o.backend !== "aws") {
        throw new InputError(`--backend must be local or aws, got "${o.backend}"`);
      }
      const workers =
        o.workers === undefined
          ? defaultWorkers()
          : parseNumberOption("--workers", o.workers, { min: 1, integer: true });
      if (o.backend === "aws" && o.workers !== undefined) {
        throw new InputError(
          "--workers is for the local backend; on AWS the stack's maximum concurrency applies",
        );
      }
      const sweep = await readSweepSpecFile(o.spec);
      const quiet = o.json === true || !process.stderr.isTTY;
      const started = performance.now();
      const show = (p: Omit<SweepProgress, "runId">) => {
        if (!quiet) progress(progressLine(p, (performance.now() - started) / 1000));
      };
      if (o.backend === "local") {
        const r = await runLocalSweep({
          sweep,
          root: o.root,
          executor: (completions) => {
            const pool = threadExecutor({ root: o.root, completions, workers });
            if (pool.entry.kind === "typescript" && !quiet)
              progressDone(
                `note: worker threads start from the TypeScript sources (slower): ${pool.entry.why}`,
              );
            return pool;
          },
          onPlanned: (p) => {
            if (!quiet)
              progressDone(
                `planned run ${p.runId} (${p.state}): wave ${p.wave}, ${p.enqueued} tasks enqueued, ${workers} workers`,
              );
          },
          onProgress: show,
        });
        if (!quiet) progressDone();
        await report(new LocalObjectStore(o.root), r.plan, r.status, o.root, o.json);
        return;
      }
      const target = awsSweepTarget(createAwsClients(awsConfigFromEnv()), awsNames(o));
      const plan = await planSweep(
        { store: target.store, taskQueue: target.taskQueue(), inputStore: target.inputStore },
        sweep,
      );
      const where = `s3://${awsNames(o).resultsBucket}`;
      if (!quiet)
        progressDone(
          `launched run ${plan.runId} (${plan.state}): wave ${plan.wave}, ${plan.enqueued} tasks enqueued`,
        );
      let status = await readStatus(target.store, plan.runId);
      while (o.wait !== false && status && !status.finished) {
        show(progressOf(status));
        await new Promise((r) => setTimeout(r, 5000));
        status = await readStatus(target.store, plan.runId);
      }
      if (!quiet) progressDone();
      if (!status)
        throw new InputError(
          `run ${plan.runId} has no status at ${target.store.describe(statusKey(plan.runId))}`,
        );
      await report(target.store, plan, status, where, o.json);
    });
}
