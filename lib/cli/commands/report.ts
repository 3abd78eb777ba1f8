/** `msor report RUN [--root DIR] [--out FILE] [--json]`: render runs/{RUN}/report.html from the run's results. */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { Command } from "commander";
import { errorMessage, InputError } from "../../core/errors.ts";
import { checkRunId } from "../../core/ids.ts";
import { LocalObjectStore } from "../../ports/localObjectStore.ts";
import { buildRunReport, reportKey } from "../../report/index.ts";
import { sweepSummaryOf } from "../../report/load.ts";
import { printJson, rootOption } from "../output.ts";

export function registerReport(program: Command): void {
  program
    .command("report")
    .description(
      "render a run's report (self-contained HTML: charts and tables of the results) to runs/{RUN}/report.html",
    )
    .argument("<run>", "run id (the --run-id of msor backtest)")
    .addOption(
      rootOption("results folder laid out like the S3 keys (the --root of msor sweep and msor backtest)"),
    )
    .option("--out <file>", "write the HTML here instead of runs/{RUN}/report.html under the root")
    .option("--json", "print machine-readable JSON")
    .action(async (run: string, opts: { root: string; out?: string; json?: boolean }) => {
      checkRunId(run, "run id");
      if (opts.out !== undefined && !opts.out.endsWith(".html")) {
        throw new InputError(`--out must name an .html file, got "${opts.out}"`);
      }
      const store = new LocalObjectStore(opts.root);
      // a sweep's report is drawn from its merged aggregates and sample, as its finish drew it
      const report = await buildRunReport(store, run, await sweepSummaryOf(store, run));
      let path: string;
      if (opts.out) {
        path = opts.out;
        try {
          await mkdir(dirname(path), { recursive: true });
          await writeFile(path, report.html);
        } catch (e) {
          throw new InputError(`cannot write ${path}: ${errorMessage(e)}`);
        }
      } else {
        const key = reportKey(run);
        await store.put(key, report.html, { contentType: "text/html; charset=utf-8" });
        path = store.describe(key);
      }
      const bytes = Buffer.byteLength(report.html);
      if (opts.json) {
        printJson({ run_id: run, report: path, bytes, charts: report.charts, tables: report.tables });
        return;
      }
      const drawn = report.charts.filter((c) => c.status === "rendered").length;
      const lines = report.charts
        .filter((x) => x.status === "missing")
        .map((c) => `  not in this run: ${c.title}: ${c.missing}`);
      // the path last: the demo ends by printing it
      lines.push(
        `report: ${path} (${(bytes / 1024).toFixed(0)} KiB, ${drawn} of ${report.charts.length} charts)`,
      );
      process.stdout.write(`${lines.join("\n")}\n`);
    });
}
