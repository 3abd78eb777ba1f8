/**
 * `msor sweep --spec FILE [--backend local|aws] [--workers N] [--root DIR] [--json]`: plan a sweep and run it
 * on the local backend (worker_threads, one per core), or launch it on AWS (plan into S3 + SQS, then watch
 * runs/{R}/status.json). A progress line (done / failed / dead-lettered / remaining, tasks/s, ETA) on stderr
 * when it is a TTY and --json is not given.
 */
import type { Command } from "commander";
import { awsConfigFromEnv, createAwsClients } from "../../aws/clients.ts";
import { SWEEP_NAMES, type SweepNameField } from "../../aws/deployment.ts";
import { type AwsSweepNames, awsSweepTarget, namesFromStackOutputs } from "../../aws/sweepTarget.ts";
import { DEFAULT_CALIBRATION } from "../../calibration/params.ts";
import { InputError, MsorError } from "../../core/errors.ts";
import { EQUITY_US, type Instrument, resolveInstrument } from "../../core/instrument.ts";
import { runLocalSweep, type SweepProgress } from "../../pipeline/local/localSweep.ts";
import { defaultWorkers, threadExecutor } from "../../pipeline/local/pool.ts";
import { type PlanResult, planSweep, readManifest } from "../../pipeline/planner.ts";
import { parseRunStatus, progressOf, type RunStatus, unsuccessfulTasks } from "../../pipeline/runStatus.ts";
import { LocalObjectStore } from "../../ports/localObjectStore.ts";
import type { ObjectStore } from "../../ports/objectStore.ts";
import { listResultFiles, readResultRows } from "../../report/load.ts";
import { aggregateMeans, gainsOfAggregates, summarizeAggregates } from "../../report/strategyAggregates.ts";
import { BASELINE_STRATEGY, type GainSummary, type StrategySummary } from "../../report/strategySummary.ts";
import { TASK_QUALITY } from "../../results/tables.ts";
import { readSweepSpecFile } from "../../specs/sweepSpec.ts";
import type { SweepTask } from "../../specs/taskId.ts";
import { statusKey } from "../../store/keys.ts";
import { COST_TABLE_LEGEND, gainTableRows, printCostTables, strategyTableRows } from "../costTables.ts";
import {
  DEFAULT_ROOT,
  parseNumberOption,
  printJson,
  printTable,
  progress,
  progressDone,
  rootOption,
  TABLE_WIDTH,
  wrapText,
} from "../output.ts";
import { MAX_GAP_WARN_S } from "./backtest.ts";

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
  wide?: boolean;
}

/** A progress bar: [#####.....] done/planned  ok failed dead-lettered remaining  tasks/s  ETA. */
export function progressLine(p: Omit<SweepProgress, "runId">, elapsedS: number): string {
  const done = p.planned - p.remaining;
  const width = 24;
  const fill = p.planned > 0 ? Math.round((done / p.planned) * width) : width;
  const rate = elapsedS > 0 ? done / elapsedS : 0;
  const eta = rate > 0 ? Math.round(p.remaining / rate) : Number.NaN;
  const c = p.compaction;
  return (
    `[${"#".repeat(fill)}${".".repeat(width - fill)}] ${done}/${p.planned}  ok ${p.ok}  failed ${p.failed}  ` +
    `dead-lettered ${p.dead_lettered}  remaining ${p.remaining}  ${rate.toFixed(2)} tasks/s  ETA ${Number.isFinite(eta) ? `${eta}s` : "-"}` +
    (c ? `  compacting ${c.accounted}/${c.planned}${c.failed > 0 ? ` (${c.failed} failed)` : ""}` : "")
  );
}

/** The per-strategy table of an unfinished run (msor sweep, msor status), from the merged aggregates. */
export const STATUS_TABLE_COLUMNS = ["strategy", "orders", "cost_bps", "vs_twap_bps", "win_rate"];
export const STATUS_TABLE_LEGEND =
  "mean total cost and paired difference strategy - twap/market, bps; negative = cheaper than twap";

