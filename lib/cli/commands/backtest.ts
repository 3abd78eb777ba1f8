/** `msor backtest FILE... --out DIR [--spec SPEC] [--json]`: local multi-day backtest, per-strategy table. */
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { errorMessage, InputError } from "../../core/errors.ts";
import { validateRunId } from "../../core/ids.ts";
import { runLocalBacktest } from "../../sweep/localBacktest.ts";
import { DEFAULT_SPEC, parseTaskSpec, type TaskSpec } from "../../sweep/spec.ts";
import { printJson, printTable, progress, progressDone } from "../output.ts";
import { parseYaml } from "./spec.ts";

export async function loadSpec(path: string | undefined): Promise<TaskSpec> {
  if (!path) return DEFAULT_SPEC;
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new InputError(`cannot read spec ${path}: ${errorMessage(e)}`);
  }
  let json: unknown;
  if (/\.ya?ml$/i.test(path)) {
    json = parseYaml(text, `spec ${path}`);
  } else {
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new InputError(`spec ${path} is not valid JSON: ${errorMessage(e)}`);
    }
  }
  return parseTaskSpec(json, `spec ${path}`);
}

export const STRATEGY_TABLE_COLUMNS = [
  "strategy",
  "orders",
  "fill_rate",
  "is_bps",
  "total_cost_bps",
  "stdev_bps",
  "vs_twap_bps",
  "vs_twap_ci95",
  "win_rate",
  "passive_share",
  "look_ahead",
];

export function registerBacktest(program: Command): void {
  program
    .command("backtest")
    .description(
      "backtest every strategy of the spec on MBP-10 file(s); several days of a symbol use the calibrations of earlier days",
    )
    .argument(
      "<files...>",
      "MBP-10 Parquet files (any number of symbol-days; several venue files of one day are merged)",
    )
    .requiredOption("--out <dir>", "output folder (results/, calibration/ laid out like the S3 keys)")
    .option(
      "--spec <file>",
      "backtest spec, JSON or .yaml/.yml (default: every strategy, buy 1% ADV at 10:00/11:30/14:00 NY, 30 min)",
    )
    .option("--run-id <id>", "run id used in the result keys", "local")
    .option("--symbol <symbol>", "symbol, when the files have no symbol column")
    .option("--json", "print machine-readable JSON")
    .action(
      async (
        files: string[],
        opts: { out: string; spec?: string; runId: string; symbol?: string; json?: boolean },
      ) => {
        validateRunId(opts.runId);
        const spec = await loadSpec(opts.spec);
        let dayLabel = "";
        const summary = await runLocalBacktest({
          paths: files,
          spec,
          outDir: opts.out,
          runId: opts.runId,
          ...(opts.symbol ? { symbol: opts.symbol } : {}),
          onDay: (d, i, n) => {
            dayLabel = `${d.symbol} ${d.date} (${i + 1}/${n})`;
          },
          onProgress: (rows, total) => progress(`backtest ${dayLabel}: ${Math.round((100 * rows) / total)}%`),
        });
        progressDone();
        const strategies = summary.strategies.map((s) => ({
          ...s,
          vs_twap_ci95: Number.isNaN(s.vs_twap_ci_low)
            ? undefined
            : `[${s.vs_twap_ci_low.toFixed(2)}, ${s.vs_twap_ci_high.toFixed(2)}]`,
        }));
        if (opts.json) {
          printJson({ run_id: summary.runId, out: summary.outDir, days: summary.days, strategies });
          return;
        }
        for (const d of summary.days) {
          const defaults = d.defaults_used.length
            ? ` (defaults for: ${d.defaults_used.slice(0, 4).join(", ")}${d.defaults_used.length > 4 ? ", ..." : ""})`
            : "";
          const cal =
            d.calibration_dates.length > 0
              ? `calibrated on ${d.calibration_dates.join(", ")}${defaults}`
              : "no earlier day: model parameters are the documented DEFAULTS (README)";
          const sizes = d.parent_sizes.map((q) => q.toLocaleString()).join(" / ");
          process.stdout.write(
            `${d.symbol} ${d.date}: ${d.rows.toLocaleString()} records, ${cal}; ADV ${Math.round(d.adv).toLocaleString()} shares, parent orders of ${sizes} shares\n`,
          );
          for (const p of d.parameter_sets) {
            process.stdout.write(
              `  OVERRIDE ${p.name}: ${p.overridden.join(", ")} fixed/scaled (calibration_source = override; strategies labelled .../${p.name}; ADV ${Math.round(p.adv).toLocaleString()})\n`,
            );
          }
        }
        process.stdout.write("\n");
        printTable(strategies, STRATEGY_TABLE_COLUMNS, 2);
        process.stdout.write(
          `\ncosts in bps of the arrival mid (positive = cost); vs_twap = paired mean difference to twap/market (negative = cheaper)\nresults: ${summary.outDir}/results/*/run_id=${summary.runId}/\n`,
        );
      },
    );
}
