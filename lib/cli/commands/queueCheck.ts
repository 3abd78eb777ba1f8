/**
 * `msor queue-check FILE...`: score the L2 queue models (risk_averse, prob(n), log_prob) against the exact FIFO
 * queue of MBO files (Databento DBN or MBO Parquet; one symbol-day each): N seeded 1-lot orders at the best,
 * fill within tau (docs/models.md 6.7). Prints the per-model table (or JSON); --out ROOT also writes each
 * symbol-day's queue_check rows (its best-fitting model and power among them) under
 * ROOT/results/queue_check/ (DuckDB: `msor query`; Athena: the Glue table of the same name).
 */
import type { Command } from "commander";
import { recordsTradingDate } from "../../core/calendars.ts";
import { InputError } from "../../core/errors.ts";
import { checkDate, checkSymbol } from "../../core/ids.ts";
import { instrumentPreset } from "../../core/instrument.ts";
import { mboSource } from "../../importers/mbo/source.ts";
import { LocalObjectStore } from "../../ports/localObjectStore.ts";
import { type QueueCheckResult, queueCheck } from "../../sim/queueCheck.ts";
import { parseBetween } from "../../specs/queueCheckSpec.ts";
import { queueCheckRows, writeQueueCheck } from "../../store/queueCheck.ts";
import { formatTable, parseNumberOption, printJson, wrapText } from "../output.ts";

interface QueueCheckCliOptions {
  orders: string;
  tau: string;
  seed: string;
  between?: string;
  tz?: string;
  instrument?: string;
  symbol?: string;
  date?: string;
  out?: string;
  runId: string;
  json?: boolean;
}

// the window parser lives with the sweep spec's queue_check (lib/specs/queueCheckSpec.ts); re-exported here
export { parseBetween };

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The human table: the exact reference, risk_averse, prob(1..3), log_prob and the best-fitting power. */
export function formatQueueCheck(r: QueueCheckResult, symbol: string, unit = "shares"): string {
  const shown = ["l3_fifo", "risk_averse", "prob(1)", "prob(2)", "prob(3)", "log_prob"];
  const best = `prob(${r.bestPower})`;
  if (!shown.includes(best)) shown.push(best);
  const rows = shown
    .map((name) => r.scores.find((s) => s.model === name))
    .filter((s) => s !== undefined)
    .map((s) => ({
      model: s.model + (s.model === best ? " *" : ""),
      fill_rate: pct(s.fillRate),
      accuracy: pct(s.accuracy),
      signed_err_s: s.meanSignedErrorS.toFixed(2),
      "err/tau": pct(s.meanSignedErrorS / r.tauS),
      abs_err_s: s.meanAbsErrorS.toFixed(2),
      brier: s.brier.toFixed(4),
    }));
  return [
    `queue check ${symbol}: ${r.placed} of ${r.requested} orders placed at the best, tau ${r.tauS} s, ` +
      `mean queue ahead ${r.meanQueueAhead.toFixed(1)} ${unit}, exact fill rate ${pct(r.exactFillRate)}`,
    formatTable(rows, ["model", "fill_rate", "accuracy", "signed_err_s", "err/tau", "abs_err_s", "brier"]),
    `best-fitting power: ${r.bestPower} (* ; smallest |mean signed error| over n = ` +
      `${r.scores
        .filter((s) => !Number.isNaN(s.power))
        .map((s) => s.power)
        .join(", ")}); best-fitting model: ${r.bestModel}; signed error > 0: the model fills late`,
    ...edgeNote(r),
  ].join("\n");
}

/** A best power at either end of the grid is weakly identified: the error may keep falling beyond it. */
function edgeNote(r: QueueCheckResult): string[] {
  const powers = r.scores.map((s) => s.power).filter((n) => !Number.isNaN(n));
  if (powers.length === 0) return [];
  const lo = Math.min(...powers);
  const hi = Math.max(...powers);
  if (r.bestPower !== lo && r.bestPower !== hi) return [];
  return [
    wrapText(
      `note: the best power ${r.bestPower} is the ${r.bestPower === hi ? "largest" : "smallest"} of the grid (${lo} .. ${hi}): ` +
        "weakly identified, the error may keep falling beyond it; read it as a direction, not a value",
    ),
  ];
}