/**
 * Per-strategy rows of a status (from the merged aggregates). The baseline's own rows (twap/market, and its
 * "(default parameters)" row) have no comparison: "-".
 */
export function strategyRows(s: RunStatus): Record<string, unknown>[] {
  return Object.entries(s.aggregates)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([strategy, a]) => {
      const row = { strategy, orders: a.orders, ...aggregateMeans(a) };
      const baseline = strategy === BASELINE_STRATEGY || strategy.startsWith(`${BASELINE_STRATEGY} (`);
      return baseline ? { ...row, vs_twap_bps: undefined, win_rate: undefined } : row;
    });
}

export function awsNames(o: SweepCliOptions, env: NodeJS.ProcessEnv = process.env): AwsSweepNames {
  const fromFile = o.stackOutputs ? namesFromStackOutputs(o.stackOutputs, o.stack) : undefined;
  // flag, else the stack outputs file, else the environment (deployment.ts names all three)
  const pick = (field: SweepNameField) => o[field] ?? fromFile?.[field] ?? env[SWEEP_NAMES[field].env];
  const resultsBucket = pick("resultsBucket");
  if (!resultsBucket) {
    throw new InputError(
      `--backend aws needs the stack's names: --stack-outputs FILE (cdk deploy --outputs-file), or ${SWEEP_NAMES.resultsBucket.flag} and the queue URLs, or ${SWEEP_NAMES.resultsBucket.env} etc.`,
    );
  }
  return {
    resultsBucket,
    inputBucket: pick("inputBucket"),
    taskQueueUrl: pick("taskQueueUrl"),
    taskDlqUrl: pick("taskDlqUrl"),
    completionQueueUrl: pick("completionQueueUrl"),
  };
}

async function readStatus(store: ObjectStore, runId: string): Promise<RunStatus | undefined> {
  const b = await store.tryGet(statusKey(runId));
  return b ? parseRunStatus(b, store.describe(statusKey(runId))) : undefined;
}

/**
 * The finished run's cost and gain tables, from the tasks' merged aggregates in its status (the numbers of
 * summary.parquet; no_data and default days apart): no execution row is read, whatever the run's size.
 */
function costSummary(status: RunStatus): { strategies: StrategySummary[]; gains: GainSummary[] } | undefined {
  if (Object.keys(status.aggregates).length === 0) return undefined;
  return { strategies: summarizeAggregates(status.aggregates), gains: gainsOfAggregates(status.aggregates) };
}

/** Where a run is and what it did: what `msor sweep` returns to its printers (and `msor demo`). */
export interface SweepOutcome {
  readonly store: ObjectStore;
  readonly plan: PlanResult;
  readonly status: RunStatus;
  /** the results root: a local folder or s3://bucket */
  readonly where: string;
  /** the published executions' cost tables (undefined while the run is not finished or wrote none) */
  readonly costs: { strategies: StrategySummary[]; gains: GainSummary[] } | undefined;
  /** what msor backtest says about each day it backtests, for the backtested symbol-days (finished runs) */
  readonly dayNotes: readonly string[];
  readonly noInput: readonly SweepTask[];
  readonly runDays: ReadonlySet<string>;
  /** the days of the spec's date range left out as no trading days of the symbols' calendar, with the reason */
  readonly skippedDates: readonly { readonly date: string; readonly reason: string }[];
}

async function outcomeOf(
  store: ObjectStore,
  plan: PlanResult,
  status: RunStatus,
  where: string,
): Promise<SweepOutcome> {
  const costs = status.finished ? costSummary(status) : undefined;
  const manifest = await readManifest(store, plan.runId);
  const quality = status.finished ? await listResultFiles(store, TASK_QUALITY.name, plan.runId) : [];
  const bt = manifest.backtest;
  const dayNotes = quality.length
    ? taskDayNotes(await readResultRows(store, quality), (s) => resolveInstrument(bt.instruments, s, bt.fees))
    : [];
  return {
    store,
    plan,
    status,
    where,
    costs,
    dayNotes,
    noInput: manifest.no_input,
    skippedDates: manifest.skipped_dates ?? [],
    runDays: new Set(manifest.dates),
  };
}

