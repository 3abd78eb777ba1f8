/**
 * `msor query ["SQL"] [--saved NAME] [--run-id R] [--list-saved] [--print-sql] [--root DIR] [--json|--csv]`: DuckDB
 * over local results, views named like the Athena tables; `?` parameters bind to --run-id, so the saved
 * Athena queries (lib/results/queries.ts) run unchanged.
 */
import type { Command } from "commander";
import { InputError } from "../../core/errors.ts";
import { queryResults, savedQuery } from "../../pipeline/local/query.ts";
import { SAVED_QUERIES } from "../../results/queries.ts";
import { printJson, printTable, rootOption } from "../output.ts";

interface QueryCliOptions {
  root: string;
  json?: boolean;
  runId?: string;
  saved?: string;
  listSaved?: boolean;
  printSql?: boolean;
  csv?: boolean;
}

/** One CSV field (RFC 4180: quoted when it holds a comma, quote or line break). */
function csvField(v: unknown): string {
  if (v === null || v === undefined) return "";
  const t = typeof v === "object" ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(t) ? `"${t.replaceAll('"', '""')}"` : t;
}

/** Rows as CSV with a header line (numbers in full precision, NULL as an empty field). */
export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const lines = [columns.map(csvField).join(",")];
  for (const r of rows) lines.push(columns.map((c) => csvField(r[c])).join(","));
  return `${lines.join("\n")}\n`;
}

export function registerQuery(program: Command): void {
  program
    .command("query")
    .description(
      "SQL over local results (DuckDB; views executions, child_orders, fills, task_quality, venue_stats, calibration, summary, queue_check); ? binds to --run-id",
    )
    .argument("[sql]", 'e.g. "SELECT strategy, avg(total_cost_bps) FROM executions GROUP BY 1"')
    .addOption(rootOption("results folder (the --root of msor sweep and msor backtest)"))
    .option("--run-id <id>", "value of the SQL's ? parameters (the run_id of the saved queries)")
    .option("--saved <name>", "run a saved Athena query by name (needs --run-id; see --list-saved)")
    .option("--list-saved", "list the saved queries (name and description)")
    .option("--print-sql", "with --saved: print its SQL instead of running it")
    .option("--json", "print rows as JSON (integers as numbers; a 64-bit one beyond 2^53 as a string)")
    .option("--csv", "print rows as CSV with a header line")
    .action(async (sql: string | undefined, o: QueryCliOptions) => {
      if (o.listSaved) {
        const rows = SAVED_QUERIES.map((q) => ({ name: q.name, description: q.description }));
        if (o.json) printJson(rows);
        else for (const q of rows) process.stdout.write(`${q.name}\n  ${q.description}\n`);
        return;
      }
      if (o.printSql && o.saved === undefined) throw new InputError("--print-sql needs --saved NAME");
      if (o.saved !== undefined) {
        if (sql !== undefined) {
          throw new InputError(`give either SQL or --saved ${o.saved}, not both`);
        }
        const q = savedQuery(o.saved);
        if (o.printSql) {
          process.stdout.write(`${q.sql}\n`);
          return;
        }
        if (o.runId === undefined) {
          throw new InputError(
            `--saved ${o.saved} needs --run-id R (the run_id of the msor sweep or msor demo run)`,
          );
        }
        sql = q.sql;
      }
      if (sql === undefined) {
        throw new InputError(
          'give SQL (msor query "SELECT * FROM summary"), or --saved NAME --run-id R, or --list-saved',
        );
      }
      if (o.json && o.csv) throw new InputError("give --json or --csv, not both");
      const r = await queryResults(o.root, sql, o.runId);
      if (o.csv) process.stdout.write(toCsv(r.columns, r.rows));
      else if (o.json) printJson(r.rows);
      else printTable(r.rows, r.columns, 3);
    });
}
