/**
 * Streamed MBO import: `msor import dbn` of a synthetic MBO DBN file (lib/synth/mbo.ts, uniform cancels)
 * to MBO Parquet plus the derived MBP-10, in a child process so that its peak RSS (kernel maxRSS) is its own.
 * Two sizes, ~500k and ~5M records: bounded memory means the larger file's peak RSS stays close to the
 * smaller one's (what grows is the live order book, not the records read).
 *
 *   node --import tsx bench/mboImport.ts            both sizes, prints the figures as JSON
 *   node --import tsx bench/mboImport.ts child FILE one import (used by the above and by bench/run.ts)
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rename, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { importDbn } from "../lib/importers/dbn/import.ts";
import { generateMbo } from "../lib/synth/mbo.ts";
import { writeMboDbn } from "../lib/synth/mboDbn.ts";
import { BENCH_DIR } from "./inputs.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
/** Generator events per target size (a market order writes several records: ~1.36 records per event). */
export const MBO_BENCH_EVENTS = { "500k": 368_000, "5m": 3_680_000 } as const;

export interface MboImportFigures {
  readonly records: number;
  readonly file_mb: number;
  readonly ms: number;
  readonly max_rss_mb: number;
  readonly derived_records: number;
}

/** The cached synthetic MBO DBN file of `events` generator events (generated once). */
export async function mboBenchFile(events: number): Promise<string> {
  const path = join(BENCH_DIR, `mbo-synth-uniform-seed1-${events}.dbn`);
  if (existsSync(path)) return path;
  const tmp = `${path}.partial`;
  await writeMboDbn(
    tmp,
    generateMbo({ seed: 1, events, cancelLaw: "uniform", symbol: "SYN" }),
    "SYN",
    1704205800000000000n,
  );
  await rename(tmp, path);
  return path;
}

async function childRun(file: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "msor-bench-mbo-"));
  try {
    const t = performance.now();
    const s = await importDbn({
      input: file,
      out: join(dir, "mbo.parquet"),
      mbp10Out: join(dir, "mbp10.parquet"),
    });
    const ms = performance.now() - t;
    const figures: MboImportFigures = {
      records: s.records,
      file_mb: Math.round(((await stat(file)).size / 2 ** 20) * 10) / 10,
      ms: Math.round(ms),
      max_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
      derived_records: "derived" in s && s.derived ? s.derived.records : 0,
    };
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Import `file` in a child process; its figures. */
export function mboImportChild(file: string): Promise<MboImportFigures> {
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      ["--import", "tsx", join(ROOT, "bench", "mboImport.ts"), "child", file],
      {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    let err = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (err += d));
    p.on("error", reject);
    p.on("close", (code) => {
      if (code !== 0) return reject(new Error(`bench/mboImport.ts child exited ${code}: ${err.trim()}`));
      resolve(JSON.parse(out.trim().split("\n").pop() ?? "") as MboImportFigures);
    });
  });
}

/** Both sizes, each imported once in its own process. */
export async function runMboImportBench(): Promise<Record<keyof typeof MBO_BENCH_EVENTS, MboImportFigures>> {
  const small = await mboImportChild(await mboBenchFile(MBO_BENCH_EVENTS["500k"]));
  const large = await mboImportChild(await mboBenchFile(MBO_BENCH_EVENTS["5m"]));
  return { "500k": small, "5m": large };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv[2] === "child") await childRun(process.argv[3] ?? "");
  else process.stdout.write(`${JSON.stringify(await runMboImportBench(), null, 2)}\n`);
}
