/**
 * Every `msor` sub-command, in the order `msor --help` lists them, with the one-line summary that list shows
 * and a loader. Only the command being run is imported (its module pulls in DuckDB, the AWS SDK, Parquet...):
 * `msor --help` loads none of them. test/cli/main.test.ts checks each summary against its command's own.
 */
import type { Command } from "commander";

export type RegisterCommand = (program: Command) => void;

export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  readonly load: () => Promise<RegisterCommand>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: "generate",
    summary:
      "write a seeded synthetic trading day: MBP-10 (all venues in one file; an equity day or, with --instrument ES, " +
      "a Globex day) with a planted impact (lambda, half-life) in its metadata, --out DIR writes " +
      "DIR/mbp10/SYNTH/{symbol}/{date}.parquet; or MBO order by order with --mbo",
    load: async () => (await import("./generate.ts")).registerGenerate,
  },
  {
    name: "import",
    summary:
      "convert order-book data (LOBSTER, Databento DBN or CSV) to MBP-10 Parquet (Databento MBO to MBO Parquet)",
    load: async () => (await import("./import.ts")).registerImport,
  },
  {
    name: "inspect",
    summary:
      "schema summary, rows, time span, trading day and session coverage, venues and data-quality counters of MBP-10 or MBO Parquet file(s)",
    load: async () => (await import("./inspect.ts")).registerInspect,
  },
  {
    name: "calibrate",
    summary:
      "calibrate volume profile, volatility, spread, queue outflow, adverse selection, impact and OFI per symbol-day",
    load: async () => (await import("./calibrate.ts")).registerCalibrate,
  },
  {
    name: "route",
    summary: "Cont-Kukanov split of one child order into a market order and limit orders per venue",
    load: async () => (await import("./route.ts")).registerRoute,
  },
  {
    name: "backtest",
    summary:
      "backtest every strategy of the spec on MBP-10 file(s) or MBO file(s); several days of a symbol use the calibrations of earlier days",
    load: async () => (await import("./backtest.ts")).registerBacktest,
  },
  {
    name: "queue-check",
    summary:
      "score the L2 queue models (risk_averse, prob(n), log_prob) against the exact FIFO queue of MBO data",
    load: async () => (await import("./queueCheck.ts")).registerQueueCheck,
  },
  {
    name: "report",
    summary:
      "render a run's report (self-contained HTML: charts and tables of the results) to runs/{RUN}/report.html",
    load: async () => (await import("./report.ts")).registerReport,
  },
  {
    name: "spec",
    summary: "backtest spec tools",
    load: async () => (await import("./spec.ts")).registerSpec,
  },
  {
    name: "sweep",
    summary:
      "run a sweep (symbols x trading days of their instrument's calendar, docs/sweep-spec.md) on the local backend or on AWS",
    load: async () => (await import("./sweep.ts")).registerSweep,
  },
  {
    name: "estimate",
    summary:
      "wall time and cost of a sweep on AWS, phase by phase, from the bench's measured per-task figures and AWS's published limits and prices",
    load: async () => (await import("./estimate.ts")).registerEstimate,
  },
  {
    name: "status",
    summary:
      "show a sweep's progress: ok / failed / dead-lettered / remaining tasks, reasons, per-strategy costs",
    load: async () => (await import("./status.ts")).registerStatus,
  },
  {
    name: "runs",
    summary: "list the sweeps under a results root: state, task counts, report (msor status RUN for one)",
    load: async () => (await import("./runs.ts")).registerRuns,
  },
  {
    name: "query",
    summary:
      "SQL over local results (DuckDB; views executions, child_orders, fills, task_quality, venue_stats, calibration, summary, queue_check); ? binds to --run-id",
    load: async () => (await import("./query.ts")).registerQuery,
  },
  {
    name: "demo",
    summary: "generate 3 symbols x 6 days and sweep the last 5 on the local backend (no AWS needed)",
    load: async () => (await import("./demo.ts")).registerDemo,
  },
];

/** The sub-command `argv` (after node and the script) runs: its first word; `help X` asks for X. */
export function commandOf(args: readonly string[]): string | undefined {
  const words = args.filter((a) => !a.startsWith("-"));
  return words[0] === "help" ? words[1] : words[0];
}
