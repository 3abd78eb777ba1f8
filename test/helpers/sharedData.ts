/**
 * The real-data samples some tests read in place (never copied into the repository): LOBSTER's free sample
 * files and Databento's MBP-10 test fixtures, described in docs/test-data.md. Found at $MSOR_TEST_DATA, else
 * at ../shared/data beside the repository; absent -> the dependent tests skip with a message that says what
 * they need (no path outside the repository: a user's clone has none).
 */
import { existsSync } from "node:fs";
import path from "node:path";

export const SHARED_DATA = process.env.MSOR_TEST_DATA
  ? path.resolve(process.env.MSOR_TEST_DATA)
  : path.resolve(import.meta.dirname, "../../../shared/data");

export const GOOG_L1 = path.join(SHARED_DATA, "lobster", "GOOG_2012-06-21_L1");

/** What a test-data folder holds, for the skip message (keyed by its path relative to the data root). */
const WHAT: Record<string, string> = {
  "lobster/GOOG_2012-06-21_L1": "LOBSTER's free GOOG 2012-06-21 level-1 sample (lobsterdata.com)",
  lobster: "LOBSTER's free sample files (lobsterdata.com)",
  databento: "Databento's MBP-10 test fixtures (github.com/databento/dbn, Apache-2.0)",
};

/** The skip line for tests that need `dir` (inside the test-data root); exported for its own test. */
export function skipMessage(dir: string, what: string): string {
  const rel = path.relative(SHARED_DATA, dir).split(path.sep).join("/");
  const data = WHAT[rel] ?? (rel === "" ? "the real-data samples" : `the real-data sample ${rel}`);
  return (
    `[skip] ${what} skipped: it needs ${data}, which is not part of this repository ` +
    "(docs/test-data.md says where to get it; set MSOR_TEST_DATA to its folder)"
  );
}

/** true when `dir` exists; otherwise prints why the dependent tests are skipped. */
export function haveSharedData(dir: string, what: string): boolean {
  if (existsSync(dir)) return true;
  console.warn(skipMessage(dir, what));
  return false;
}

export const GOOG_MESSAGES = path.join(GOOG_L1, "GOOG_2012-06-21_34200000_57600000_message_1.csv");
export const GOOG_BOOKS = path.join(GOOG_L1, "GOOG_2012-06-21_34200000_57600000_orderbook_1.csv");

/** Import the LOBSTER GOOG 2012-06-21 level-1 day to MBP-10 Parquet at `out` (with the project's importer). */
export async function importGoogDay(out: string): Promise<string> {
  const { importLobster } = await import("../../lib/importers/index.ts");
  await importLobster({
    messagePath: GOOG_MESSAGES,
    orderbookPath: GOOG_BOOKS,
    date: "2012-06-21",
    symbol: "GOOG",
    out,
  });
  return out;
}
