/**
 * Issue 24.10: a skipped real-data test says which sample it needs and where that is described, without a path
 * outside the repository (a user's clone has no ../shared); the description exists in the repository.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { GOOG_L1, SHARED_DATA, skipMessage } from "../helpers/sharedData.ts";

const REPO = path.resolve(import.meta.dirname, "../..");

describe("real-data skip messages", () => {
  it("name the sample and docs/test-data.md, and no path outside the repository", () => {
    const m = skipMessage(GOOG_L1, "the GOOG backtest");
    expect(m).toBe(
      "[skip] the GOOG backtest skipped: it needs LOBSTER's free GOOG 2012-06-21 level-1 sample (lobsterdata.com), " +
        "which is not part of this repository (docs/test-data.md says where to get it; set MSOR_TEST_DATA to its folder)",
    );
    expect(m).not.toContain("shared");
    expect(m).not.toContain(SHARED_DATA);
    expect(skipMessage(path.join(SHARED_DATA, "databento"), "x")).toContain(
      "Databento's MBP-10 test fixtures",
    );
    expect(skipMessage(path.join(SHARED_DATA, "lobster", "NEW"), "x")).toContain(
      "the real-data sample lobster/NEW",
    );
  });

  it("docs/test-data.md describes every sample folder a test reads, with its terms", async () => {
    const { readFile } = await import("node:fs/promises");
    const doc = await readFile(path.join(REPO, "docs/test-data.md"), "utf8");
    for (const folder of ["lobster/GOOG_2012-06-21_L1/", "lobster/AAPL_2012-06-21_L10_head/", "databento/"])
      expect(doc).toContain(folder);
    expect(doc).toMatch(/do not republish/);
    expect(existsSync(path.join(REPO, "LICENSE"))).toBe(true);
    const license = await readFile(path.join(REPO, "LICENSE"), "utf8");
    expect(license).toMatch(/Apache License\s+Version 2\.0, January 2004/);
    expect(license).toMatch(/END OF TERMS AND CONDITIONS/);
    const pkg = JSON.parse(await readFile(path.join(REPO, "package.json"), "utf8")) as { license: string };
    expect(pkg.license).toBe("Apache-2.0");
  });
});
