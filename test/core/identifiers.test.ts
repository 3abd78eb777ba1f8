/**
 * One rule per identifier (lib/core/ids.ts): `msor import`, `msor backtest` and a sweep spec accept and refuse
 * the same symbols, with the same reason. The list covers a lower-case ticker, an upper-case one, one longer
 * than the old 16-character limit of the sweep, one at the 32-character limit, one over it and a path escape.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkSymbol } from "../../lib/core/ids.ts";
import { resolveSweepSpec } from "../../lib/specs/sweepSpec.ts";
import { runMain } from "../helpers/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "msor-ids-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TINY = join(import.meta.dirname, "../fixtures/lobster/TINY_2012-06-21_34200000_57600000_");

/** symbol -> the reason it is refused (undefined = accepted) */
const CASES: readonly [string, RegExp | undefined][] = [
  ["AAPL", undefined],
  ["aapl", /has lower-case letters \(symbols are upper case: "AAPL"\)/],
  ["ABCDEFGHIJKLMNOPQ", undefined], // 17 characters
  ["A".repeat(32), undefined],
  ["A".repeat(33), /is longer than 32 characters/],
  ["../x", /contains '\/', which would add key segments/],
];

/** The error line a command printed for `symbol`, or undefined when it said nothing about the symbol. */
function symbolError(err: string, symbol: string): string | undefined {
  const line = err.split("\n").find((l) => l.includes(`invalid symbol "${symbol}"`));
  return line?.replace(/^msor: /, "");
}

const valid = join(dir, "valid.parquet");

describe("every command accepts and refuses the same symbols", () => {
  beforeAll(async () => {
    const ok = await runMain([
      "import",
      "lobster",
      `${TINY}message_2.csv`,
      `${TINY}orderbook_2.csv`,
      "--date",
      "2012-06-21",
      "--symbol",
      "TINY",
      "--out",
      valid,
    ]);
    expect(ok.code).toBe(0);
  });

  it.each(CASES)("%s", async (symbol, refused) => {
    const answers: Record<string, string | undefined> = {};

    const out = join(dir, `${symbol.replaceAll(/[^A-Za-z0-9]/g, "_")}.parquet`);
    const imp = await runMain([
      "import",
      "lobster",
      `${TINY}message_2.csv`,
      `${TINY}orderbook_2.csv`,
      "--date",
      "2012-06-21",
      "--symbol",
      symbol,
      "--out",
      out,
    ]);
    answers.import = symbolError(imp.err, symbol);
    expect(imp.code, `import ${symbol}: ${imp.err}`).toBe(refused ? 2 : 0);

    // the backtest reads a file imported under a valid symbol and is told another one
    const bt = await runMain([
      "backtest",
      valid,
      "--symbol",
      symbol,
      "--root",
      join(dir, "root"),
      "--include-uncalibrated",
    ]);
    answers.backtest = symbolError(bt.err, symbol);
    expect(bt.code, `backtest ${symbol}: ${bt.err}`).toBe(refused ? 2 : 0);

    try {
      resolveSweepSpec({ symbols: [symbol], dates: ["2024-06-03"], input: { venues: ["xnas"] } });
      answers.sweep = undefined;
    } catch (e) {
      answers.sweep = (e as Error).message
        .match(/invalid symbols\[0\] .*/)?.[0]
        ?.replace("symbols[0]", "symbol");
    }

    let direct: string | undefined;
    try {
      checkSymbol(symbol);
    } catch (e) {
      direct = (e as Error).message;
    }
    if (refused) {
      expect(direct).toMatch(refused);
      expect(answers).toEqual({ import: direct, backtest: direct, sweep: direct });
    } else {
      expect(direct).toBeUndefined();
      expect(answers).toEqual({ import: undefined, backtest: undefined, sweep: undefined });
    }
  });
});
