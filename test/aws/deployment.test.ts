/**
 * The one table of deployment names (lib/aws/deployment.ts, issue 22.5): the handlers' environment, the stack
 * outputs the CLI reads and the IAM key prefixes all come from it, and each key prefix is the start of the keys
 * lib/store/keys.ts builds (so IAM cannot drift from the layout). The stack side is test/infra/stack.test.ts.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KEY_PREFIXES, PUBLISHED_PART_PATTERNS, SWEEP_NAMES } from "../../lib/aws/deployment.ts";
import { namesFromEnv, namesFromStackOutputs } from "../../lib/aws/sweepTarget.ts";
import { QUEUE_CHECK } from "../../lib/results/queueCheckSchema.ts";
import { RESULT_TABLES } from "../../lib/results/tables.ts";
import {
  activeRunKey,
  calibrationKey,
  compactedResultKey,
  manifestKey,
  resultKey,
  stagingResultKey,
  statusKey,
  summaryKey,
  taskMarkerKey,
} from "../../lib/store/keys.ts";
import { tempDir } from "../helpers/tmp.ts";

/** An IAM pattern (`*` = anything but '/' here, since it stands for one run id) as a regular expression. */
const pattern = (p: string) => new RegExp(`^${p.replaceAll("*", "[^/]+")}`);

describe("deployment names", () => {
  it("every key prefix is where keys.ts puts its objects", () => {
    const run = "R1";
    expect(compactedResultKey({ name: "executions" }, run, "2024-03-05")).toMatch(
      pattern(KEY_PREFIXES.results),
    );
    expect(stagingResultKey({ name: "executions" }, run, "2024-03-05", "SYNA")).toMatch(
      pattern(KEY_PREFIXES.staging),
    );
    expect(calibrationKey("SYNA", "2024-03-05", "calibration")).toMatch(pattern(KEY_PREFIXES.calibration));
    expect(statusKey(run)).toMatch(pattern(KEY_PREFIXES.runs));
    expect(taskMarkerKey(run, "backtest-20240305-SYNA")).toMatch(pattern(KEY_PREFIXES.markers));
    expect(manifestKey(run)).toMatch(new RegExp(`${pattern(KEY_PREFIXES.manifests).source}$`));
    expect(activeRunKey(run)).toMatch(pattern(KEY_PREFIXES.activeRuns));
    expect(summaryKey(run)).toMatch(pattern(KEY_PREFIXES.summaryTable));
    // every table a compaction task publishes has its prefix in the worker's grant, the summary table none
    for (const t of [...RESULT_TABLES, QUEUE_CHECK]) {
      const key = compactedResultKey(t, run, "2024-03-05", 3);
      expect(
        PUBLISHED_PART_PATTERNS.filter((p) => pattern(p).test(key)),
        key,
      ).toHaveLength(1);
    }
    expect(PUBLISHED_PART_PATTERNS.some((p) => pattern(p).test(summaryKey(run)))).toBe(false);
    // nor msor backtest's per-symbol files
    const perSymbol = resultKey({ name: "executions" }, run, "2024-03-05", "SYNA");
    expect(PUBLISHED_PART_PATTERNS.some((p) => pattern(p).test(perSymbol))).toBe(false);
  });

  it("the handlers' environment and the stack outputs file name the same five things", () => {
    const env = Object.fromEntries(Object.entries(SWEEP_NAMES).map(([f, n]) => [n.env, `v-${f}`]));
    const outputs = Object.fromEntries(Object.entries(SWEEP_NAMES).map(([f, n]) => [n.output, `v-${f}`]));
    const file = join(tempDir(), "outputs.json");
    writeFileSync(file, JSON.stringify({ Stack: outputs }));
    const expected = Object.fromEntries(Object.keys(SWEEP_NAMES).map((f) => [f, `v-${f}`]));
    expect(namesFromEnv(env)).toEqual(expected);
    expect(namesFromStackOutputs(file)).toEqual(expected);
  });
});
