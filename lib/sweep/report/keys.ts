/**
 * Keys of the run-level objects the report reads and writes (DESIGN.md storage layout). They belong in the
 * one key module (lib/store/keys.ts) once it exists; until then they are built here and nowhere else.
 */
import { validateRunId } from "../../core/ids.ts";

/** runs/{R}/report.html */
export function reportKey(runId: string): string {
  return `runs/${validateRunId(runId)}/report.html`;
}

/** runs/{R}/manifest.json (the resolved sweep spec and task list; optional for the report). */
export function manifestKey(runId: string): string {
  return `runs/${validateRunId(runId)}/manifest.json`;
}

/** runs/{R}/status.json (task outcomes: ok / failed / dead_lettered; optional for the report). */
export function statusKey(runId: string): string {
  return `runs/${validateRunId(runId)}/status.json`;
}

/** results/{table}/run_id={R}/ : the prefix of one result table of a run. */
export function resultRunPrefix(table: string, runId: string): string {
  return `results/${table}/run_id=${validateRunId(runId)}/`;
}
