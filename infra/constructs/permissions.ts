/**
 * Least-privilege IAM of the three functions (DESIGN.md "AWS deployment"): explicit S3 actions on explicit
 * key prefixes (never s3:* nor a bucket-wide write), ListBucket only under the prefixes each function lists,
 * queue actions through the L2 grants. The key prefixes are those of lib/store/keys.ts (DESIGN.md storage
 * layout). Each remaining `prefix/*` resource is a nag IAM5 finding acknowledged with its reason here.
 */
import { Stack, Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as s3 from "aws-cdk-lib/aws-s3";
import { KEY_PREFIXES, PUBLISHED_PART_PATTERNS } from "../../lib/aws/deployment.ts";
import type { Queues } from "./queues.ts";

/** Key prefixes of the results bucket (the one table of lib/aws/deployment.ts, built by lib/store/keys.ts). */
export const PREFIX = KEY_PREFIXES;

interface Access {
  /** Keys (patterns under the bucket) the function may read. */
  readonly read?: readonly string[];
  /** Keys (patterns) the function may write (PutObject incl. conditional put, multipart abort). */
  readonly write?: readonly string[];
  /** s3:prefix patterns the function may list ("*" = any). */
  readonly list?: readonly string[];
  /** Keys (patterns) the function may delete. */
  readonly delete?: readonly string[];
}

/** The nag IAM5 finding id of a bucket ARN + suffix, as cdk-nag renders the resolved resource. */
function nagResource(bucket: s3.IBucket, suffix: string): string {
  const cfn = bucket.node.defaultChild;
  if (cfn instanceof s3.CfnBucket) return `Resource::<${Stack.of(bucket).getLogicalId(cfn)}.Arn>${suffix}`;
  return `Resource::arn:<AWS::Partition>:s3:::${bucket.bucketName}${suffix}`;
}

function grantBucket(fn: lambda.Function, bucket: s3.IBucket, access: Access, why: string): void {
  const policy = fn.role!;
  const findings: string[] = [];
  const objects = (keys: readonly string[]) => keys.map((k) => bucket.arnForObjects(k));
  if (access.read?.length) {
    policy.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ["s3:GetObject"], resources: objects(access.read) }),
    );
    for (const k of access.read) if (k.includes("*")) findings.push(nagResource(bucket, `/${k}`));
  }
  if (access.write?.length) {
    policy.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ["s3:PutObject", "s3:AbortMultipartUpload"],
        resources: objects(access.write),
      }),
    );
    for (const k of access.write) if (k.includes("*")) findings.push(nagResource(bucket, `/${k}`));
  }
  if (access.delete?.length) {
    policy.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ["s3:DeleteObject"], resources: objects(access.delete) }),
    );
    for (const k of access.delete) if (k.includes("*")) findings.push(nagResource(bucket, `/${k}`));
  }
  if (access.list?.length) {
    // "*" (the whole bucket) needs no s3:prefix condition
    const prefixes = access.list.filter((p) => p !== "*");
    policy.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ["s3:ListBucket"],
        resources: [bucket.bucketArn],
        ...(prefixes.length === access.list.length
          ? { conditions: { StringLike: { "s3:prefix": prefixes } } }
          : {}),
      }),
    );
  }
  for (const id of new Set(findings)) {
    Validations.of(fn).acknowledge({ id: `AwsSolutions-IAM5[${id}]`, reason: why });
  }
}

export interface PermissionsProps {
  readonly planner: lambda.Function;
  readonly worker: lambda.Function;
  readonly summary: lambda.Function;
  readonly resultsBucket: s3.IBucket;
  readonly inputBucket: s3.IBucket;
  /** Key prefix the input files live under ("" = the whole input bucket, read-only). */
  readonly inputKeyPrefix: string;
  /** KMS key of an SSE-KMS input bucket: the worker may decrypt with it (reading the input). */
  readonly inputKmsKeyArn?: string | undefined;
  readonly queues: Queues;
}

const KEYS_WHY =
  "Object keys are per run, symbol and date (DESIGN.md storage layout), so access is granted on a fixed key prefix with a trailing wildcard; the actions are explicit and no other prefix is reachable.";

export function grantLeastPrivilege(p: PermissionsProps): void {
  const { resultsBucket: results, queues } = p;
  const input = `${p.inputKeyPrefix}*`;

  // worker: read its input and earlier calibrations and the run manifest; write its staged result files,
  // calibration records and its task marker; as a compaction task (wave 3) read the staged files and publish
  // the result tables' parts (never the summary table); send its completion.
  grantBucket(p.worker, p.inputBucket, { read: [input], list: [input] }, KEYS_WHY);
  grantBucket(
    p.worker,
    results,
    {
      read: [`${PREFIX.calibration}*`, PREFIX.manifests, `${PREFIX.markers}*`, `${PREFIX.staging}*`],
      write: [
        `${PREFIX.staging}*`,
        `${PREFIX.calibration}*`,
        `${PREFIX.markers}*`,
        ...PUBLISHED_PART_PATTERNS,
      ],
      list: [`${PREFIX.calibration}*`, `${PREFIX.markers}*`, `${PREFIX.staging}*`],
    },
    KEYS_WHY,
  );
  // calibration records are written put-if-absent only (If-None-Match: *; worker.ts): a worker cannot replace a
  // record that later runs trust, whichever day or run wrote it; S3 refuses a plain PUT of the role there
  p.worker.role!.addToPrincipalPolicy(
    new iam.PolicyStatement({
      effect: iam.Effect.DENY,
      actions: ["s3:PutObject"],
      resources: [results.arnForObjects(`${PREFIX.calibration}*`)],
      conditions: { Null: { "s3:if-none-match": "true" } },
    }),
  );
  queues.completionQueue.grantSendMessages(p.worker);
  if (p.inputKmsKeyArn) {
    p.worker.role!.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ["kms:Decrypt"], resources: [p.inputKmsKeyArn] }),
    );
  }

  // planner: read the spec, list the input and the cached calibrations, write the run folder, enqueue tasks
  grantBucket(p.planner, p.inputBucket, { list: [input] }, KEYS_WHY);
  grantBucket(
    p.planner,
    results,
    {
      read: [`${PREFIX.specs}*`, `${PREFIX.runs}*`],
      write: [`${PREFIX.runs}*`, `${PREFIX.activeRuns}*`],
      list: [`${PREFIX.calibration}*`, `${PREFIX.runs}*`, `${PREFIX.specs}*`],
    },
    KEYS_WHY,
  );
  queues.taskQueue.grantSendMessages(p.planner);

  // summary: merge status (compare-and-swap), read the staged files of the report's sample and the published
  // ones, calibration records for the report; write the summary table and the report; start waves 2 and 3;
  // drain the task DLQ to account for dead-lettered tasks; scan and prune the active-runs/ index
  grantBucket(
    p.summary,
    results,
    {
      read: [`${PREFIX.runs}*`, `${PREFIX.results}*`, `${PREFIX.staging}*`, `${PREFIX.calibration}*`],
      write: [`${PREFIX.runs}*`, `${PREFIX.summaryTable}*`],
      list: [
        `${PREFIX.runs}*`,
        `${PREFIX.results}*`,
        `${PREFIX.staging}*`,
        `${PREFIX.calibration}*`,
        `${PREFIX.activeRuns}*`,
      ],
      // a finished run leaves the index of active runs (the only deletion any function may do)
      delete: [`${PREFIX.activeRuns}*`],
    },
    KEYS_WHY,
  );
  queues.taskQueue.grantSendMessages(p.summary);
  queues.taskDlq.grantConsumeMessages(p.summary);
}
