import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DataFormatError } from "../../lib/core/errors.ts";
import { writeMbp10File } from "../../lib/mbp10/writer.ts";
import { rowsToParquet } from "../../lib/results/schema.ts";
import { EXECUTIONS } from "../../lib/results/tables.ts";
import { duckQuery } from "../helpers/duckdb.ts";
import { fullBatch } from "../helpers/fullBatch.ts";
import { rowOf } from "../helpers/rows.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();

describe("writers", () => {
  it("an input that fails half-way fails the write (no valid-looking truncated file)", async () => {
    const p = join(dir, "fail.parquet");
    async function* failing() {
      yield fullBatch([{ t: 1n }, { t: 2n }]);
      throw new DataFormatError("input broke at row 3");
    }
    await expect(writeMbp10File(p, failing())).rejects.toThrow(/input broke at row 3/);
    expect(existsSync(p)).toBe(false);
  });

  it("no batches at all is a clear error", async () => {
    await expect(writeMbp10File(join(dir, "none.parquet"), [])).rejects.toThrow(/nothing to write/);
  });

  it("a zero-row result table is a valid file with the schema", async () => {
    const p = join(dir, "empty-exec.parquet");
    const bytes = await rowsToParquet(EXECUTIONS, []);
    (await import("node:fs")).writeFileSync(p, bytes);
    expect(readFileSync(p).subarray(0, 4).toString()).toBe("PAR1");
    const rows = await duckQuery(`select count(*)::int as n from read_parquet('${p}')`);
    expect(rows).toEqual([{ n: 0 }]);
    const cols = await duckQuery(`describe select * from read_parquet('${p}')`);
    expect(cols.map((c) => c.column_name)).toEqual(EXECUTIONS.columns.map((c) => c.name));
  });
});

describe("result columns", () => {
  it("NaN floats are written as NULL, so SQL aggregates skip them", async () => {
    const p = join(dir, "nan.parquet");
    const base = {
      symbol: "X",
      order_id: "o",
      strategy: "s",
      parent_qty: 1,
      start_ns: 0n,
      start_ts: 0n,
      child_count: 0,
    };
    (await import("node:fs")).writeFileSync(
      p,
      await rowsToParquet(EXECUTIONS, [
        rowOf(EXECUTIONS, { ...base, is_bps: 2 }),
        rowOf(EXECUTIONS, { ...base, is_bps: Number.NaN }),
      ]),
    );
    const rows = await duckQuery(
      `select count(is_bps)::int as n, avg(is_bps) as m from read_parquet('${p}')`,
    );
    expect(rows).toEqual([{ n: 1, m: 2 }]);
  });
});
