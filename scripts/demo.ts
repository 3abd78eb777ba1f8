/**
 * `npm run demo`: the main job end to end on the embedded default backend (a local folder, no AWS).
 * 1. generates consecutive synthetic trading days of two symbols on two venues (seeded, planted impact),
 * 2. backtests every default strategy on them: each day uses the calibrations of its EARLIER days
 *    (the first day of each symbol is a warm-up: calibrated, not backtested, and says so),
 * 3. prints the per-strategy cost table and the routing and alpha gains; results are Parquet under
 *    demo-out/results/,
 * 4. renders the run report (msor report demo) and ends by printing its path: demo-out/runs/demo/report.html.
 * Environment: DEMO_EVENTS (events per venue-day, default 200000), DEMO_DAYS (default 3, at least 2), DEMO_OUT.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { main } from "../lib/cli/main.ts";
import { nextWeekdays } from "../lib/core/session.ts";
import { inputKey, SYNTH_VENUE_FOLDER } from "../lib/store/keys.ts";
import { writeSyntheticDay } from "../lib/synth/index.ts";

const out = process.env.DEMO_OUT ?? "demo-out";
const events = Number(process.env.DEMO_EVENTS ?? 200_000);
const nDays = Number(process.env.DEMO_DAYS ?? 3);
if (!Number.isInteger(events) || events < 1000 || !Number.isInteger(nDays) || nDays < 2 || nDays > 20) {
  process.stderr.write(
    "demo: DEMO_EVENTS must be an integer >= 1000 and DEMO_DAYS an integer in 2..20 (the first day is a warm-up)\n",
  );
  process.exit(2);
}
const symbols = ["SYNA", "SYNB"];
const days = nextWeekdays("2024-03-01", nDays);

process.stdout.write(
  `myopic-sor demo: ${symbols.length} symbols x ${nDays} days x 2 venues, ${events.toLocaleString()} events per venue-day\n`,
);
const files: string[] = [];
for (const symbol of symbols) {
  for (const date of days) {
    const path = join(out, ...inputKey(SYNTH_VENUE_FOLDER, symbol, date).split("/"));
    files.push(path);
    if (existsSync(path)) continue;
    const r = await writeSyntheticDay(path, { symbol, date, venues: 2, eventsPerVenue: events, seed: 7 });
    process.stdout.write(
      `  generated ${path}: ${r.rows.toLocaleString()} rows, planted lambda ${r.planted.lambda.toFixed(3)}, half-life ${r.planted.half_life_s} s\n`,
    );
  }
}
process.stdout.write(`\nbacktest (msor backtest ... --out ${out} --run-id demo):\n`);
process.exitCode = await main(["node", "msor", "backtest", ...files, "--out", out, "--run-id", "demo"]);
if (process.exitCode === 0) {
  process.stdout.write(`\nrun report (msor report demo --root ${out}):\n`);
  process.exitCode = await main(["node", "msor", "report", "demo", "--root", out]);
}
