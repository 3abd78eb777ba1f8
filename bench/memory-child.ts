/**
 * Child process of the worker memory benchmark: `node --import tsx bench/memory-child.ts FILE` runs runTask
 * once on FILE with DEFAULT_SPEC (fresh calibration store, so default parameters), writes the result tables
 * to a temp store, and prints one JSON line: peak RSS (max of samples every 10 ms and the end, and the
 * kernel's maxRSS), the RSS after imports (baseline) and the task's wall time.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileSource } from "../lib/ports/fileSource.ts";
import { LocalObjectStore } from "../lib/ports/localObjectStore.ts";
import { writeTaskResults } from "../lib/store/results.ts";
import { DEFAULT_SPEC } from "../lib/sweep/spec.ts";
import { runTask } from "../lib/task/runTask.ts";
import { BENCH_DATE, BENCH_SYMBOL } from "./inputs.ts";

const file = process.argv[2];
if (!file) {
  process.stderr.write("usage: node --import tsx bench/memory-child.ts FILE\n");
  process.exit(2);
}

const baselineRss = process.memoryUsage().rss;
let sampledPeak = baselineRss;
const sample = () => {
  const r = process.memoryUsage().rss;
  if (r > sampledPeak) sampledPeak = r;
};
const timer = setInterval(sample, 10);
const dir = await mkdtemp(join(tmpdir(), "msor-bench-mem-"));
try {
  const t0 = performance.now();
  const rows = await runTask({
    runId: "bench",
    symbol: BENCH_SYMBOL,
    date: BENCH_DATE,
    sources: [await fileSource(file)],
    spec: DEFAULT_SPEC,
    calibrationStore: new LocalObjectStore(join(dir, "calibration")),
  });
  await writeTaskResults(new LocalObjectStore(join(dir, "results")), "bench", BENCH_DATE, BENCH_SYMBOL, rows);
  const ms = performance.now() - t0;
  sample();
  clearInterval(timer);
  const maxRss = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(
    `${JSON.stringify({ sampledPeak, maxRss, peak: Math.max(sampledPeak, maxRss), baselineRss, ms })}\n`,
  );
} finally {
  clearInterval(timer);
  await rm(dir, { recursive: true, force: true });
}
