/** `msor backtest FILE... [--root DIR] [--spec SPEC] [--json]`: local multi-day backtest, per-strategy table. */
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { errorMessage, InputError } from "../../core/errors.ts";
import { checkRunId } from "../../core/ids.ts";
import { runLocalBacktest } from "../../pipeline/localBacktest.ts";
import { RISK_TABLE_COLUMNS, riskControlsOn, riskTable } from "../../report/riskSummary.ts";
import { DEFAULT_SPEC, parseTaskSpec, type TaskSpec } from "../../specs/taskSpec.ts";
import { COST_TABLE_LEGEND, gainTableRows, printCostTables, strategyTableRows } from "../costTables.ts";
import { printJson, printTable, progress, progressDone, rootOption, wrapText } from "../output.ts";
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

/** A day line warns when the data has a stretch longer than this without any record in the session. */
export const MAX_GAP_WARN_S = 60;

export function registerBacktest(program: Command): void {
  program
    .command("backtest")
    .description(
      "backtest every strategy of the spec on MBP-10 file(s) or MBO file(s); several days of a symbol use the calibrations of earlier days",
    )
    .argument(
      "<files...>",
      "MBP-10 Parquet files (any number of symbol-days; several venue files of one day are merged), or MBO Parquet files (one per symbol-day: replayed as its derived MBP-10; sim.queue_model l3_fifo follows the real FIFO queues)",
    )
    .addOption(rootOption("results folder (results/, calibration/ laid out like the S3 keys)"))
    .option("--out <dir>", "the same as --root (the name of earlier versions)")
    .option(
      "--spec <file>",
      "backtest spec, JSON or .yaml/.yml (default: every strategy, buy 1% ADV at 10:00/11:30/14:00 NY, 30 min)",
    )
    .option("--run-id <id>", "run id used in the result keys", "local")
    .option("--symbol <symbol>", "symbol, when the files have no symbol column")
    .option(
      "--include-uncalibrated",
      "also backtest days with no earlier calibrated day (default parameters, summarised apart); without it they are calibrated only (warm-up)",
    )
    .option(
      "--impact <models>",
      "own-impact overlay priced into the fills, overriding the spec's sim.impact: none (pure replay, a lower bound), linear (default), sqrt; a comma list is a grid (labels .../impact=NAME)",
    )
    .option(
      "--instrument <name>",
      "instrument of every file's symbol, overriding the spec's: equity-us (default: NYSE, tick 0.01, x1) or ES (CME Globex 18:00 on D-1 to 17:00, tick 0.25, x50)",
    )
    .option("--wide", "print every column of the cost tables (default: fit 120 columns)")
    .option("--json", "print machine-readable JSON")
    .action(
      async (
        files: string[],
        opts: {
          root: string;
          out?: string;
          wide?: boolean;
          spec?: string;
          runId: string;
          symbol?: string;
          json?: boolean;
          includeUncalibrated?: boolean;
          impact?: string;
          instrument?: string;
        },
      ) => {
        checkRunId(opts.runId, "run id");
        const outDir = opts.out ?? opts.root;
        const loaded = await loadSpec(opts.spec);
        const withImpact =
          opts.impact === undefined
            ? loaded
            : parseTaskSpec(
                { ...loaded, sim: { ...loaded.sim, impact: opts.impact.split(",").map((m) => m.trim()) } },
                "--impact",
              );
        const spec =
          opts.instrument === undefined
            ? withImpact
            : parseTaskSpec(
                { ...withImpact, instruments: [{ match: "*", preset: opts.instrument }] },
                "--instrument",
              );
        let dayLabel = "";
        const summary = await runLocalBacktest({
          paths: files,
          spec,
          outDir,
          runId: opts.runId,
          ...(opts.symbol ? { symbol: opts.symbol } : {}),
          includeUncalibrated: opts.includeUncalibrated === true,
          onDay: (d, i, n) => {
            dayLabel = `${d.symbol} ${d.date} (${i + 1}/${n})`;
          },
          onProgress: (rows, total) => progress(`backtest ${dayLabel}: ${Math.round((100 * rows) / total)}%`),
        });
        progressDone();
        const strategies = strategyTableRows(summary.strategies);
        const gains = gainTableRows(summary.gains);
        const backtested = summary.days.filter((d) => !d.warm_up).length;
        // every day a warm-up: nothing was backtested and no result file exists; say so, exit 2 (issue 24.3)
        const nothing = () => {
          if (backtested > 0) return;
          throw new InputError(
            `nothing was backtested: ${summary.days.length === 1 ? "the day is a warm-up" : `all ${summary.days.length} days are warm-ups`} ` +
              `(no earlier calibrated day; its calibration is saved in ${outDir}/calibration/). Give an earlier day's file too, ` +
              "or --include-uncalibrated to backtest it on the documented default parameters",
          );
        };
        if (opts.json) {
          printJson({
            run_id: summary.runId,
            out: summary.outDir,
            impact: spec.sim.impact,
            days: summary.days,
            strategies,
            differences: gains,
          });
          nothing();
          return;
        }
        for (const d of summary.days) {
          if (d.not_trading_day !== undefined)
            process.stdout.write(
              `WARNING: ${d.symbol} ${d.date} is not a trading day of the ${d.instrument} calendar (${d.not_trading_day}); check the file's date\n`,
            );
          if (d.instrument !== "equity-us")
            process.stdout.write(`${d.symbol} ${d.date}: instrument ${d.instrument}, session ${d.session}\n`);
          if (d.warm_up) {
            process.stdout.write(
              `${d.symbol} ${d.date}: warm-up (no earlier calibrated day${d.stale_dates.length ? `; ignored as older than calibration.max_age_days: ${d.stale_dates.join(", ")}` : ""}): calibrated for the later days, not backtested; day volume ${Math.round(d.adv).toLocaleString()} ${d.unit} (--include-uncalibrated backtests it on default parameters)\n`,
            );
            continue;
          }
          const defaults = d.defaults_used.length
            ? ` (defaults for: ${d.defaults_used.slice(0, 4).join(", ")}${d.defaults_used.length > 4 ? ", ..." : ""})`
            : "";
          const stale = d.stale_dates.length
            ? `; ignored as older than calibration.max_age_days: ${d.stale_dates.join(", ")}`
            : "";
          const cal =
            d.calibration_dates.length > 0
              ? `calibrated on ${d.calibration_dates.join(", ")}${defaults}`
              : "no earlier day: model parameters are the documented DEFAULTS (README)";
          const calText = `${cal}${stale}`;
          const sizes = d.parent_sizes.map((q) => q.toLocaleString()).join(" / ");
          const gap =
            d.max_gap_s > MAX_GAP_WARN_S
              ? `; WARNING: ${Math.round(d.max_gap_s).toLocaleString()} s without any record in the session`
              : "";
          process.stdout.write(
            `${d.symbol} ${d.date}: ${d.rows.toLocaleString()} records, ${calText}; ADV ${Math.round(d.adv).toLocaleString()} ${d.unit} (${d.adv_source}), parent orders of ${sizes} ${d.unit}${gap}\n`,
          );
          if (d.queue_model !== undefined) {
            process.stdout.write(`  QUEUE ${d.queue_model} (${d.queue_reason})\n`);
          }
          for (const p of d.parameter_sets) {
            process.stdout.write(
              `  OVERRIDE ${p.name}: ${p.overridden.join(", ")} fixed/scaled (calibration_source = override; strategies labelled .../${p.name}; ADV ${Math.round(p.adv).toLocaleString()})\n`,
            );
          }
        }
        nothing();
        process.stdout.write("\n");
        printCostTables(summary.strategies, summary.gains, { wide: opts.wide === true });
        const risk = riskTable(summary.executions);
        if (riskControlsOn(spec) || risk.some((r) => Number(r.halted_s) > 0)) {
          process.stdout.write(
            "\nrisk controls (per strategy, over its parents): limit_hit = parents whose price limit bound (on the impacted price; unfilled shares are costed as opportunity cost); notional_capped = parents cut by max_notional_usd; spread_guard_skips = decisions held by max_spread_bps; capped_shares = the largest hold-back by max_child_shares / max_participation at one decision, summed over parents (carried); halt_skips = decisions skipped in halts; halted_s = seconds of the windows the market was halted\n",
          );
          printTable(risk, RISK_TABLE_COLUMNS, 1);
        }
        const levels = Math.min(...summary.days.filter((d) => !d.warm_up).map((d) => d.book_levels));
        const levelNote =
          levels < 10
            ? `\nnote: the data shows ${levels} book level(s) per side, not 10: walks and queues beyond it are unseen`
            : "";
        const impactNote =
          spec.sim.impact.length > 1
            ? `impact models: ${spec.sim.impact.join(", ")} (a grid: strategies labelled .../impact=NAME)`
            : spec.sim.impact[0] === "none"
              ? "impact model: none (pure replay: our orders do not move the price; a lower bound on cost)"
              : `impact model: ${spec.sim.impact[0]} (own-impact overlay of docs/models.md 6.6 on every fill, prior-day lambda and half-life)`;
        process.stdout.write(
          `\n${impactNote}\n${wrapText(COST_TABLE_LEGEND)}${levelNote}\nresults: ${summary.outDir}/results/*/run_id=${summary.runId}/\n`,
        );
      },
    );
}
