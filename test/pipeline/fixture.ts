/**
 * A small synthetic sweep for the pipeline tests: 2 symbols x 3 NYSE trading days (seeded), written once per
 * test file under an input folder in the default key layout, and a spec over them with a few strategies.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { type ResolvedSweep, resolveSweepSpec } from "../../lib/specs/sweepSpec.ts";
import { inputKey, SYNTH_VENUE_FOLDER } from "../../lib/store/keys.ts";
import { writeSyntheticDay } from "../../lib/synth/index.ts";

export const SYMBOLS = ["SYNA", "SYNB"];
export const DAYS = ["2024-03-04", "2024-03-05", "2024-03-06"];
export const EVENTS = 15_000;

/** Write the input days under `inputRoot` (default layout, venue folder SYNTH). */
export async function writeInputs(inputRoot: string, symbols = SYMBOLS, days = DAYS): Promise<void> {
  for (const [i, symbol] of symbols.entries()) {
    for (const date of days) {
      const path = join(inputRoot, ...inputKey(SYNTH_VENUE_FOLDER, symbol, date).split("/"));
      if (existsSync(path)) continue;
      await writeSyntheticDay(path, { symbol, date, venues: 2, eventsPerVenue: EVENTS, seed: 11 + i });
    }
  }
}

export function sweepSpec(inputRoot: string, extra: Record<string, unknown> = {}): ResolvedSweep {
  return resolveSweepSpec({
    run_id: "t-sweep",
    symbols: SYMBOLS,
    dates: DAYS,
    input: { root: inputRoot, key_template: "mbp10/SYNTH/{symbol}/{date}.parquet" },
    calibration: { lookback_days: 1 },
    backtest: {
      seed: 5,
      orders: [{ side: "buy", shares: 1500, start_times: ["10:30", "13:00"], horizon_min: 15 }],
      strategies: [
        { strategy: "twap", exec: "market" },
        { strategy: "twap", exec: "sor" },
        { strategy: "myopic", exec: "sor", alpha: ["none", "imbalance"] },
      ],
      router: { samples: 100 },
    },
    ...extra,
  });
}

/** Every file under `dir` (relative path -> bytes), for byte-identity checks. */
export function filesUnder(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}
