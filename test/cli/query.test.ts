/**
 * msor query: every saved Athena query runs through `msor query --saved NAME --run-id R` on a small real run
 * and returns rows; --list-saved, --print-sql; the "no files yet" hint only on a missing-table error.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { countParameters } from "../../lib/pipeline/local/query.ts";
import { runLocalBacktest } from "../../lib/pipeline/localBacktest.ts";
import { SAVED_QUERIES } from "../../lib/results/queries.ts";
import { parseTaskSpec } from "../../lib/specs/taskSpec.ts";
import { writeSyntheticDay } from "../../lib/synth/index.ts";
import { runMain } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();
const root = join(dir, "out");
const RUN = "qcli";

const run = runMain;

beforeAll(async () => {
  const spec = parseTaskSpec({
    orders: [{ side: "buy", shares: 2000, start_times: ["10:00", "13:00"], horizon_min: 20 }],
    strategies: [
      { strategy: "twap", exec: "market" },
      { strategy: "myopic", exec: "market" },
      { strategy: "myopic", exec: "sor" },
      { strategy: "myopic", exec: "market", alpha: "imbalance" },
    ],
    router: { samples: 100 },
  });
  const files: string[] = [];
  for (const symbol of ["SYNA", "SYNB"]) {
    // the first day is a warm-up (calibrated, not backtested)
    for (const date of ["2024-03-01", "2024-03-04"]) {
      const p = join(dir, "in", symbol, `${date}.parquet`);
      await writeSyntheticDay(p, { symbol, date, venues: 2, eventsPerVenue: 10_000, seed: 5 });
      files.push(p);
    }
  }
  await runLocalBacktest({ paths: files, spec, outDir: root, runId: RUN });
}, 120_000);

describe("msor query --saved", () => {
  it("every saved query runs with --run-id and returns rows; another run id returns none", async () => {
    for (const q of SAVED_QUERIES) {
      const r = await run(["query", "--saved", q.name, "--run-id", RUN, "--root", root, "--json"]);
      expect(r.code, `${q.name}: ${r.err}`).toBe(0);
      // the decomposition check returns rows only where the identity fails: none
      if (q.name === "tca_identity_check") expect(JSON.parse(r.out), q.name).toEqual([]);
      else expect(JSON.parse(r.out).length, q.name).toBeGreaterThan(0);
      const none = await run(["query", "--saved", q.name, "--run-id", "other", "--root", root, "--json"]);
      expect(JSON.parse(none.out), q.name).toEqual([]);
    }
  }, 120_000);

  it("binds ? in ad-hoc SQL too, and refuses ? without --run-id with what to do", async () => {
    const sql = "SELECT count(*)::INTEGER AS n FROM executions WHERE run_id = ? AND strategy = 'twap/market'";
    const r = await run(["query", sql, "--run-id", RUN, "--root", root, "--json"]);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toEqual([{ n: 4 }]); // 2 symbols x 1 day x 2 orders
    const no = await run(["query", sql, "--root", root]);
    expect(no.code).toBe(2);
    expect(no.err).toMatch(/1 \? parameter.*give --run-id R/);
    const saved = await run(["query", "--saved", "per_symbol", "--root", root]);
    expect(saved.code).toBe(2);
    expect(saved.err).toMatch(/--saved per_symbol needs --run-id R/);
    const unknown = await run(["query", "--saved", "nope", "--run-id", RUN, "--root", root]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("strategy_comparison, routing_difference");
  });

  it("--list-saved lists every name with its description; --print-sql prints the SQL without running it", async () => {
    const l = await run(["query", "--list-saved", "--json"]);
    expect(JSON.parse(l.out)).toEqual(
      SAVED_QUERIES.map((q) => ({ name: q.name, description: q.description })),
    );
    const text = await run(["query", "--list-saved"]);
    for (const q of SAVED_QUERIES) expect(text.out).toContain(`${q.name}\n  ${q.description}\n`);
    // no --root with results needed: nothing runs
    const p = await run([
      "query",
      "--saved",
      "routing_difference",
      "--print-sql",
      "--root",
      join(dir, "none"),
    ]);
    expect(p.code, p.err).toBe(0);
    expect(p.out).toBe(`${SAVED_QUERIES.find((q) => q.name === "routing_difference")!.sql}\n`);
  });

  it("counts ? outside quoted strings and identifiers only", () => {
    expect(countParameters("SELECT '?', \"a?\" FROM t WHERE x = ? AND y = ?")).toBe(2);
    for (const q of SAVED_QUERIES) expect(countParameters(q.sql), q.name).toBe(1);
  });
});

describe("msor query errors", () => {
  it("a syntax error is reported without the 'no files yet' hint, even when tables lack files", async () => {
    const r = await run(["query", "SELEC 1", "--root", join(dir, "empty")]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/syntax error/);
    expect(r.err).not.toContain("no files yet");
  });

  it("a missing table names the tables without files and what to run", async () => {
    const r = await run(["query", "SELECT * FROM summary", "--root", join(dir, "empty")]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /no files yet under .*empty for: .*summary, queue_check; run msor sweep or msor demo first/,
    );
  });
});
