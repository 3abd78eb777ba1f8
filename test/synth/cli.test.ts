/** `msor generate`: output layout, summary / JSON, one-line errors. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { registerGenerate, resolveOutPath } from "../../lib/cli/commands/generate.ts";
import { InputError } from "../../lib/core/errors.ts";
import { runCommand } from "../helpers/cli.ts";
import { tempDir } from "./helpers.ts";

const dir = tempDir();

const run = (args: string[]) => runCommand(registerGenerate, "generate", args);

describe("msor generate", () => {
  afterEach(() => vi.restoreAllMocks());

  it("writes DIR/mbp10/SYNTH/{symbol}/{date}.parquet for a directory and prints JSON", async () => {
    const out = await run([
      "--symbol",
      "CLI",
      "--date",
      "2024-03-15",
      "--venues",
      "1",
      "--events",
      "5000",
      "--lambda",
      "5",
      "--half-life-s",
      "300",
      "--out",
      `${dir}/`,
      "--json",
    ]);
    const r = JSON.parse(out);
    const expected = join(dir, "mbp10", "SYNTH", "CLI", "2024-03-15.parquet");
    expect(r.path).toBe(expected);
    expect(existsSync(expected)).toBe(true);
    expect(r.planted.half_life_s).toBe(300);
    expect(r.planted.lambda_latent).toBe(5);
    expect(r.venues).toEqual([{ publisher_id: 2, name: "XNAS.ITCH" }]);
    expect(r.rows).toBe(r.planted.rows);
  });

  it("writes FILE and prints a short summary", async () => {
    const file = join(dir, "one", "day.parquet");
    const out = await run([
      "--symbol",
      "CLI",
      "--date",
      "2024-03-15",
      "--venues",
      "2",
      "--events",
      "5000",
      "--out",
      file,
    ]);
    expect(existsSync(file)).toBe(true);
    expect(out).toMatch(/wrote .*day\.parquet/);
    expect(out).toMatch(/planted lambda [\d.]+ .*half-life \d+ s/);
    expect(out).toMatch(/2 XNAS\.ITCH, 9 XNYS\.PILLAR/);
  });

  it("resolves an existing directory without a trailing slash to the key layout", async () => {
    expect(await resolveOutPath(dir, "X", "2024-01-02")).toBe(
      join(dir, "mbp10", "SYNTH", "X", "2024-01-02.parquet"),
    );
    expect(await resolveOutPath(join(dir, "f.parquet"), "X", "2024-01-02")).toBe(join(dir, "f.parquet"));
  });

  it.each([
    [["--date", "2024-03-16"], /--date 2024-03-16 is not an NYSE trading day \(Saturday\)/],
    [
      ["--date", "2024-06-19"],
      /--date 2024-06-19 is not an NYSE trading day \(Juneteenth\); pick a trading day, e.g\. 2024-06-20/,
    ],
    [["--date", "2024-12-25"], /\(Christmas Day\)/],
    [["--date", "2024-03-15", "--venues", "9"], /venues must be an integer in 1\.\.4/],
    [["--date", "2024-03-15", "--events", "1e3.5"], /--events must be an integer/],
    [["--date", "2024-03-15", "--seed", "-2"], /--seed must be an integer >= 0/],
    [["--date", "2024-03-15", "--lambda", "abc"], /--lambda must be a number/],
  ])("rejects %j with a one-line InputError", async (extra, msg) => {
    const p = run(["--symbol", "CLI", ...extra, "--out", join(dir, "bad.parquet")]);
    await expect(p).rejects.toThrow(InputError);
    await expect(run(["--symbol", "CLI", ...extra, "--out", join(dir, "bad.parquet")])).rejects.toThrow(msg);
    expect(existsSync(join(dir, "bad.parquet"))).toBe(false);
  });
});
