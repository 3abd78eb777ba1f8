/** `msor query "SQL" [--root DIR] [--json]`: DuckDB over local results, views named like the Athena tables. */
import type { Command } from "commander";
import { queryResults } from "../../sweep/query.ts";
import { printJson, printTable } from "../output.ts";

export function registerQuery(program: Command): void {
  program
    .command("query")
    .description(
      "SQL over local results (DuckDB; views executions, child_orders, fills, task_quality, calibration, summary)",
    )
    .argument("<sql>", 'e.g. "SELECT strategy, avg(total_cost_bps) FROM executions GROUP BY 1"')
    .option("--root <dir>", "results folder (the --root of msor sweep)", "msor-out")
    .option("--json", "print rows as JSON")
    .action(async (sql: string, o: { root: string; json?: boolean }) => {
      const r = await queryResults(o.root, sql);
      if (o.json) printJson(r.rows);
      else printTable(r.rows, r.columns, 3);
    });
}
