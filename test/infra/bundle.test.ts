/**
 * The wasm lookup of a bundle: code bundled with the stack's esbuild settings (ESM, require banner) into a
 * folder with no node_modules above it finds parquet-wasm's .wasm beside the bundle (where the stack's
 * afterBundling hook copies it) and round-trips a result table through Parquet; without the file beside it,
 * it cannot start. (The full handler-runs-a-task test arrives with the pipeline.)
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { ESBUILD, PROJECT_ROOT, WASM_FILE, WASM_SOURCE } from "../../infra/constructs/functions.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir("msor-bundle-");
const ENTRY = `
import { rowsToParquet } from "./lib/results/schema.ts";
import { SUMMARY } from "./lib/results/summarySchema.ts";
import { openParquet, readRowGroup } from "./lib/parquet/read.ts";
import { bufferSource } from "./lib/ports/byteSource.ts";
const row = Object.fromEntries(SUMMARY.columns.map((c) => [c.name, null]));
const bytes = await rowsToParquet(SUMMARY, [{ ...row, strategy: "twap/market", orders: 12, total_cost_bps: 1.25, look_ahead: false }]);
const src = bufferSource("s.parquet", bytes);
const pq = await openParquet(src);
const t = await readRowGroup(src, pq, 0);
console.log(JSON.stringify({ rows: t.numRows, strategy: t.getChild("strategy").get(0), cost: t.getChild("total_cost_bps").get(0) }));
`;

beforeAll(async () => {
  await build({
    stdin: { contents: ENTRY, resolveDir: PROJECT_ROOT, sourcefile: "entry.ts", loader: "ts" },
    bundle: true,
    outfile: join(dir, "index.mjs"),
    format: ESBUILD.format,
    platform: ESBUILD.platform,
    target: ESBUILD.target,
    mainFields: [...ESBUILD.mainFields],
    banner: { js: ESBUILD.banner },
    logLevel: "silent",
  });
});

const run = () => spawnSync(process.execPath, [join(dir, "index.mjs")], { cwd: dir, encoding: "utf8" });

describe("bundled parquet-wasm", () => {
  it("loads the .wasm from beside the bundle and round-trips Parquet", () => {
    copyFileSync(join(PROJECT_ROOT, WASM_SOURCE), join(dir, WASM_FILE));
    const r = run();
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual({ rows: 1, strategy: "twap/market", cost: 1.25 });
  });

  it("fails to start without it (no node_modules to fall back on)", () => {
    rmSync(join(dir, WASM_FILE));
    expect(existsSync(join(dir, "..", "node_modules"))).toBe(false);
    const r = run();
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/parquet-wasm|Cannot find module/);
  });
});
