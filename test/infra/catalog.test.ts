/**
 * The Glue tables equal the Parquet writers' schemas (DESIGN.md: generated from the same schema objects so
 * they cannot drift): columns, types and order from the template against (1) the schema objects and (2) the
 * Arrow schema of a file actually written by rowsToParquet; partition keys and location templates against
 * the key builders.
 */
import { dirname } from "node:path";
import * as arrow from "apache-arrow";
import { describe, expect, it } from "vitest";
import { CATALOG_TABLES } from "../../infra/constructs/catalog.ts";
import { CALIBRATION_VERSION } from "../../lib/calibration/types.ts";
import { openParquet } from "../../lib/parquet/read.ts";
import { bufferSource } from "../../lib/ports/byteSource.ts";
import { CALIBRATION_TABLE } from "../../lib/results/calibrationSchema.ts";
import { athenaType, rowsToParquet, type TableSchema } from "../../lib/results/schema.ts";
import { SUMMARY } from "../../lib/results/summarySchema.ts";
import { RESULT_TABLES } from "../../lib/results/tables.ts";
import { calibrationKey, resultKey } from "../../lib/store/keys.ts";
import { logicalId, render, resources, synth } from "./synth.ts";

const { template: t } = synth();
const bucket = `<${logicalId(t, "AWS::S3::Bucket", "StorageResults")}>`;
const glueTables = new Map(
  Object.values(resources(t, "AWS::Glue::Table")).map((r) => [
    r.Properties.TableInput.Name as string,
    r.Properties,
  ]),
);

/** Athena type of an Arrow field as written by the result writer. */
function athenaOfArrow(type: arrow.DataType): string {
  if (arrow.DataType.isUtf8(type)) return "string";
  if (arrow.DataType.isBool(type)) return "boolean";
  if (arrow.DataType.isFloat(type) && type.precision === arrow.Precision.DOUBLE) return "double";
  if (arrow.DataType.isInt(type) && type.isSigned && type.bitWidth === 32) return "int";
  if (arrow.DataType.isInt(type) && type.isSigned && type.bitWidth === 64) return "bigint";
  if (arrow.DataType.isTimestamp(type) && type.unit === arrow.TimeUnit.MICROSECOND && type.timezone === "UTC")
    return "timestamp";
  return `unsupported ${String(type)}`;
}

/** One row with a value of the right kind in every column. */
function sampleRow(schema: TableSchema): Record<string, string | number | bigint | boolean> {
  const row: Record<string, string | number | bigint | boolean> = {};
  for (const c of schema.columns) {
    row[c.name] = {
      string: "x",
      int32: 1,
      int64: 2n,
      float64: 1.5,
      bool: true,
      timestamp_us: 1_700_000_000_000_000_000n,
    }[c.type];
  }
  return row;
}

const columnsOf = (name: string) =>
  (
    glueTables.get(name)!.TableInput.StorageDescriptor.Columns as {
      Name: string;
      Type: string;
      Comment: string;
    }[]
  ).map((c) => [c.Name, c.Type]);

describe("Glue tables = writer schemas", () => {
  it("the catalog holds exactly executions, child_orders, fills, task_quality, summary, calibration", () => {
    expect([...glueTables.keys()].sort()).toEqual(CATALOG_TABLES.map((x) => x.name).sort());
    expect(CATALOG_TABLES.map((x) => x.name).sort()).toEqual(
      ["calibration", "child_orders", "executions", "fills", "summary", "task_quality", "venue_stats"].sort(),
    );
  });

  for (const schema of CATALOG_TABLES) {
    it(`${schema.name}: columns and types equal the schema object and the written Parquet file`, async () => {
      const glue = columnsOf(schema.name);
      expect(glue).toEqual(schema.columns.map((c) => [c.name, athenaType(c.type)]));
      const bytes = await rowsToParquet(schema, [sampleRow(schema)]);
      const pq = await openParquet(bufferSource(`${schema.name}.parquet`, bytes));
      expect(glue).toEqual(pq.schema.fields.map((f) => [f.name, athenaOfArrow(f.type)]));
      // comments carry the column docs (units)
      const comments = (
        glueTables.get(schema.name)!.TableInput.StorageDescriptor.Columns as { Comment: string }[]
      ).map((c) => c.Comment);
      expect(comments).toEqual(schema.columns.map((c) => (c.doc.length <= 255 ? c.doc : expect.any(String))));
    });
  }

  it("partition keys and location templates match the keys the writers use", () => {
    const template = (name: string) =>
      render(glueTables.get(name)!.TableInput.Parameters["storage.location.template"]);
    const fill = (tpl: string, v: Record<string, string>) =>
      tpl.replace(/\$\{(\w+)\}/g, (_, k: string) => v[k] ?? `?${k}`);
    for (const schema of RESULT_TABLES) {
      expect(glueTables.get(schema.name)!.TableInput.PartitionKeys).toEqual([
        { Name: "run_id", Type: "string" },
        { Name: "date", Type: "string" },
      ]);
      expect(fill(template(schema.name), { run_id: "r1", date: "2024-03-05" })).toBe(
        `s3://${bucket}/${dirname(resultKey(schema, "r1", "2024-03-05", "AAPL"))}/`,
      );
    }
    expect(fill(template(SUMMARY.name), { run_id: "r1" })).toBe(`s3://${bucket}/results/summary/run_id=r1/`);
    expect(
      fill(template(CALIBRATION_TABLE.name), {
        v: String(CALIBRATION_VERSION),
        symbol: "AAPL",
        date: "2024-03-05",
      }),
    ).toBe(`s3://${bucket}/${dirname(calibrationKey("AAPL", "2024-03-05", "calibration"))}/`);
    const calib = glueTables.get(CALIBRATION_TABLE.name)!.TableInput.Parameters;
    expect(calib["projection.v.type"]).toBe("integer");
    expect(calib["projection.symbol.type"]).toBe("injected");
  });
});
