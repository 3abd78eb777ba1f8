/** `msor status RUN [--root DIR | --backend aws ...] [--json]`: a run's accounting from runs/{R}/status.json. */
import type { Command } from "commander";
import { awsConfigFromEnv, createAwsClients } from "../../aws/clients.ts";
import { awsSweepTarget } from "../../aws/sweepTarget.ts";
import { InputError } from "../../core/errors.ts";
import { checkRunId } from "../../core/ids.ts";
import { parseRunStatus, progressOf, unsuccessfulTasks } from "../../pipeline/runStatus.ts";
import { LocalObjectStore } from "../../ports/localObjectStore.ts";
import type { ObjectStore } from "../../ports/objectStore.ts";
import { statusKey } from "../../store/keys.ts";
import { printJson, printTable, rootOption } from "../output.ts";
import { awsNames, STATUS_TABLE_COLUMNS, STATUS_TABLE_LEGEND, strategyRows } from "./sweep.ts";

export function registerStatus(program: Command): void {
  program
    .command("status")
    .description(
      "show a sweep's progress: ok / failed / dead-lettered / remaining tasks, reasons, per-strategy costs",
    )
    .argument("<run>", "run id (printed by msor sweep)")
    .option("--backend <name>", "local or aws", "local")
    .addOption(rootOption("local results folder (the --root of msor sweep)"))
    .option("--stack-outputs <file>", "aws: the JSON of cdk deploy --outputs-file")
    .option("--stack <name>", "aws: the stack in --stack-outputs when it holds several")
    .option(
      "--results-bucket <name>",
      "aws: results bucket (else from --stack-outputs or MSOR_RESULTS_BUCKET)",
    )
    .option("--json", "print machine-readable JSON")
    .action(async (run: string, o: Record<string, string | boolean | undefined>) => {
      checkRunId(run, "run id");
      let store: ObjectStore;
      if (o.backend === "aws") {
        const names = awsNames({ spec: "", backend: "aws", root: "", ...(o as object) });
        store = awsSweepTarget(createAwsClients(awsConfigFromEnv()), names).store;
      } else if (o.backend === "local") {
        store = new LocalObjectStore(String(o.root));
      } else {
        throw new InputError(`--backend must be local or aws, got "${String(o.backend)}"`);
      }
      const key = statusKey(run);
      const bytes = await store.tryGet(key);
      if (!bytes)
        throw new InputError(
          `run ${run} has no status at ${store.describe(key)}; check the run id and --root`,
        );
      const s = parseRunStatus(bytes, store.describe(key));
      const p = progressOf(s);
      if (o.json) {
        printJson({ run_id: run, progress: p, status: s });
        return;
      }
      const c = s.compaction;
      const wave = p.finished
        ? "finished"
        : c
          ? "wave 3 (compaction)"
          : s.wave2_started
            ? "wave 2 (backtest)"
            : "wave 1 (calibrate)";
      process.stdout.write(
        `run ${run}: ${wave}\n` +
          `  planned ${p.planned} (calibrate ${s.planned.calibrate}, backtest ${s.planned.backtest})\n` +
          `  ok ${p.ok}  failed ${p.failed}  dead-lettered ${p.dead_lettered}  remaining ${p.remaining}\n` +
          (c
            ? `  compaction: ${c.counts.ok} ok, ${c.counts.failed} failed, ${c.counts.dead_lettered} dead-lettered of ${c.planned} parts; ${c.files} files published\n`
            : ""),
      );
      if (!p.finished && s.finish_error)
        process.stdout.write(
          `  every task is accounted for, but finishing failed (${s.finish_attempts ?? 1} attempt(s)): ${s.finish_error}\n` +
            "  the next summary invocation or tick tries again; fix the cause above if it repeats\n",
        );
      if (!p.finished)
        process.stdout.write(
          o.backend === "aws"
            ? "  the run goes on in AWS while its queues hold tasks; msor status again shows its progress\n"
            : "  if its msor sweep is no longer running (stopped or interrupted), run the same msor sweep command again: it resumes the run and keeps the finished tasks\n",
        );
      for (const [id, t] of unsuccessfulTasks(s)) {
        process.stdout.write(`  ${t.outcome} ${id}: ${t.reason ?? ""}\n`);
      }
      const rows = strategyRows(s);
      if (rows.length) {
        process.stdout.write(`per strategy (${STATUS_TABLE_LEGEND}):\n`);
        printTable(rows, STATUS_TABLE_COLUMNS, 2);
      }
      if (s.outputs)
        process.stdout.write(`summary: ${s.outputs.summary}\nreport: ${s.outputs.report || "-"}\n`);
    });
}