/**
 * The warnings `msor backtest` prints on its day lines, from a sweep's task_quality rows (issue 24.2: a sweep
 * must not be quieter than a backtest about the same day): a day on the documented DEFAULT parameters (no
 * earlier calibrated day; msor backtest makes it a warm-up instead), parameters that fell back to defaults,
 * a stretch without records, fewer than 10 book levels.
 */
export function taskDayNotes(
  rows: readonly Record<string, unknown>[],
  /** The symbol's instrument (its default ADV and unit); default the US equity. */
  instrumentOf: (symbol: string) => Instrument = () => EQUITY_US,
): string[] {
  const out: string[] = [];
  const sorted = [...rows].sort((a, b) => `${a.symbol}|${a.date}`.localeCompare(`${b.symbol}|${b.date}`));
  for (const q of sorted) {
    const day = `${String(q.symbol)} ${String(q.date)}`;
    const defaults = String(q.defaults_used ?? "")
      .split(",")
      .filter(Boolean);
    const parts: string[] = [];
    const inst = instrumentOf(String(q.symbol));
    const adv = inst === EQUITY_US ? DEFAULT_CALIBRATION.adv : inst.defaultAdv;
    if (q.calibration_source === "default")
      parts.push(
        `no earlier calibrated day: backtested on the documented DEFAULT parameters (README; ADV ${adv.toLocaleString("en-US")} ${inst.unit}), summarised apart as calibration = default (msor backtest makes such a day a warm-up; give the sweep earlier days with data to calibrate it)`,
      );
    else if (defaults.length > 0)
      parts.push(
        `defaults for: ${defaults.slice(0, 4).join(", ")}${defaults.length > 4 ? ", ..." : ""} (the earlier days could not calibrate them)`,
      );
    const gap = Number(q.max_gap_s);
    if (gap > MAX_GAP_WARN_S)
      parts.push(`WARNING: ${Math.round(gap).toLocaleString("en-US")} s without any record in the session`);
    const levels = Number(q.book_levels);
    if (levels > 0 && levels < 10)
      parts.push(
        `the data shows ${levels} book level(s) per side, not 10: walks and queues beyond it are unseen`,
      );
    if (parts.length > 0) out.push(`${day}: ${parts.join("; ")}`);
  }
  return out;
}

/** The JSON of `msor sweep --json`. */
export function sweepJson(r: SweepOutcome): Record<string, unknown> {
  return {
    ...r.plan,
    no_input: r.noInput.length,
    day_notes: r.dayNotes,
    progress: progressOf(r.status),
    status: r.status,
    ...(r.costs
      ? { strategies: strategyTableRows(r.costs.strategies), differences: gainTableRows(r.costs.gains) }
      : {}),
  };
}

