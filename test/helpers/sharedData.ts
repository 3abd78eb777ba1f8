/** ../shared/data beside the repository: real samples read in place (never copied); absent -> tests skip. */
import { existsSync } from "node:fs";
import path from "node:path";

export const SHARED_DATA = path.resolve(import.meta.dirname, "../../../shared/data");

export const GOOG_L1 = path.join(SHARED_DATA, "lobster", "GOOG_2012-06-21_L1");

/** true when `dir` exists; otherwise prints why the dependent tests are skipped. */
export function haveSharedData(dir: string, what: string): boolean {
  if (existsSync(dir)) return true;
  console.warn(
    `[skip] ${dir} not found: ${what} skipped (real data lives in ../shared/data, see its README.md)`,
  );
  return false;
}
