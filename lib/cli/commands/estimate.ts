/**
 * `msor estimate --symbols N --days D [--concurrency C] [--lookback L] [--cached] [--bench FILE] [--json]`:
 * wall time and cost of a sweep on the deployed stack, phase by phase (lib/aws/estimate.ts), from the bench's
 * measured per-task figures (bench/results.json of this checkout, or --bench FILE) and AWS's published limits
 * and prices. Each phase says the Lambda limit it runs under and whether it fits.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { type BenchInputs, estimateSweep } from "../../aws/estimate.ts";
import { errorMessage, InputError } from "../../core/errors.ts";
import { parseNumberOption, printJson, printTable, TABLE_WIDTH, wrapText } from "../output.ts";

/** bench/results.json of this checkout (lib/cli/commands -> ../../..). */
export const DEFAULT_BENCH = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "..",
  "bench",
  "results.json",
);

/** The measured inputs of the model from a bench/results.json. */
export function benchInputs(path: string): BenchInputs {
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  } catch (e) {
    throw new InputError(
      `cannot read bench results ${path}: ${errorMessage(e)}; run npm run bench or pass --bench FILE`,
    );
  }
  const scale = (j.scale ?? {}) as Record<string, unknown>;
  const rows = (j.rows ?? {}) as Record<string, unknown>;
  const out = {
    calibrate_s_per_task: scale.calibrate_s_per_task,
    backtest_s_per_task: scale.backtest_s_per_task,
    s3_gets_per_task: scale.s3_gets_per_task,
    s3_gets_per_calibrate_task: scale.s3_gets_per_calibrate_task,
    plan_ms_per_1k_tasks: j.plan_ms_per_1k_tasks,
    compact_ms_per_file: j.compact_ms_per_file,
    rows_per_day: rows["2m"],
  };
  for (const [k, v] of Object.entries(out)) {
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0)
      throw new InputError(
        `bench results ${path} lack a measured ${k}; run npm run bench (it writes every key)` +
          (k === "compact_ms_per_file"
            ? " or node --import tsx bench/finish.ts alone (it prints the compaction part's ms per file)"
            : ""),
      );
  }
  return out as unknown as BenchInputs;
}

const fmtS = (s: number) => (s >= 90 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(1)} s`);

interface EstimateCliOptions {
  symbols: string;
  days: string;
  concurrency: string;
  lookback: string;
  cached?: boolean;
  bench: string;
  json?: boolean;
}

export function registerEstimate(program: Command): void {
  program
    .command("estimate")
    .description(
      "wall time and cost of a sweep on AWS, phase by phase, from the bench's measured per-task figures and AWS's published limits and prices",
    )
    .requiredOption("--symbols <n>", "symbols in the sweep")
    .requiredOption("--days <n>", "trading days in the sweep")
    .option(
      "--concurrency <n>",
      "concurrent workers (the stack's workerMaxConcurrency; AWS's default account limit is 1000)",
      "1000",
    )
    .option("--lookback <n>", "calibration lookback days (spec calibration.lookback_days)", "5")
    .option("--cached", "calibration records exist from an earlier run (no wave 1)")
    .option("--bench <file>", "bench results to read the measured figures from", DEFAULT_BENCH)
    .option("--json", "print machine-readable JSON")
    .action((o: EstimateCliOptions) => {
      const input = {
        symbols: parseNumberOption("--symbols", o.symbols, { min: 1, integer: true }),
        days: parseNumberOption("--days", o.days, { min: 1, integer: true }),
        concurrency: parseNumberOption("--concurrency", o.concurrency, { min: 1, integer: true }),
        lookbackDays: parseNumberOption("--lookback", o.lookback, { min: 0, integer: true }),
        calibrate: o.cached !== true,
      };
      const bench = benchInputs(o.bench);
      const e = estimateSweep(input, bench);
      if (o.json) {
        printJson({ input, bench, ...e });
        return;
      }
      process.stdout.write(
        `${input.symbols} symbols x ${input.days} days: ${e.tasks.calibrate} calibrate + ${e.tasks.backtest} backtest + ${e.tasks.compact} compaction tasks, up to ${Math.min(input.concurrency, 1000)} workers\n`,
      );
      printTable(
        e.phases.map((p) => ({
          phase: p.phase,
          wall: p.wall_s > 0 ? fmtS(p.wall_s) : "-",
          usd: p.usd.toFixed(2),
          limit: p.limit_s === null ? "-" : `${p.limit_s} s`,
          fits: p.fits ? "yes" : "NO",
        })),
        ["phase", "wall", "usd", "limit", "fits"],
      );
      // how each phase is reckoned, below the table (the table stays within the terminal width)
      for (const p of e.phases)
        process.stdout.write(`${wrapText(`${p.phase}: ${p.note}`, TABLE_WIDTH, "  ")}\n`);
      process.stdout.write(`total: ${fmtS(e.wall_s)}, $${e.usd.toFixed(2)}\n`);
      const measured =
        `measured (${o.bench}): calibrate ${bench.calibrate_s_per_task} s and backtest ${bench.backtest_s_per_task} s per task, ` +
        `${bench.s3_gets_per_calibrate_task} / ${bench.s3_gets_per_task} S3 GETs per task, planning ${bench.plan_ms_per_1k_tasks} ms per 1,000 tasks, ` +
        `compaction ${bench.compact_ms_per_file} ms per staged file`;
      process.stdout.write(`${wrapText(measured, TABLE_WIDTH, "  ")}\n`);
      for (const a of e.assumptions)
        process.stdout.write(`${wrapText(`assumption: ${a}`, TABLE_WIDTH, "  ")}\n`);
      const unfit = e.phases.filter((p) => !p.fits);
      if (unfit.length > 0) process.stdout.write(`does not fit: ${unfit.map((p) => p.phase).join(", ")}\n`);
    });
}