/** The text report of `msor sweep`: accounting, failures, cost tables, and the paths that exist. */
export function printSweepReport(r: SweepOutcome, opts: { wide?: boolean } = {}): void {
  const { plan, status } = r;
  const p = progressOf(status);
  const c = p.compaction;
  process.stdout.write(
    `run ${plan.runId}: ${p.ok} ok, ${p.failed} failed, ${p.dead_lettered} dead-lettered of ${p.planned} tasks` +
      (c ? `; ${c.accounted - c.failed} of ${c.planned} compaction tasks ok` : "") +
      `${p.finished ? "" : " (not finished)"}\n`,
  );
  // (wave 3's compaction tasks too: a part that was not published is missing from the results)
  const failed = unsuccessfulTasks(status);
  // a lookback day before the data starts is expected; a run day without input is the user's problem
  const listed = (ts: readonly SweepTask[]) =>
    `${ts
      .slice(0, 5)
      .map((t) => `${t.symbol} ${t.date}`)
      .join(", ")}${ts.length > 5 ? ", ..." : ""}`;
  const earlier = r.noInput.filter((t) => !r.runDays.has(t.date));
  const missing = r.noInput.filter((t) => r.runDays.has(t.date));
  const onDefaults = r.dayNotes.some((n) => n.includes("DEFAULT parameters"));
  if (earlier.length > 0)
    process.stdout.write(
      `${wrapText(
        `  ${earlier.length} lookback symbol-day(s) before the run's dates have no input and were left out of calibration (${listed(earlier)}): ` +
          (onDefaults
            ? "so some run days had no earlier calibrated day at all (below)"
            : "expected where the data starts later"),
        TABLE_WIDTH,
        "    ",
      )}\n`,
    );
  const weekdaysSkipped = r.skippedDates.filter((d) => d.reason !== "Saturday" && d.reason !== "Sunday");
  if (weekdaysSkipped.length > 0)
    process.stdout.write(
      `${wrapText(
        `  left out of the date range as no trading days of the calendar: ${weekdaysSkipped.map((d) => `${d.date} (${d.reason})`).join(", ")}`,
        TABLE_WIDTH,
        "    ",
      )}\n`,
    );
  if (missing.length > 0)
    process.stdout.write(
      `  ${missing.length} symbol-day(s) of the run have no input (${listed(missing)}): their backtests fail; check input.root and input.key_template\n`,
    );
  for (const [id, t] of failed.slice(0, 10))
    process.stdout.write(`  ${t.outcome} ${id}: ${t.reason ?? ""}\n`);
  if (failed.length > 10)
    process.stdout.write(`  (and ${failed.length - 10} more; msor status ${plan.runId})\n`);
  for (const n of r.dayNotes.slice(0, 10))
    process.stdout.write(`${wrapText(`  ${n}`, TABLE_WIDTH, "    ")}\n`);
  if (r.dayNotes.length > 10)
    process.stdout.write(
      `  (and ${r.dayNotes.length - 10} more symbol-days with notes: msor report ${plan.runId})\n`,
    );
  if (r.costs) {
    process.stdout.write("\n");
    printCostTables(r.costs.strategies, r.costs.gains, opts);
    process.stdout.write(`\n${wrapText(COST_TABLE_LEGEND)}\n`);
  } else {
    const rows = strategyRows(status);
    if (rows.length > 0) {
      process.stdout.write(`\nper strategy so far (${STATUS_TABLE_LEGEND}):\n`);
      printTable(rows, STATUS_TABLE_COLUMNS, 2);
    }
  }
  if (status.outputs) {
    process.stdout.write("\n");
    if (r.costs)
      process.stdout.write(
        `results: ${r.where}/results/{executions,child_orders,fills,task_quality,venue_stats}/run_id=${plan.runId}/\n`,
      );
    else process.stdout.write("results: none were written (no backtest succeeded)\n");
    process.stdout.write(`summary: ${r.where}/${status.outputs.summary}\n`);
    if (status.outputs.report) process.stdout.write(`report:  ${r.where}/${status.outputs.report}\n`);
  }
}

/** A run with failed or dead-lettered tasks is not a success: the exit code says so (1). */
export function checkSweepSucceeded(r: SweepOutcome): void {
  const p = progressOf(r.status);
  const bad = p.failed + p.dead_lettered;
  const parts = p.compaction?.failed ?? 0;
  if (bad === 0 && parts > 0)
    throw new MsorError(
      `run ${r.plan.runId}: ${parts} of ${p.compaction!.planned} compaction tasks failed: their parts may be missing from the published results (reasons above; msor status ${r.plan.runId})`,
    );
  if (bad === 0) return;
  throw new MsorError(
    `run ${r.plan.runId}: ${bad} of ${p.planned} tasks ${p.ok === 0 ? "failed: nothing was backtested" : "failed"} (reasons above; msor status ${r.plan.runId})`,
  );
}

/** What Ctrl-C prints: the run keeps what it did, and how to go on. */
export function interruptMessage(
  o: Pick<SweepCliOptions, "spec" | "root" | "backend">,
  runId?: string,
): string {
  if (o.backend === "aws")
    return `msor: interrupted: stopped watching${runId ? ` run ${runId}` : ""}; the run goes on in AWS (msor status ${runId ?? "RUN"} --backend aws ... shows it)\n`;
  const rootArg = o.root === DEFAULT_ROOT ? "" : ` --root ${o.root}`;
  return (
    `msor: interrupted${runId ? `: run ${runId} keeps its finished tasks` : " while planning"}; ` +
    `run the same command again (msor sweep --spec ${o.spec}${rootArg}) to resume it\n`
  );
}

/** Plan and run (local) or launch and watch (aws) a sweep; `onPlanned` learns the run id. */
export async function runSweep(
  o: SweepCliOptions,
  onPlanned: (runId: string) => void = () => {},
): Promise<SweepOutcome> {
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
          progressDone(`note: worker threads start from the TypeScript sources (slower): ${pool.entry.why}`);
        return pool;
      },
      onPlanned: (p) => {
        onPlanned(p.runId);
        if (!quiet)
          progressDone(
            `planned run ${p.runId} (${p.state}): wave ${p.wave}, ${p.enqueued} tasks enqueued, ${workers} workers`,
          );
      },
      onProgress: show,
      // (always said, --json or not: on stderr) a killed earlier sweep of this run may hold the lock
      onLockHeld: (h) => {
        progressDone(
          `run ${h.runId}: the summary lock is held by ${h.owner}, whose lease ends in ${Math.ceil(h.leaseLeftMs / 1000)} s; ` +
            "another msor sweep of this run is finishing it, or was stopped while finishing (then this one takes over when the lease ends)",
        );
      },
    });
    if (!quiet) progressDone();
    const store = new LocalObjectStore(o.root);
    return outcomeOf(store, r.plan, r.status, o.root);
  }
  const names = awsNames(o);
  const target = awsSweepTarget(createAwsClients(awsConfigFromEnv()), names);
  const plan = await planSweep(
    { store: target.store, taskQueue: target.taskQueue(), inputStore: target.inputStore },
    sweep,
  );
  onPlanned(plan.runId);
  if (!quiet)
    progressDone(
      `launched run ${plan.runId} (${plan.state}): wave ${plan.wave}, ${plan.enqueued} tasks enqueued` +
        (plan.recentlySent
          ? ` (${plan.recentlySent} more not re-sent: sent less than the task queue's visibility timeout ago)`
          : ""),
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
  return outcomeOf(target.store, plan, status, `s3://${names.resultsBucket}`);
}

