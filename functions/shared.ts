/**
 * What the three handlers share: Powertools logger and metrics, the AWS clients and the sweep target, all
 * created ONCE per Lambda instance (module scope), from the environment the stack sets.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { z } from "zod";
import { awsConfigFromEnv, createAwsClients } from "../lib/aws/clients.ts";
import { METRICS_NAMESPACE, METRICS_SERVICE } from "../lib/aws/deployment.ts";
import { type AwsSweepTarget, awsSweepTarget, namesFromEnv } from "../lib/aws/sweepTarget.ts";

export const logger = new Logger({ serviceName: METRICS_SERVICE });
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });

let target: AwsSweepTarget | undefined;
/** The sweep's stores and queues (created on first use, then reused by the warm instance). */
export function sweepTarget(): AwsSweepTarget {
  target ??= awsSweepTarget(createAwsClients(awsConfigFromEnv()), namesFromEnv());
  return target;
}

/** The part of an SQS event the handlers read (validated at the edge). */
export const SqsEventSchema = z.object({
  Records: z.array(
    z.object({ messageId: z.string(), body: z.string(), eventSource: z.string().optional() }).passthrough(),
  ),
});

/** Logger adapter for lib functions (level, message, fields). */
export const logTo = (level: "info" | "warn" | "error", message: string, fields?: Record<string, unknown>) =>
  logger[level](message, fields ?? {});
