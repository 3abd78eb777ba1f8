/**
 * msor demo on a tiny input: every command it prints for the user to run again starts with `npx msor`
 * (the bin is not on PATH on a fresh clone), and the sweep it runs finishes.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runMain } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();

describe("msor demo", () => {
  it("prints the commands as npx msor ...", async () => {
    const { code, out, err } = await runMain([
      "demo",
      "--out",
      join(dir, "d"),
      "--events",
      "1000",
      "--workers",
      "1",
    ]);
    expect(code, err).toBe(0);
    const commands = out.split("\n").filter((l) => /^(npx )?msor /.test(l.trim()));
    expect(commands.map((l) => l.trim().split(" ").slice(0, 3).join(" "))).toEqual([
      "npx msor sweep",
      "npx msor query",
      "npx msor status",
    ]);
    expect(out).toMatch(/run demo: 33 ok, 0 failed, 0 dead-lettered of 33 tasks/);
  }, 300_000);
});
