/**
 * `msor demo` (and `npm run demo`): the sweep end to end on the local backend, no AWS.
 * 1. generates 3 synthetic symbols x 6 consecutive NYSE trading days (seeded, two venues, planted impact);
 * 2. writes a sweep spec over the LAST 5 days (the first day is the warm-up: wave 1 calibrates it, so every
 *    swept day has an earlier day's calibration) and runs `msor sweep` with one worker thread per core;
 * 3. prints the per-strategy table, where the files are, one `msor query` and the report's path.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import { nextTradingDay } from "../../core/calendar.ts";
import { inputKey, SYNTH_VENUE_FOLDER } from "../../store/keys.ts";
import { queryResults } from "../../sweep/query.ts";
import { writeSyntheticDay } from "../../synth/index.ts";
import { parseNumberOption, printTable } from "../output.ts";

const SYMBOLS = ["SYNA", "SYNB", "SYNC"];
/**
 * Planted impact half-lives per symbol (seconds): where OW's schedule differs from TWAP's (beta T near 1-4 for
 * a 30-minute parent); a half-life of an hour or more makes OW two blocks and the comparison uninformative.
 */
const DEMO_HALF_LIVES_S = [300, 900, 300] as const;
/** Parent sizes, % of ADV: cost against order size needs several sizes. */
const DEMO_PCT_ADV = [0.5, 1, 2, 5] as const;
const FIRST_DAY = "2024-03-04";
export const DEMO_QUERY =
  "SELECT strategy, calibration_source, count(*) AS orders, round(avg(total_cost_bps), 2) AS cost_bps FROM executions WHERE status = 'ok' GROUP BY ALL ORDER BY cost_bps";

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("generate 3 symbols x 6 days and sweep the last 5 on the local backend (no AWS needed)")
    .option("--out <dir>", "folder for the input and the results", "demo-out")
    .option("--events <n>", "events per venue-day", "60000")
    .option("--workers <n>", "worker threads (default: one per core)")
    .action(async (o: { out: string; events: string; workers?: string }) => {
      const events = parseNumberOption("--events", o.events, { min: 1000, integer: true });
      const days: string[] = [FIRST_DAY];
      while (days.length < 6) days.push(nextTradingDay(days[days.length - 1]!));
      const input = join(o.out, "input");
      process.stdout.write(
        `myopic-sor demo: ${SYMBOLS.length} symbols x ${days.length} days x 2 venues, ${events.toLocaleString("en-US")} events per venue-day\n`,
      );
      for (const [i, symbol] of SYMBOLS.entries()) {
        for (const date of days) {
          const path = join(input, ...inputKey(SYNTH_VENUE_FOLDER, symbol, date).split("/"));
          if (existsSync(path)) continue;
          await writeSyntheticDay(path, {
            symbol,
            date,
            venues: 2,
            eventsPerVenue: events,
            seed: 7 + i,
            plantedHalfLifeS: DEMO_HALF_LIVES_S[i % DEMO_HALF_LIVES_S.length],
          });
        }
      }
      process.stdout.write(`  input: ${input}/mbp10/SYNTH/{symbol}/{date}.parquet\n`);
      const spec = [
        "# written by msor demo: the last 5 days; the first day is the warm-up calibrated in wave 1",
        "run_id: demo",
        `symbols: [${SYMBOLS.join(", ")}]`,
        `dates: { from: ${days[1]}, to: ${days[5]} }`,
        `input: { root: ${input}, key_template: "mbp10/SYNTH/{symbol}/{date}.parquet" }`,
        "calibration: { lookback_days: 5 }",
        "backtest:",
        "  seed: 1",
        "  orders:",
        ...DEMO_PCT_ADV.map(
          (pct) => `    - { side: buy, pct_adv: ${pct}, start_times: ["10:00", "13:30"], horizon_min: 30 }`,
        ),
        "",
      ].join("\n");
      await mkdir(o.out, { recursive: true });
      const specPath = join(o.out, "sweep.yaml");
      await writeFile(specPath, spec);
      const root = join(o.out, "results-root");
      const argv = [
        "sweep",
        "--spec",
        specPath,
        "--root",
        root,
        ...(o.workers ? ["--workers", o.workers] : []),
      ];
      process.stdout.write(`\nnpx msor ${argv.join(" ")}\n`);
      // the CLI's own entry (imported here, not at module load: main.ts imports this file)
      const { main } = await import("../main.ts");
      const code = await main(["node", "msor", ...argv]);
      if (code !== 0) {
        process.exitCode = code;
        return;
      }
      process.stdout.write(`\nnpx msor query "${DEMO_QUERY}" --root ${root}\n`);
      const q = await queryResults(root, DEMO_QUERY);
      printTable(q.rows, q.columns, 2);
      process.stdout.write(
        `\nfiles: ${root}/results/ (one Parquet per table and date), ${root}/runs/demo/status.json\n` +
          `npx msor status demo --root ${root}\n` +
          `report: ${root}/runs/demo/report.html\n`,
      );
    });
}
