/**
 * Stack props from CDK context (`-c key=value` arrives as a string; cdk.json context as JSON values).
 * Unknown keys are ignored by CDK itself; the values are checked here and again by resolveProps.
 */
import { Duration } from "aws-cdk-lib";
import type { Construct } from "constructs";
import type { MsorStackProps } from "./stack.ts";

function read(scope: Construct, key: string): string | undefined {
  const v: unknown = scope.node.tryGetContext(key);
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return String(v);
  throw new Error(`context ${key} must be a string, number or boolean, got ${JSON.stringify(v)}`);
}

function num(scope: Construct, key: string): number | undefined {
  const v = read(scope, key);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`context ${key} must be a number, got "${v}" (e.g. -c ${key}=10)`);
  return n;
}

function bool(scope: Construct, key: string): boolean | undefined {
  const v = read(scope, key);
  if (v === undefined) return undefined;
  if (v !== "true" && v !== "false") throw new Error(`context ${key} must be true or false, got "${v}"`);
  return v === "true";
}

/** The MsorStackProps given as context; absent keys keep their documented defaults. */
export function contextProps(scope: Construct): MsorStackProps {
  const seconds = (key: string) => {
    const n = num(scope, key);
    return n === undefined ? undefined : Duration.seconds(n);
  };
  return {
    inputBucketName: read(scope, "inputBucketName"),
    inputKeyPrefix: read(scope, "inputKeyPrefix"),
    workerMemoryMiB: num(scope, "workerMemoryMiB"),
    workerTimeout: seconds("workerTimeoutSeconds"),
    workerMaxConcurrency: num(scope, "workerMaxConcurrency"),
    scheduleCron: read(scope, "scheduleCron"),
    scheduleTimeZone: read(scope, "scheduleTimeZone"),
    scheduleEnabled: bool(scope, "scheduleEnabled"),
    dailySpecKey: read(scope, "dailySpecKey"),
    summaryBatchSize: num(scope, "summaryBatchSize"),
    summaryBatchingWindow: seconds("summaryBatchingWindowSeconds"),
    athenaBytesScannedCutoff: num(scope, "athenaBytesScannedCutoff"),
    alarmEmail: read(scope, "alarmEmail"),
    taskMaxAge: seconds("taskMaxAgeSeconds"),
    runDeadline: seconds("runDeadlineSeconds"),
    inputKmsKeyArn: read(scope, "inputKmsKeyArn"),
  };
}
