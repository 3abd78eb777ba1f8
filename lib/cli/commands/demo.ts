/**
 * `msor demo` (and `npm run demo`): the sweep end to end on the local backend, no AWS.
 * 1. generates 3 synthetic symbols x 6 consecutive NYSE trading days (seeded, two venues, planted impact);
 * 2. writes a sweep spec over the LAST 5 days (the first day is the warm-up: wave 1 calibrates it, so every
 *    swept day has an earlier day's calibration) and runs `msor sweep` with one worker thread per core;
 * 3. prints the per-strategy table, where the files are, one `msor query` and the report's path.
 * The settings that shape the input are kept in DIR/demo-settings.json: a second demo with the same settings
 * reuses the input and the finished run (and says so); with other settings it makes both again.
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import { nextTradingDay } from "../../core/calendar.ts";
import { InputError } from "../../core/errors.ts";
import { queryResults } from "../../pipeline/local/query.ts";
import { inputKey, SYNTH_VENUE_FOLDER } from "../../store/keys.ts";
import { writeSyntheticDay } from "../../synth/index.ts";
import { parseNumberOption, printJson, printTable } from "../output.ts";
import { checkSweepSucceeded, printSweepReport, runSweep, sweepJson } from "./sweep.ts";

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

/** What shapes the demo's input and results (a change makes both again). */
export interface DemoSettings {
  readonly version: 2;
  readonly symbols: readonly string[];
  readonly days: readonly string[];
  readonly venues: number;
  readonly events_per_venue_day: number;
  readonly seed: number;
  /** planted impact half-life per symbol, s */
  readonly half_lives_s: readonly number[];
  /** parent sizes of the spec, % of ADV */
  readonly pct_adv: readonly number[];
}

export const DEMO_SETTINGS_FILE = "demo-settings.json";
const SPEC_MARK = "# written by msor demo";

export function demoSettings(events: number): DemoSettings {
  const days: string[] = [FIRST_DAY];
  while (days.length < 6) days.push(nextTradingDay(days[days.length - 1]!));
  return {
    version: 2,
    symbols: SYMBOLS,
    days,
    venues: 2,
    events_per_venue_day: events,
    seed: 7,
    half_lives_s: DEMO_HALF_LIVES_S,
    pct_adv: DEMO_PCT_ADV,
  };
}

/** The settings that differ, as "name old -> new" (an empty list: the same). */
export function settingsChanges(before: Partial<DemoSettings>, now: DemoSettings): string[] {
  return (Object.keys(now) as (keyof DemoSettings)[])
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(now[k]))
    .map(
      (k) =>
        `${k.replaceAll("_", " ")} ${JSON.stringify(before[k] ?? "unknown")} -> ${JSON.stringify(now[k])}`,
    );
}

/**
 * Decide what of an earlier demo in `out` can be reused: "fresh" (nothing there), "same" (made with these
 * settings: reuse), or the changes (made with other settings, or by an older demo that kept none: remove
 * its input and results first). A folder the demo did not make is refused, never removed.
 */
export function previousDemo(
  out: string,
  now: DemoSettings,
): { kind: "fresh" | "same" } | { kind: "changed"; changes: string[] } {
  const input = join(out, "input");
  const results = join(out, "results-root");
  if (!existsSync(input) && !existsSync(results)) return { kind: "fresh" };
  const specPath = join(out, "sweep.yaml");
  const settingsPath = join(out, DEMO_SETTINGS_FILE);
  // the settings file is written before the first input file, the spec after the last (an older demo wrote
  // only the spec): either one says the folder is the demo's
  const ours =
    existsSync(settingsPath) ||
    (existsSync(specPath) && readFileSync(specPath, "utf8").startsWith(SPEC_MARK));
  if (!ours)
    throw new InputError(
      `${out} holds input/ or results-root/ that msor demo did not write (no ${DEMO_SETTINGS_FILE} or sweep.yaml of its own); give the demo another --out folder`,
    );
  let before: Partial<DemoSettings> = {};
  if (existsSync(settingsPath)) {
    try {
      before = JSON.parse(readFileSync(settingsPath, "utf8")) as Partial<DemoSettings>;
    } catch {
      before = {};
    }
  }
  const changes = settingsChanges(before, now);
  return changes.length === 0 ? { kind: "same" } : { kind: "changed", changes };
}

