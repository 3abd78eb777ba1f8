/**
 * Buckets: results (results/, calibration/, runs/, specs/, athena-results/: DESIGN.md storage layout), input
 * (MBP-10 Parquet, created here or imported by name) and the server-access-log bucket both write to.
 * Every bucket: block public access, TLS-only policy, S3-managed encryption.
 */
import { Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";

/** Prefix of Athena query results inside the results bucket (expired after `athenaResultsExpiry`). */
export const ATHENA_RESULTS_PREFIX = "athena-results/";

export interface StorageProps {
  /**
   * Name of an existing input bucket to read MBP-10 files from (imported, never modified).
   * @default - a new input bucket is created
   */
  readonly inputBucketName?: string;
  /**
   * Days after which a non-current (overwritten or deleted) results object version is removed.
   * @default 30
   */
  readonly noncurrentVersionExpirationDays?: number;
  /**
   * Days after which per-task staging files (staging/..., published by wave 3's compaction tasks as one file
   * per table, date and 1,000 symbols) expire. A run must reach wave 3 before then: a compaction task whose
   * staged file has expired fails rather than publish a part without it.
   * @default 14
   */
  readonly stagingExpirationDays?: number;
  /**
   * What happens to the created buckets when the stack is deleted.
   * @default RemovalPolicy.RETAIN (results outlive the stack; see docs/deploy.md "Tear down")
   */
  readonly removalPolicy?: RemovalPolicy;
}

export class Storage extends Construct {
  readonly resultsBucket: s3.Bucket;
  readonly inputBucket: s3.IBucket;
  readonly accessLogsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: StorageProps = {}) {
    super(scope, id);
    // log delivery authorised by a bucket policy for the logging service, not by the legacy ACL
    this.node.setContext("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy", true);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const common = {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy,
    } as const;

    this.accessLogsBucket = new s3.Bucket(this, "AccessLogs", {
      ...common,
      lifecycleRules: [{ id: "expire-access-logs", expiration: Duration.days(90) }],
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: "AwsSolutions-S1",
      reason:
        "This IS the server-access-log bucket of the other buckets; logging it into itself would loop and logging it elsewhere needs yet another bucket.",
    });

    this.resultsBucket = new s3.Bucket(this, "Results", {
      ...common,
      versioned: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: "results/",
      lifecycleRules: [
        {
          id: "noncurrent-versions",
          noncurrentVersionExpiration: Duration.days(props.noncurrentVersionExpirationDays ?? 30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
        { id: "athena-results", prefix: ATHENA_RESULTS_PREFIX, expiration: Duration.days(30) },
        // per-task files a run's summary has published as one file per table and date (lib/pipeline/compaction.ts)
        { id: "staging", prefix: "staging/", expiration: Duration.days(props.stagingExpirationDays ?? 14) },
      ],
    });

    this.inputBucket =
      props.inputBucketName !== undefined
        ? s3.Bucket.fromBucketName(this, "Input", props.inputBucketName)
        : new s3.Bucket(this, "Input", {
            ...common,
            serverAccessLogsBucket: this.accessLogsBucket,
            serverAccessLogsPrefix: "input/",
            lifecycleRules: [
              { id: "abort-multipart", abortIncompleteMultipartUploadAfter: Duration.days(7) },
            ],
          });
  }
}
