/**
 * The `aws` backend of the sweep: the results bucket, the input bucket and the three queues, as ObjectStores
 * and Queues for the same lib/pipeline handlers that the local backend drives. Names come from the Lambda
 * environment, from `cdk deploy --outputs-file` (msor sweep --stack-outputs FILE) or from flags, all named in
 * the one table of deployment.ts.
 */
import { readFileSync } from "node:fs";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { errorMessage, InputError } from "../core/errors.ts";
import type { ObjectStore } from "../ports/objectStore.ts";
import type { Queue } from "../ports/queue.ts";
import type { ResolvedInput } from "../specs/sweepSpec.ts";
import { SWEEP_NAMES, type SweepNameField } from "./deployment.ts";
import { S3ObjectStore } from "./s3ObjectStore.ts";
import { SqsQueue } from "./sqsQueue.ts";

/** Where a deployed (or emulated) sweep lives. Queue URLs are optional for read-only uses (msor status). */
export interface AwsSweepNames {
  readonly resultsBucket: string;
  readonly inputBucket?: string | undefined;
  readonly taskQueueUrl?: string | undefined;
  readonly taskDlqUrl?: string | undefined;
  readonly completionQueueUrl?: string | undefined;
}

/** The Lambda environment variable of each name (deployment.ts, the table the stack sets them from). */
export const SWEEP_ENV = Object.fromEntries(
  Object.entries(SWEEP_NAMES).map(([field, n]) => [field, n.env]),
) as { readonly [K in SweepNameField]: (typeof SWEEP_NAMES)[K]["env"] };

export function namesFromEnv(env: NodeJS.ProcessEnv = process.env): AwsSweepNames {
  const resultsBucket = env[SWEEP_ENV.resultsBucket];
  if (!resultsBucket) {
    throw new InputError(`${SWEEP_ENV.resultsBucket} is not set: the function must run in the msor stack`);
  }
  return {
    resultsBucket,
    inputBucket: env[SWEEP_ENV.inputBucket],
    taskQueueUrl: env[SWEEP_ENV.taskQueueUrl],
    taskDlqUrl: env[SWEEP_ENV.taskDlqUrl],
    completionQueueUrl: env[SWEEP_ENV.completionQueueUrl],
  };
}

/**
 * Names from a `cdk deploy --outputs-file` JSON ({StackName: {ResultsBucketName, ...}}); with several
 * stacks in the file, `stack` picks one.
 */
export function namesFromStackOutputs(path: string, stack?: string): AwsSweepNames {
  let json: Record<string, Record<string, string>>;
  try {
    json = JSON.parse(readFileSync(path, "utf8")) as Record<string, Record<string, string>>;
  } catch (e) {
    throw new InputError(
      `cannot read stack outputs ${path}: ${errorMessage(e)}; pass the file of cdk deploy --outputs-file`,
    );
  }
  const stacks = json !== null && typeof json === "object" ? Object.keys(json) : [];
  if (stacks.length === 0)
    throw new InputError(
      `stack outputs ${path} holds no stack: cdk writes that when a deploy failed or deployed nothing; ` +
        "run npx cdk deploy --outputs-file FILE again and check that it succeeds, or pass --results-bucket and the queue URLs",
    );
  const name = stack ?? (stacks.length === 1 ? stacks[0] : undefined);
  const o = name ? json[name] : undefined;
  if (!o) {
    throw new InputError(
      stack
        ? `stack outputs ${path} has no stack ${stack} (found: ${stacks.join(", ")}); pass --stack with one of those`
        : `stack outputs ${path} holds ${stacks.length} stacks (${stacks.join(", ")}); pass --stack NAME with one of them`,
    );
  }
  const out = (field: SweepNameField) => o[SWEEP_NAMES[field].output];
  const resultsBucket = out("resultsBucket");
  if (!resultsBucket)
    throw new InputError(`stack outputs ${path}: ${name} has no ${SWEEP_NAMES.resultsBucket.output} output`);
  return {
    resultsBucket,
    inputBucket: out("inputBucket"),
    taskQueueUrl: out("taskQueueUrl"),
    taskDlqUrl: out("taskDlqUrl"),
    completionQueueUrl: out("completionQueueUrl"),
  };
}

export interface AwsSweepTarget {
  readonly store: ObjectStore;
  readonly inputStore: (input: ResolvedInput) => ObjectStore;
  readonly taskQueue: () => Queue;
  readonly taskDlq: () => Queue;
  readonly completionQueue: () => Queue;
}

const required = (url: string | undefined, what: string): string => {
  if (!url)
    throw new InputError(`no ${what} URL: pass it as a flag, in --stack-outputs, or in the environment`);
  return url;
};

export function awsSweepTarget(
  clients: { s3: S3Client; sqs: SQSClient },
  names: AwsSweepNames,
): AwsSweepTarget {
  const store = new S3ObjectStore({ client: clients.s3, bucket: names.resultsBucket });
  const inputs = new Map<string, ObjectStore>();
  return {
    store,
    inputStore(input) {
      if (input.root !== undefined) {
        throw new InputError(
          `the spec reads input from the local folder ${input.root}; on the aws backend set input.bucket (or leave it out to use the stack's input bucket)`,
        );
      }
      const bucket = input.bucket ?? names.inputBucket;
      if (!bucket)
        throw new InputError(
          "no input bucket: set input.bucket in the spec or deploy the stack's input bucket",
        );
      let s = inputs.get(bucket);
      if (!s) {
        s = new S3ObjectStore({ client: clients.s3, bucket });
        inputs.set(bucket, s);
      }
      return s;
    },
    taskQueue: () => new SqsQueue(clients.sqs, required(names.taskQueueUrl, "task queue")),
    taskDlq: () => new SqsQueue(clients.sqs, required(names.taskDlqUrl, "task DLQ")),
    completionQueue: () => new SqsQueue(clients.sqs, required(names.completionQueueUrl, "completion queue")),
  };
}
