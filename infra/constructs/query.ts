/**
 * Athena: a workgroup whose query results go to the results bucket (encrypted, expired by a lifecycle
 * rule), engine version 3, a per-query scan cutoff, and the saved queries of lib/results/queries.ts (the
 * same text `msor query` runs in DuckDB). Each saved query takes one execution parameter: the run_id.
 */
import * as athena from "aws-cdk-lib/aws-athena";
import type * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { SAVED_QUERIES } from "../../lib/results/queries.ts";
import { ATHENA_RESULTS_PREFIX } from "./storage.ts";

export interface QueryProps {
  readonly resultsBucket: s3.IBucket;
  readonly databaseName: string;
  /** Workgroup name. */
  readonly workGroupName: string;
  /** Athena stops a query after scanning this many bytes. */
  readonly bytesScannedCutoffPerQuery: number;
}

export class Query extends Construct {
  readonly workGroup: athena.CfnWorkGroup;
  readonly namedQueries: readonly athena.CfnNamedQuery[];

  constructor(scope: Construct, id: string, props: QueryProps) {
    super(scope, id);
    this.workGroup = new athena.CfnWorkGroup(this, "WorkGroup", {
      name: props.workGroupName,
      description: "myopic-sor: queries over the backtest results",
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery,
        engineVersion: { selectedEngineVersion: "Athena engine version 3" },
        resultConfiguration: {
          outputLocation: `s3://${props.resultsBucket.bucketName}/${ATHENA_RESULTS_PREFIX}`,
          encryptionConfiguration: { encryptionOption: "SSE_S3" },
        },
      },
    });
    this.namedQueries = SAVED_QUERIES.map((q) => {
      const named = new athena.CfnNamedQuery(this, `Query-${q.name}`, {
        name: q.name,
        description: `${q.description}. Parameter: run_id.`.slice(0, 1024),
        database: props.databaseName,
        workGroup: props.workGroupName,
        queryString: q.sql,
      });
      named.addResourceDependency(this.workGroup);
      return named;
    });
  }
}
