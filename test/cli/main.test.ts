import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../lib/cli/main.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();

async function runMain(args: string[]): Promise<{ code: number; err: string; out: string }> {
  let err = "";
  let out = "";
  vi.spyOn(process.stderr, "write").mockImplementation((c: string | Uint8Array) => {
    err += String(c);
    return true;
  });
  vi.spyOn(process.stdout, "write").mockImplementation((c: string | Uint8Array) => {
    out += String(c);
    return true;
  });
  const code = await main(["node", "msor", ...args]);
  vi.restoreAllMocks();
  return { code, err, out };
}

afterEach(() => vi.restoreAllMocks());

describe("msor entry point", () => {
  it("lists every command in --help and exits 0", async () => {
    const r = await runMain(["--help"]);
    expect(r.code).toBe(0);
    for (const c of ["generate", "import", "inspect", "calibrate", "route", "backtest"])
      expect(r.out).toContain(c);
  });

  it("bad input: exit 2 and a one-line reason, even when the reason quotes multi-line input", async () => {
    const spec = join(dir, "bad.json");
    writeFileSync(spec, "not\njson\n");
    const r = await runMain(["backtest", join(dir, "x.parquet"), "--out", dir, "--spec", spec]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^msor: spec .*bad\.json is not valid JSON: .*\n$/);
    expect(r.err.trimEnd().split("\n")).toHaveLength(1);
  });

  it("a file that is not Parquet is bad input too: exit 2 with the file named", async () => {
    const f = join(dir, "x.parquet");
    writeFileSync(f, "hello");
    const r = await runMain(["inspect", f]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^msor: .*x\.parquet is not a Parquet file: only 5 bytes \(empty or truncated\)\n$/,
    );
  });
});
