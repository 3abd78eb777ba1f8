/**
 * A small REAL run for the report tests: seeded synthetic days through the real backtest (runLocalBacktest),
 * with every strategy family the report compares (routing: twap market/sor; alpha: myopic none/ofi; the
 * look-ahead oracle) and two order sizes.
 */
import { join } from "node:path";
import { runLocalBacktest } from "../../lib/pipeline/localBacktest.ts";
import { parseTaskSpec } from "../../lib/specs/taskSpec.ts";
import { writeSyntheticDay } from "../../lib/synth/index.ts";

export const RUN_ID = "rep1";
export const SYMBOL = "SYNR";
export const DAYS = ["2024-03-04", "2024-03-05"];

export const SPEC = parseTaskSpec({
  orders: [
    { side: "buy", pct_adv: 0.2, start_times: ["10:00", "13:00"], horizon_min: 10 },
    { side: "buy", pct_adv: 0.8, start_times: ["11:00", "14:30"], horizon_min: 10 },
  ],
  strategies: [
    { strategy: "immediate", exec: "market" },
    { strategy: "twap", exec: "market" },
    { strategy: "twap", exec: "sor" },
    { strategy: "vwap", exec: "market" },
    { strategy: "ow", exec: "market" },
    { strategy: "myopic", exec: "sor", alpha: "none" },
    { strategy: "myopic", exec: "sor", alpha: "ofi" },
    { strategy: "myopic", exec: "sor", alpha: "oracle" },
  ],
  router: { samples: 200 },
});

/** Generate the days under `dir`/in and backtest them into `dir`/out (the report's root). */
export async function buildSmallRun(dir: string, eventsPerVenue = 30_000): Promise<string> {
  const files: string[] = [];
  for (const date of DAYS) {
    const p = join(dir, "in", `${date}.parquet`);
    await writeSyntheticDay(p, { symbol: SYMBOL, date, venues: 2, eventsPerVenue, seed: 11 });
    files.push(p);
  }
  const root = join(dir, "out");
  await runLocalBacktest({
    paths: files,
    spec: SPEC,
    outDir: root,
    runId: RUN_ID,
    includeUncalibrated: true,
  });
  return root;
}