export function registerQueueCheck(program: Command): void {
  program
    .command("queue-check")
    .description(
      "score the L2 queue models (risk_averse, prob(n), log_prob) against the exact FIFO queue of MBO data",
    )
    .argument(
      "<files...>",
      "MBO files (one symbol-day each): Databento DBN (.dbn, .dbn.zst) or MBO Parquet from `msor import dbn`",
    )
    .option("--orders <n>", "hypothetical 1-lot orders at the best (alternately buy and sell)", "200")
    .option("--tau <seconds>", "horizon: an order not filled within tau counts tau", "60")
    .option("--seed <n>", "seed of the order times", "1")
    .option("--between <HH:MM-HH:MM>", "place the orders inside this daily window (time zone --tz)")
    .option(
      "--tz <zone>",
      "time zone of --between (default: the instrument's, America/New_York for both presets)",
    )
    .option(
      "--instrument <name>",
      "equity-us (default) or ES: the calendar that dates the result (a Globex file by its last record) and --tz",
    )
    .option("--symbol <symbol>", "symbol to select / label; default: the file's")
    .option(
      "--date <YYYY-MM-DD>",
      "date of the result partition (one file only; a trading day of the instrument); default: the file's trading day",
    )
    .option("--out <dir>", "results root: write results/queue_check/run_id=R/date=D/SYMBOL.parquet there")
    .option("--run-id <id>", "run id of the result partition", "queue-check")
    .option("--json", "print the scores as JSON")
    .action(async (files: string[], o: QueueCheckCliOptions) => {
      const orders = parseNumberOption("--orders", o.orders, { integer: true, min: 1 });
      const tauS = parseNumberOption("--tau", o.tau, { min: 0.001 });
      const seed = parseNumberOption("--seed", o.seed, { integer: true, min: 0 });
      const instrument = instrumentPreset(o.instrument ?? "equity-us");
      const { calendar } = instrument;
      const accept = o.between === undefined ? undefined : parseBetween(o.between, o.tz ?? calendar.timeZone);
      // refused before any work: the partition's symbol and date
      if (o.symbol !== undefined && o.out !== undefined) checkSymbol(o.symbol);
      if (o.date !== undefined) {
        checkDate(o.date);
        const reason = calendar.nonTradingReason(o.date);
        if (reason !== undefined)
          throw new InputError(
            `--date ${o.date} is no trading day of ${calendar.name} (${reason}); give a trading day`,
          );
      }
      if (o.date !== undefined && files.length > 1) {
        throw new InputError(
          `--date labels one file's result, but ${files.length} files were given; drop --date (each file's ` +
            "date is its trading day on the instrument's calendar)",
        );
      }
      const out: unknown[] = [];
      for (const file of files) {
        const src = await mboSource(file, o.symbol);
        const symbol = src.symbol || "MBO";
        if (o.out !== undefined) checkSymbol(symbol); // the partition's key part, before the work
        const r = await queueCheck(() => src.open(), { orders, tauS, seed, ...(accept ? { accept } : {}) });
        let key: string | undefined;
        if (o.out !== undefined) {
          const date = o.date ?? recordsTradingDate(calendar, r.spanNs.first, r.spanNs.last);
          const rows = queueCheckRows(r, symbol, seed);
          key = await writeQueueCheck(new LocalObjectStore(o.out), o.runId, date, symbol, rows);
        }
        if (o.json) out.push({ file, symbol, ...r, written: key ?? null });
        else {
          process.stdout.write(
            `${out.length > 0 || files.length > 1 ? `\n${file}\n` : ""}${formatQueueCheck(r, symbol, instrument.unit)}\n`,
          );
          if (key) process.stdout.write(`written: ${o.out}/${key}\n`);
          out.push(file);
        }
      }
      if (o.json) printJson(files.length === 1 ? out[0] : out);
    });
}
