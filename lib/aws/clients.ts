/**
 * AWS SDK v3 clients for the `aws` backend. lib/aws is the only folder that imports @aws-sdk.
 * Create the clients ONCE (at module scope of a Lambda handler, or once per CLI run) and pass them in.
 * `AWS_ENDPOINT_URL` (or the service-specific `AWS_ENDPOINT_URL_S3` / `AWS_ENDPOINT_URL_SQS`) points them at
 * any S3/SQS-compatible endpoint (moto_server, LocalStack, MinIO); S3 then uses path-style addressing, since
 * such endpoints rarely serve virtual-hosted bucket names.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import { InputError } from "../core/errors.ts";

export interface AwsConfig {
  region: string;
  /** Custom endpoint for both services (e.g. http://127.0.0.1:5000). */
  endpoint?: string;
  /** Service-specific endpoints win over `endpoint`. */
  s3Endpoint?: string;
  sqsEndpoint?: string;
  /** Explicit credentials (tests); default: the SDK's provider chain (Lambda role, env, profile). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** SDK attempts per call, retries of throttling / 5xx included (default 3, the SDK's standard mode). */
  maxAttempts?: number;
}

/** Client configuration from environment variables (AWS_REGION / AWS_DEFAULT_REGION, AWS_ENDPOINT_URL*). */
export function awsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AwsConfig {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new InputError("no AWS region: set AWS_REGION (e.g. us-east-1) for the aws backend");
  }
  const cfg: AwsConfig = { region };
  const url = (name: string) => {
    const v = env[name];
    if (v === undefined || v === "") return undefined;
    try {
      new URL(v);
    } catch {
      throw new InputError(`${name}=${JSON.stringify(v)} is not a URL; use e.g. http://127.0.0.1:5000`);
    }
    return v;
  };
  const endpoint = url("AWS_ENDPOINT_URL");
  const s3 = url("AWS_ENDPOINT_URL_S3");
  const sqs = url("AWS_ENDPOINT_URL_SQS");
  if (endpoint) cfg.endpoint = endpoint;
  if (s3) cfg.s3Endpoint = s3;
  if (sqs) cfg.sqsEndpoint = sqs;
  const attempts = env.AWS_MAX_ATTEMPTS;
  if (attempts !== undefined && attempts !== "") {
    const n = Number(attempts);
    if (!Number.isInteger(n) || n < 1)
      throw new InputError(`AWS_MAX_ATTEMPTS=${attempts} must be an integer >= 1`);
    cfg.maxAttempts = n;
  }
  return cfg;
}

export function createS3Client(cfg: AwsConfig): S3Client {
  const endpoint = cfg.s3Endpoint ?? cfg.endpoint;
  return new S3Client({
    region: cfg.region,
    maxAttempts: cfg.maxAttempts ?? 3,
    ...(cfg.credentials ? { credentials: cfg.credentials } : {}),
    ...(endpoint
      ? {
          endpoint,
          forcePathStyle: true,
          // S3-compatible endpoints do not all know the newer default CRC checksums
          requestChecksumCalculation: "WHEN_REQUIRED" as const,
          responseChecksumValidation: "WHEN_REQUIRED" as const,
        }
      : {}),
  });
}

export function createSqsClient(cfg: AwsConfig): SQSClient {
  const endpoint = cfg.sqsEndpoint ?? cfg.endpoint;
  return new SQSClient({
    region: cfg.region,
    maxAttempts: cfg.maxAttempts ?? 3,
    ...(cfg.credentials ? { credentials: cfg.credentials } : {}),
    ...(endpoint ? { endpoint } : {}),
  });
}

export interface AwsClients {
  readonly s3: S3Client;
  readonly sqs: SQSClient;
}

/** Both clients from one configuration. */
export function createAwsClients(cfg: AwsConfig = awsConfigFromEnv()): AwsClients {
  return { s3: createS3Client(cfg), sqs: createSqsClient(cfg) };
}
