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
