/**
 * Cached benchmark inputs: synthetic days under bench/.cache/ (gitignored), keyed by the generator parameters
 * (venues, events per venue, seed, generator version), so reruns skip generation. Says on stderr what it
 * generated or reused.
 */
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Mbp10File } from "../lib/mbp10/reader.ts";
import { fileSource } from "../lib/ports/fileSource.ts";
import { GENERATOR_VERSION, writeSyntheticDay } from "../lib/synth/index.ts";

export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), ".cache");
export const BENCH_SYMBOL = "BENCH";
export const BENCH_DATE = "2024-03-05";
/** 2 venues x N events give about 2.3 x N rows (lib/synth). */
const ROWS_PER_EVENT_2V = 2.3;

export interface BenchDay {
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
  readonly generated: boolean;
}

/** A 2-venue synthetic day of about `targetRows` rows, generated once and cached. */
export async function syntheticDay(targetRows: number, seed = 1): Promise<BenchDay> {
  const eventsPerVenue = Math.round(targetRows / ROWS_PER_EVENT_2V);
  const path = join(
    BENCH_DIR,
    `${BENCH_SYMBOL}-${BENCH_DATE}-v2-e${eventsPerVenue}-s${seed}-${GENERATOR_VERSION}.parquet`,
  );
  let generated = false;
  const exists = await stat(path).then(
    () => true,
    () => false,
  );
  if (!exists) {
    await mkdir(BENCH_DIR, { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    const t0 = performance.now();
    try {
      await writeSyntheticDay(tmp, {
        symbol: BENCH_SYMBOL,
        date: BENCH_DATE,
        venues: 2,
        eventsPerVenue,
        seed,
      });
      await rename(tmp, path);
    } finally {
      await rm(tmp, { force: true });
    }
    generated = true;
    process.stderr.write(`bench: generated ${path} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  const f = await Mbp10File.open(await fileSource(path));
  const rows = f.numRows;
  await f.close();
  const bytes = (await stat(path)).size;
  process.stderr.write(
    `bench: ${generated ? "using new" : "reusing cached"} ${path}: ${rows} rows, ` +
      `${(bytes / 2 ** 20).toFixed(1)} MiB (${eventsPerVenue} events/venue x 2 venues, seed ${seed})\n`,
  );
  return { path, rows, bytes, generated };
}
