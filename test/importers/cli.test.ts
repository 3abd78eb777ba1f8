import { copyFileSync, existsSync } from "node:fs";
import path from "node:path";
import { Command, CommanderError } from "commander";
import { afterEach, describe, expect, it, vi } from "vitest";
import { registerImport } from "../../lib/cli/commands/import.ts";
import { runMain } from "../helpers/cli.ts";
import { DBN_FIXTURES, FIXTURES, haveData, SHARED_DATA, tempDir } from "./helpers.ts";

const TINY = path.join(FIXTURES, "lobster/TINY_2012-06-21_34200000_57600000_");

/** Run `msor <args>` with only the import command registered; returns stdout and commander's output. */
async function run(...args: string[]): Promise<{ stdout: string; help: string }> {
  let help = "";
  const program = new Command("msor")
    .exitOverride()
    .configureOutput({ writeOut: (s) => void (help += s), writeErr: (s) => void (help += s) });
  registerImport(program);
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((s) => {
    chunks.push(String(s));
    return true;
  });
  try {
    await program.parseAsync(["node", "msor", ...args]);
  } finally {
    spy.mockRestore();
  }
  return { stdout: chunks.join(""), help };
}

afterEach(() => vi.restoreAllMocks());

describe("msor import", () => {
  it("lobster --json prints a machine-readable summary", async () => {
    const out = path.join(tempDir(), "t.parquet");
    const args = [
      "import",
      "lobster",
      `${TINY}message_2.csv`,
      `${TINY}orderbook_2.csv`,
      "--date",
      "2012-06-21",
    ];
    const { stdout } = await run(...args, "--symbol", "TINY", "--out", out, "--json");
    const s = JSON.parse(stdout);
    expect(s).toMatchObject({ out, rows: 15, records: 16, dropped: { halt_resumes: 2 }, symbol: "TINY" });
    expect(s.span.first).toBe("2012-06-21T13:30:00.000000001Z");
  });

  it("lobster prints a short human summary without --json", async () => {
    const out = path.join(tempDir(), "t.parquet");
    const args = [
      "import",
      "lobster",
      `${TINY}message_2.csv`,
      `${TINY}orderbook_2.csv`,
      "--date",
      "2012-06-21",
    ];
    const { stdout } = await run(...args, "--symbol", "TINY", "--out", out, "--venue-id", "3");
    expect(stdout).toMatch(/imported lobster/);
    expect(stdout).toMatch(/16 records of TINY, 2 levels \(from 15 rows/);
    expect(stdout).toMatch(/dropped: halt resumes 2/);
  });

  it("every sub-command has --help", async () => {
    for (const sub of ["lobster", "dbn", "csv"]) {
      const r = run("import", sub, "--help");
      await expect(r).rejects.toBeInstanceOf(CommanderError);
    }
    let help = "";
    const program = new Command("msor").exitOverride().configureOutput({ writeOut: (s) => void (help += s) });
    registerImport(program);
    await expect(program.parseAsync(["node", "msor", "import", "lobster", "--help"])).rejects.toThrow();
    expect(help).toMatch(/--venue-id <n>/);
    expect(help).toMatch(/--date <YYYY-MM-DD>/);
  });

  it("a missing input file is a one-line error", async () => {
    const err = await run("import", "csv", "/nonexistent/f.csv", "--out", "/tmp/x.parquet").catch(
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe("CSV file /nonexistent/f.csv does not exist; check the path");
  });

  it("a missing required option is a usage error", async () => {
    const err = await run("import", "lobster", "m.csv", "o.csv", "--symbol", "X", "--out", "o.parquet").catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(CommanderError);
    expect((err as CommanderError).message).toMatch(/required option '--date <YYYY-MM-DD>' not specified/);
  });

  it("rejects an unknown price encoding", async () => {
    const args = [
      "import",
      "lobster",
      `${TINY}message_2.csv`,
      `${TINY}orderbook_2.csv`,
      "--date",
      "2012-06-21",
    ];
    const err = await run(
      ...args,
      "--symbol",
      "T",
      "--out",
      "/tmp/x.parquet",
      "--price-encoding",
      "text",
    ).catch((e) => e);
    expect((err as Error).message).toMatch(/--price-encoding must be "float" .* or "fixed"/);
  });

  it("refuses mislabels before writing anything (issue 24.4), through msor's entry point", async () => {
    const dir = tempDir();
    const out = path.join(dir, "t.parquet");
    const lobster = (msg: string, book: string, date: string, o = out) =>
      runMain(["import", "lobster", msg, book, "--date", date, "--symbol", "TINY", "--out", o]);
    const msg = `${TINY}message_2.csv`;
    const book = `${TINY}orderbook_2.csv`;

    const saturday = await lobster(msg, book, "2012-06-23");
    expect(saturday.code).toBe(2);
    expect(saturday.err).toBe(
      "msor: --date 2012-06-23 is not an NYSE trading day (Saturday); LOBSTER times are seconds after New York midnight of the trading day the file is from: give that date\n",
    );
    const holiday = await lobster(msg, book, "2012-07-04");
    expect(holiday.err).toMatch(/^msor: --date 2012-07-04 is not an NYSE trading day \(Independence Day\)/);

    const other = await lobster(msg, book, "2012-06-22");
    expect(other.code).toBe(2);
    expect(other.err).toBe(
      "msor: --date 2012-06-22 contradicts the LOBSTER file name, which says 2012-06-21 (TINY_2012-06-21_34200000_57600000_message_2.csv); give --date 2012-06-21\n",
    );

    const swappedNames = await lobster(book, msg, "2012-06-21");
    expect(swappedNames.code).toBe(2);
    expect(swappedNames.err).toMatch(
      /^msor: the files look swapped: TINY_.*orderbook_2\.csv is an orderbook file/,
    );
    // renamed files: the swap is seen in the column counts (2 levels x 4 = 8 columns against 6)
    const a = path.join(dir, "a.csv");
    const b = path.join(dir, "b.csv");
    copyFileSync(book, a);
    copyFileSync(msg, b);
    const swappedContent = await lobster(a, b, "2012-06-21");
    expect(swappedContent.code).toBe(2);
    expect(swappedContent.err).toBe(
      `msor: the files look swapped: ${a} has 8 columns like an orderbook file (4 per level) and ${b} has 6 like a message file; give the message file first: msor import lobster MESSAGE ORDERBOOK\n`,
    );

    const csvOut = await lobster(msg, book, "2012-06-21", path.join(dir, "x.csv"));
    expect(csvOut.code).toBe(2);
    expect(csvOut.err).toBe(
      `msor: --out must name a .parquet file (the import writes MBP-10 Parquet), got "${path.join(dir, "x.csv")}"; e.g. --out ${path.join(dir, "x")}.parquet\n`,
    );
    expect(existsSync(path.join(dir, "x.csv"))).toBe(false);
    expect(existsSync(out)).toBe(false);
    // and the right labels import
    const ok = await lobster(msg, book, "2012-06-21");
    expect(ok.code, ok.err).toBe(0);
    expect(existsSync(out)).toBe(true);
  });

  it.skipIf(!haveData(SHARED_DATA))("dbn and csv --json", async () => {
    const f = DBN_FIXTURES[1];
    const dir = tempDir();
    const dbn = JSON.parse(
      (
        await run(
          "import",
          "dbn",
          path.join(SHARED_DATA, "databento", f.dbn),
          "--out",
          `${dir}/a.parquet`,
          "--json",
        )
      ).stdout,
    );
    expect(dbn).toMatchObject({ format: "dbn", rows: 4, records: 4, symbol: "ESH1", dropped: {} });
    const csvArgs = ["import", "csv", path.join(SHARED_DATA, "databento", f.csv), "--symbol", "ESH1"];
    const csv = JSON.parse((await run(...csvArgs, "--out", `${dir}/b.parquet`, "--json")).stdout);
    expect(csv).toMatchObject({ format: "csv", rows: 4, records: 4, span: dbn.span });
  });
});