export function registerSweep(program: Command): void {
  program
    .command("sweep")
    .description(
      "run a sweep (symbols x trading days of their instrument's calendar, docs/sweep-spec.md) on the local backend or on AWS",
    )
    .requiredOption("--spec <file>", "sweep spec (YAML or JSON)")
    .option("--backend <name>", "local (worker_threads over a folder) or aws (S3 + SQS + Lambda)", "local")
    .option("--workers <n>", "local worker threads (default: one per core)")
    .addOption(rootOption("local results folder, laid out like the S3 keys"))
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
    .option("--wide", "print every column of the cost tables (default: fit 120 columns)")
    .option("--json", "print machine-readable JSON (no progress line)")
    .action(async (o: SweepCliOptions) => {
      let runId: string | undefined;
      // Ctrl-C: the run keeps what it did (markers, staged results); say so, and how to resume
      const onInterrupt = () => {
        progressDone();
        process.stderr.write(interruptMessage(o, runId));
        process.exit(130);
      };
      process.once("SIGINT", onInterrupt);
      try {
        const r = await runSweep(o, (id) => {
          runId = id;
        });
        if (o.json) printJson(sweepJson(r));
        else printSweepReport(r, { wide: o.wide === true });
        checkSweepSucceeded(r);
      } finally {
        process.off("SIGINT", onInterrupt);
      }
    });
}
