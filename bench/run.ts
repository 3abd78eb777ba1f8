/**
 * `npm run bench`: speed and memory, measured in one run and reported as ratios against reference
 * implementations (never asserted in tests). Each case module exports `run(): Promise<BenchResult[]>`.
 */
import { cases } from "./cases.ts";

export interface BenchResult {
  readonly case: string;
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  readonly note?: string;
}

const only = process.argv[2];
if (only && !Object.keys(cases).some((name) => name.includes(only))) {
  process.stderr.write(`bench: no case matches "${only}"; cases: ${Object.keys(cases).join(", ")}\n`);
  process.exit(2);
}
const results: BenchResult[] = [];
for (const [name, run] of Object.entries(cases)) {
  if (only && !name.includes(only)) continue;
  process.stderr.write(`bench: ${name} ...\n`);
  results.push(...(await run()));
}
const w = Math.max(...results.map((r) => `${r.case} ${r.metric}`.length), 10);
for (const r of results) {
  const v = Math.abs(r.value) >= 100 ? r.value.toFixed(0) : r.value.toPrecision(4);
  process.stdout.write(
    `${`${r.case} ${r.metric}`.padEnd(w)}  ${v.padStart(10)} ${r.unit}${r.note ? `  (${r.note})` : ""}\n`,
  );
}
