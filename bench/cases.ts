/** Registry of benchmark cases: name -> runner. */
import type { BenchResult } from "./run.ts";

export const cases: Record<string, () => Promise<BenchResult[]>> = {};
