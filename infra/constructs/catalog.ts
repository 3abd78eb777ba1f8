/**
 * Glue database and tables over the results bucket, generated from the SAME schema objects the Parquet
 * writers use (lib/results), so the catalog cannot drift from the files (DESIGN.md "Result Parquet").
 * Partition projection: no crawler and no partition registration; run_id (and symbol) are `injected` (a
 * query must pin them with an equality), dates are a date range, the calibration version an integer range.
 */

import { Stack } from "aws-cdk-lib";
import * as glue from "aws-cdk-lib/aws-glue";
import type * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { CALIBRATION_TABLE } from "../../lib/results/calibrationSchema.ts";
import { QUEUE_CHECK } from "../../lib/results/queueCheckSchema.ts";
import { athenaType, type TableSchema } from "../../lib/results/schema.ts";
import { SUMMARY } from "../../lib/results/summarySchema.ts";
import { RESULT_TABLES } from "../../lib/results/tables.ts";

/** The tables in the catalog: executions, child_orders, fills, task_quality, summary, calibration, queue_check. */
export const CATALOG_TABLES: readonly TableSchema[] = [
  ...RESULT_TABLES,
  SUMMARY,
  CALIBRATION_TABLE,
  QUEUE_CHECK,
];

/** First date of the date projection (MBP-10 history before it is not expected). */
export const PROJECTION_FIRST_DATE = "2010-01-01";

/** Projection parameters of each partition key the result layouts use. */
const PROJECTION: Record<string, Record<string, string>> = {
  run_id: { type: "injected" },
  symbol: { type: "injected" },
  date: {
    type: "date",
    format: "yyyy-MM-dd",
    range: `${PROJECTION_FIRST_DATE},NOW`,
    interval: "1",
    "interval.unit": "DAYS",
  },
  v: { type: "integer", range: "1,1000" },
};

/** Key prefix of a table in the results bucket (DESIGN.md storage layout). */
export function tablePrefix(table: TableSchema): string {
  return table.name === CALIBRATION_TABLE.name ? "calibration/" : `results/${table.name}/`;
}

/** Glue comments are limited to 255 characters. */
const comment = (doc: string) => (doc.length <= 255 ? doc : `${doc.slice(0, 252)}...`);

/** The Glue TableInput of a result schema stored under s3://{bucket}/{tablePrefix}. */
export function glueTableInput(table: TableSchema, bucketName: string): glue.CfnTable.TableInputProperty {
  const location = `s3://${bucketName}/${tablePrefix(table)}`;
  const parameters: Record<string, string> = {
    classification: "parquet",
    "parquet.compression": "ZSTD",
    "projection.enabled": "true",
    "storage.location.template": location + table.partitions.map((p) => `${p.name}=\${${p.name}}/`).join(""),
  };
  for (const p of table.partitions) {
    const proj = PROJECTION[p.name];
    if (!proj)
      throw new Error(`no partition projection defined for ${table.name}.${p.name}; add it to PROJECTION`);
    for (const [k, v] of Object.entries(proj)) parameters[`projection.${p.name}.${k}`] = v;
  }
  return {
    name: table.name,
    description:
      table.name === CALIBRATION_TABLE.name
        ? "Calibration records, one row per symbol-day. Its folders also hold profile/fits/venues/outflow files: filter with \"$path\" LIKE '%/calibration.parquet'."
        : `Result table ${table.name} (lib/results)`,
    tableType: "EXTERNAL_TABLE",
    parameters,
    partitionKeys: table.partitions.map((p) => ({ name: p.name, type: p.type })),
    storageDescriptor: {
      location,
      inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
      outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
      serdeInfo: { serializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe" },
      columns: table.columns.map((c) => ({
        name: c.name,
        type: athenaType(c.type),
        comment: comment(c.doc),
      })),
    },
  };
}

export interface CatalogProps {
  readonly resultsBucket: s3.IBucket;
  /**
   * Glue database name (lowercase letters, digits, underscores).
   * @default "msor"
   */
  readonly databaseName?: string;
}

export class Catalog extends Construct {
  readonly databaseName: string;
  readonly tables: readonly glue.CfnTable[];

  constructor(scope: Construct, id: string, props: CatalogProps) {
    super(scope, id);
    this.databaseName = props.databaseName ?? "msor";
    if (!/^[a-z0-9_]{1,255}$/.test(this.databaseName)) {
      throw new Error(
        `Glue database name "${this.databaseName}" is invalid: use lowercase letters, digits and underscores`,
      );
    }
    const catalogId = Stack.of(this).account;
    const db = new glue.CfnDatabase(this, "Database", {
      catalogId,
      databaseInput: {
        name: this.databaseName,
        description: "myopic-sor backtest results (Athena over s3 results/ and calibration/)",
      },
    });
    this.tables = CATALOG_TABLES.map((t) => {
      const table = new glue.CfnTable(this, `Table-${t.name}`, {
        catalogId,
        databaseName: this.databaseName,
        tableInput: glueTableInput(t, props.resultsBucket.bucketName),
      });
      table.addResourceDependency(db);
      return table;
    });
  }
}
