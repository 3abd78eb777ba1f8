/** Registry of benchmark cases: name -> runner. */
import { run as router } from "./router.ts";
import type { BenchResult } from "./run.ts";
import { run as worker } from "./worker.ts";

export const cases: Record<string, () => Promise<BenchResult[]>> = { router, worker };
