/** `msor runs [--root DIR | --backend aws ...] [--json]`: the runs under a results root, with their state. */
import type { Command } from "commander";
import { awsConfigFromEnv, createAwsClients } from "../../aws/clients.ts";
import { awsSweepTarget } from "../../aws/sweepTarget.ts";
import { InputError } from "../../core/errors.ts";
import { parseRunStatus, progressOf } from "../../pipeline/runStatus.ts";
import { LocalObjectStore } from "../../ports/localObjectStore.ts";
import type { ObjectStore } from "../../ports/objectStore.ts";
import { printJson, printTable, rootOption } from "../output.ts";
import { awsNames } from "./sweep.ts";

export interface RunRow {
  run_id: string;
  state: string;
  planned: number;
  ok: number;
  failed: number;
  dead_lettered: number;
  remaining: number;
  report: string;
}

/** Every run with a runs/{R}/status.json under the store, sorted by id. */
export async function listRuns(store: ObjectStore): Promise<RunRow[]> {
  const keys = (await store.list("runs")).filter((k) => /^runs\/[^/]+\/status\.json$/.test(k));
  const rows: RunRow[] = [];
  for (const key of keys.sort()) {
    const bytes = await store.tryGet(key);
    if (!bytes) continue;
    const s = parseRunStatus(bytes, store.describe(key));
    const p = progressOf(s);
    rows.push({
      run_id: key.split("/")[1]!,
      state: p.finished ? "finished" : s.wave2_started ? "wave 2" : "wave 1",
      planned: p.planned,
      ok: p.ok,
      failed: p.failed,
      dead_lettered: p.dead_lettered,
      remaining: p.remaining,
      report: s.outputs?.report ? store.describe(s.outputs.report) : "-",
    });
  }
  return rows;
}

export function registerRuns(program: Command): void {
  program
    .command("runs")
    .description("list the sweeps under a results root: state, task counts, report (msor status RUN for one)")
    .option("--backend <name>", "local or aws", "local")
    .addOption(rootOption("local results folder (the --root of msor sweep)"))
    .option("--stack-outputs <file>", "aws: the JSON of cdk deploy --outputs-file")
    .option("--stack <name>", "aws: the stack in --stack-outputs when it holds several")
    .option(
      "--results-bucket <name>",
      "aws: results bucket (else from --stack-outputs or MSOR_RESULTS_BUCKET)",
    )
    .option("--json", "print machine-readable JSON")
    .action(async (o: Record<string, string | boolean | undefined>) => {
      let store: ObjectStore;
      if (o.backend === "aws") {
        const names = awsNames({ spec: "", backend: "aws", root: "", ...(o as object) });
        store = awsSweepTarget(createAwsClients(awsConfigFromEnv()), names).store;
      } else if (o.backend === "local") {
        store = new LocalObjectStore(String(o.root));
      } else {
        throw new InputError(`--backend must be local or aws, got "${String(o.backend)}"`);
      }
      const rows = await listRuns(store);
      if (o.json) return printJson(rows);
      if (rows.length === 0) {
        process.stdout.write(`no runs under ${store.describe("runs")} (msor sweep or msor demo makes one)\n`);
        return;
      }
      printTable(rows as unknown as Record<string, unknown>[], Object.keys(rows[0]!));
    });
}