interface DemoCliOptions {
  out: string;
  events: string;
  workers?: string;
  json?: boolean;
  wide?: boolean;
}

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("generate 3 symbols x 6 days and sweep the last 5 on the local backend (no AWS needed)")
    .option("--out <dir>", "the demo's own folder: input/, sweep.yaml and results-root/", "demo-out")
    .option("--events <n>", "events per venue-day", "60000")
    .option("--workers <n>", "worker threads (default: one per core)")
    .option("--wide", "print every column of the cost tables (default: fit 120 columns)")
    .option("--json", "print one machine-readable JSON object (settings, reuse, the sweep, the query)")
    .action(async (o: DemoCliOptions) => {
      const events = parseNumberOption("--events", o.events, { min: 1000, integer: true });
      const settings = demoSettings(events);
      const { days } = settings;
      const say = (text: string) => {
        if (!o.json) process.stdout.write(text);
      };
      const input = join(o.out, "input");
      const root = join(o.out, "results-root");
      say(
        `myopic-sor demo: ${SYMBOLS.length} symbols x ${days.length} days x 2 venues, ${events.toLocaleString("en-US")} events per venue-day\n`,
      );
      const before = previousDemo(o.out, settings);
      if (before.kind === "changed") {
        say(
          `  ${o.out} holds an earlier demo made with other settings (${before.changes.join("; ")}): its input and results are made again\n`,
        );
        await rm(input, { recursive: true, force: true });
        await rm(root, { recursive: true, force: true });
      } else if (before.kind === "same") {
        say(`  reusing ${o.out} (made earlier with the same settings; delete it to start afresh)\n`);
      }
      await mkdir(o.out, { recursive: true });
      await writeFile(join(o.out, DEMO_SETTINGS_FILE), `${JSON.stringify(settings, null, 1)}\n`);
      let generated = 0;
      for (const [i, symbol] of SYMBOLS.entries()) {
        for (const date of days) {
          const path = join(input, ...inputKey(SYNTH_VENUE_FOLDER, symbol, date).split("/"));
          if (existsSync(path)) continue;
          // through a temporary name: a demo stopped mid-file never leaves a truncated day that the next one reuses
          await writeSyntheticDay(`${path}.partial`, {
            symbol,
            date,
            venues: 2,
            eventsPerVenue: events,
            seed: settings.seed + i,
            plantedHalfLifeS: settings.half_lives_s[i % settings.half_lives_s.length]!,
          });
          await rename(`${path}.partial`, path);
          generated++;
        }
      }
      say(
        `  input: ${input}/mbp10/SYNTH/{symbol}/{date}.parquet (${generated === 0 ? "all reused" : `${generated} of ${SYMBOLS.length * days.length} symbol-days generated`})\n`,
      );
      const spec = [
        `${SPEC_MARK}: the last 5 days; the first day is the warm-up calibrated in wave 1`,
        "run_id: demo",
        `symbols: [${SYMBOLS.join(", ")}]`,
        `dates: { from: ${days[1]}, to: ${days[5]} }`,
        `input: { root: ${input}, key_template: "mbp10/SYNTH/{symbol}/{date}.parquet" }`,
        "calibration: { lookback_days: 5 }",
        "backtest:",
        "  seed: 1",
        "  orders:",
        ...settings.pct_adv.map(
          (pct) => `    - { side: buy, pct_adv: ${pct}, start_times: ["10:00", "13:30"], horizon_min: 30 }`,
        ),
        "",
      ].join("\n");
      const specPath = join(o.out, "sweep.yaml");
      await writeFile(specPath, spec);
      const argv = [
        "sweep",
        "--spec",
        specPath,
        "--root",
        root,
        ...(o.workers ? ["--workers", o.workers] : []),
      ];
      say(`\nnpx msor ${argv.join(" ")}\n`);
      // Ctrl-C: the run keeps its finished tasks; the same demo command resumes it (issue 24.5)
      const onInterrupt = () => {
        process.stderr.write(
          `\nmsor: interrupted: run demo keeps its finished tasks; run the same demo command again to resume it\n`,
        );
        process.exit(130);
      };
      process.once("SIGINT", onInterrupt);
      let r: Awaited<ReturnType<typeof runSweep>>;
      try {
        r = await runSweep({
          spec: specPath,
          backend: "local",
          root,
          json: o.json,
          ...(o.workers ? { workers: o.workers } : {}),
        });
      } finally {
        process.off("SIGINT", onInterrupt);
      }
      if (r.plan.state === "finished")
        say(`run demo finished earlier in ${root}: its results are shown again\n`);
      const q = r.costs ? await queryResults(root, DEMO_QUERY) : undefined;
      if (o.json) {
        printJson({
          out: o.out,
          settings,
          reused: before.kind === "same",
          regenerated: before.kind === "changed" ? before.changes : [],
          generated_symbol_days: generated,
          sweep: sweepJson(r),
          query: { sql: DEMO_QUERY, rows: q?.rows ?? [] },
          report: r.status.outputs?.report ? join(root, r.status.outputs.report) : null,
        });
        checkSweepSucceeded(r);
        return;
      }
      printSweepReport(r, { wide: o.wide === true });
      checkSweepSucceeded(r);
      if (!q) return;
      say(`\nnpx msor query "${DEMO_QUERY}" --root ${root}\n`);
      printTable(q.rows, q.columns, 2);
      say(
        `\nfiles: ${root}/results/ (one Parquet per table and date), ${root}/runs/demo/status.json\n` +
          `npx msor status demo --root ${root}\n` +
          `report: ${root}/runs/demo/report.html\n`,
      );
    });
}
