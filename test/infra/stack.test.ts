/**
 * The synthesized template, one property at a time (DESIGN.md "AWS deployment", issue 11 scope): buckets,
 * queues, functions and their event sources, least-privilege IAM, the daily schedule, Athena, alarms,
 * outputs, and the worker bundle shipping parquet-wasm's .wasm.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Duration } from "aws-cdk-lib";
import { Match } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT, WASM_FILE, WASM_SOURCE } from "../../infra/constructs/functions.ts";
import { resolveProps } from "../../infra/stack.ts";
import { SAVED_QUERIES } from "../../lib/results/queries.ts";
import {
  type CfnJson,
  logicalId,
  render,
  resources,
  roleStatements,
  type Statement,
  synth,
} from "./synth.ts";

const { template: t, outdir } = synth();
const id = (type: string, prefix: string) => logicalId(t, type, prefix);
const BUCKET = "AWS::S3::Bucket";
const QUEUE = "AWS::SQS::Queue";
const FN = "AWS::Lambda::Function";

describe("buckets", () => {
  const buckets = resources(t, BUCKET);
  it("three buckets (results, input, access logs), each private, encrypted, TLS-only", () => {
    expect(Object.keys(buckets)).toHaveLength(3);
    for (const b of Object.values(buckets)) {
      expect(b.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(b.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
        { ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } },
      ]);
    }
    const policies = Object.values(resources(t, "AWS::S3::BucketPolicy"));
    for (const bucketId of Object.keys(buckets)) {
      const policy = policies.find((p) => render(p.Properties.Bucket) === `<${bucketId}>`);
      expect(policy, bucketId).toBeDefined();
      expect(policy!.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({
          Effect: "Deny",
          Action: "s3:*",
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        }),
      );
    }
  });

  it("results: versioned, non-current versions expire, Athena results expire, access-logged", () => {
    const results = buckets[id(BUCKET, "StorageResults")]!.Properties;
    expect(results.VersioningConfiguration).toEqual({ Status: "Enabled" });
    const rules = results.LifecycleConfiguration.Rules as CfnJson[];
    expect(rules).toContainEqual(
      expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 30 }, Status: "Enabled" }),
    );
    expect(rules).toContainEqual(
      expect.objectContaining({ Prefix: "athena-results/", ExpirationInDays: 30, Status: "Enabled" }),
    );
    const logs = id(BUCKET, "StorageAccessLogs");
    expect(render(results.LoggingConfiguration.DestinationBucketName)).toBe(`<${logs}>`);
    const input = buckets[id(BUCKET, "StorageInput")]!.Properties;
    expect(render(input.LoggingConfiguration.DestinationBucketName)).toBe(`<${logs}>`);
    expect(input.VersioningConfiguration).toBeUndefined();
  });
});

describe("queues", () => {
  const q = (prefix: string) => resources(t, QUEUE)[id(QUEUE, prefix)]!.Properties;
  it("task queue: DLQ after 3 receives, visibility 6x the worker timeout (600 s)", () => {
    expect(q("QueuesTasks").RedrivePolicy).toEqual({
      deadLetterTargetArn: { "Fn::GetAtt": [id(QUEUE, "QueuesTaskDlq"), "Arn"] },
      maxReceiveCount: 3,
    });
    expect(q("QueuesTasks").VisibilityTimeout).toBe(6 * 600);
  });
  it("completion queue: own DLQ, visibility 6x the summary timeout (300 s)", () => {
    expect(q("QueuesCompletions").RedrivePolicy.deadLetterTargetArn).toEqual({
      "Fn::GetAtt": [id(QUEUE, "QueuesCompletionDlq"), "Arn"],
    });
    expect(q("QueuesCompletions").VisibilityTimeout).toBe(6 * 300);
  });
  it("every queue is SQS-encrypted and denies non-TLS access", () => {
    const queues = resources(t, QUEUE);
    expect(Object.keys(queues)).toHaveLength(5);
    for (const queue of Object.values(queues)) expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    const policies = Object.values(resources(t, "AWS::SQS::QueuePolicy"));
    for (const queueId of Object.keys(queues)) {
      const p = policies.find((x) =>
        (x.Properties.Queues as unknown[]).some((r) => render(r) === `<${queueId}>`),
      );
      expect(p?.Properties.PolicyDocument.Statement, queueId).toContainEqual(
        expect.objectContaining({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
      );
    }
  });
});

describe("functions", () => {
  it("planner, worker, summary: Node.js 22 on arm64, ESM bundles", () => {
    const fns = resources(t, FN);
    expect(Object.keys(fns).sort()).toEqual(
      [id(FN, "FunctionsPlanner"), id(FN, "FunctionsSummary"), id(FN, "FunctionsWorker")].sort(),
    );
    for (const f of Object.values(fns)) {
      expect(f.Properties.Runtime).toBe("nodejs22.x");
      expect(f.Properties.Architectures).toEqual(["arm64"]);
      expect(f.Properties.Handler).toBe("index.handler");
    }
    const worker = fns[id(FN, "FunctionsWorker")]!.Properties;
    expect(worker.MemorySize).toBe(2048);
    expect(worker.Timeout).toBe(600);
    expect(Object.keys(worker.Environment.Variables).sort()).toEqual([
      "MSOR_COMPLETION_QUEUE_URL",
      "MSOR_DAILY_SPEC_KEY",
      "MSOR_INPUT_BUCKET",
      "MSOR_RESULTS_BUCKET",
      "MSOR_TASK_DLQ_URL",
      "MSOR_TASK_QUEUE_URL",
      "NODE_OPTIONS",
    ]);
  });

  it("worker consumes the task queue one message at a time, partial batch failures, capped concurrency", () => {
    t.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      FunctionName: { Ref: id(FN, "FunctionsWorker") },
      EventSourceArn: { "Fn::GetAtt": [id(QUEUE, "QueuesTasks"), "Arn"] },
      BatchSize: 1,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      ScalingConfig: { MaximumConcurrency: 500 },
    });
  });

  it("summary consumes completions in large batches with a batching window", () => {
    t.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      FunctionName: { Ref: id(FN, "FunctionsSummary") },
      EventSourceArn: { "Fn::GetAtt": [id(QUEUE, "QueuesCompletions"), "Arn"] },
      BatchSize: 10_000,
      MaximumBatchingWindowInSeconds: 30,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
    });
    t.resourceCountIs("AWS::Lambda::EventSourceMapping", 2);
  });

  it("the worker and summary bundles ship parquet-wasm's .wasm beside index.mjs; the planner's does not", () => {
    const fns = t.findResources(FN);
    const asset = (prefix: string) => join(outdir, fns[id(FN, prefix)]!.Metadata["aws:asset:path"] as string);
    const wasm = readFileSync(join(PROJECT_ROOT, WASM_SOURCE));
    for (const prefix of ["FunctionsWorker", "FunctionsSummary"]) {
      expect(existsSync(join(asset(prefix), "index.mjs")), prefix).toBe(true);
      expect(readFileSync(join(asset(prefix), WASM_FILE)).equals(wasm), prefix).toBe(true);
    }
    expect(existsSync(join(asset("FunctionsPlanner"), WASM_FILE))).toBe(false);
  });
});

describe("least-privilege IAM", () => {
  const results = id(BUCKET, "StorageResults");
  const input = id(BUCKET, "StorageInput");
  const s3Of = (st: Statement[], action: string) =>
    st
      .filter((s) => s.effect === "Allow" && s.actions.includes(action))
      .flatMap((s) => s.resources)
      .sort();

  it("no wildcard actions and no s3:* anywhere; DeleteObject only for the summary, only on active-runs/", () => {
    for (const fn of ["FunctionsPlanner", "FunctionsWorker", "FunctionsSummary"]) {
      for (const s of roleStatements(t, fn)) {
        for (const a of s.actions) {
          expect(a, fn).not.toContain("*");
          if (a === "s3:DeleteObject") {
            expect(fn).toBe("FunctionsSummary");
            expect(s.resources).toEqual([`<${results}.Arn>/active-runs/*`]);
          }
        }
      }
    }
    expect(s3Of(roleStatements(t, "FunctionsSummary"), "s3:DeleteObject")).toEqual([
      `<${results}.Arn>/active-runs/*`,
    ]);
  });

  it("worker: reads input, calibration, manifest, markers, staging; writes staged results, calibration, markers and the result tables' parts; sends completions", () => {
    const st = roleStatements(t, "FunctionsWorker");
    expect(s3Of(st, "s3:GetObject")).toEqual(
      [
        `<${input}.Arn>/*`,
        `<${results}.Arn>/calibration/*`,
        `<${results}.Arn>/runs/*/manifest.json`,
        `<${results}.Arn>/runs/*/tasks/*`,
        `<${results}.Arn>/staging/*`,
      ].sort(),
    );
    const published = ["child_orders", "executions", "fills", "queue_check", "task_quality", "venue_stats"];
    expect(s3Of(st, "s3:PutObject")).toEqual(
      [
        `<${results}.Arn>/calibration/*`,
        `<${results}.Arn>/runs/*/tasks/*`,
        `<${results}.Arn>/staging/*`,
        ...published.map((name) => `<${results}.Arn>/results/${name}/run_id=*/date=*/part-*.parquet`),
      ].sort(),
    );
    const list = st.filter((s) => s.actions.includes("s3:ListBucket"));
    expect(list.find((s) => s.resources[0] === `<${results}.Arn>`)?.condition).toEqual({
      StringLike: { "s3:prefix": ["calibration/*", "runs/*/tasks/*", "staging/*"] },
    });
    const sqsTargets = st.filter((s) => s.actions.includes("sqs:SendMessage")).flatMap((s) => s.resources);
    expect(sqsTargets).toEqual([`<${id(QUEUE, "QueuesCompletions")}.Arn>`]);
    // it consumes only the task queue (event source); nothing of the DLQs
    const consumed = st.filter((s) => s.actions.includes("sqs:DeleteMessage")).flatMap((s) => s.resources);
    expect(consumed).toEqual([`<${id(QUEUE, "QueuesTasks")}.Arn>`]);
    const all = st.map((s) => s.actions.join(",")).join(";");
    expect(all).not.toMatch(/s3:PutObject.*input/);
    // it publishes the result tables' parts (wave 3), never the whole results/ nor the summary table
    expect(s3Of(st, "s3:PutObject")).not.toContain(`<${results}.Arn>/results/*`);
    expect(s3Of(st, "s3:PutObject")).not.toContain(`<${results}.Arn>/results/summary/*`);
  });

  it("worker: a calibration record can only be created (put-if-absent), never replaced", () => {
    const deny = roleStatements(t, "FunctionsWorker").filter((s) => s.effect === "Deny");
    expect(deny).toEqual([
      {
        effect: "Deny",
        actions: ["s3:PutObject"],
        resources: [`<${results}.Arn>/calibration/*`],
        condition: { Null: { "s3:if-none-match": "true" } },
      },
    ]);
    for (const fn of ["FunctionsPlanner", "FunctionsSummary"])
      expect(roleStatements(t, fn).filter((s) => s.effect === "Deny")).toEqual([]);
  });

  it("planner: reads specs and runs, writes runs and the active-runs index only, sends tasks (and its failures)", () => {
    const st = roleStatements(t, "FunctionsPlanner");
    expect(s3Of(st, "s3:PutObject")).toEqual([`<${results}.Arn>/active-runs/*`, `<${results}.Arn>/runs/*`]);
    expect(s3Of(st, "s3:GetObject")).toEqual([`<${results}.Arn>/runs/*`, `<${results}.Arn>/specs/*`]);
    expect(
      st
        .filter((s) => s.actions.includes("sqs:SendMessage"))
        .flatMap((s) => s.resources)
        .sort(),
    ).toEqual([`<${id(QUEUE, "QueuesTasks")}.Arn>`, `<${id(QUEUE, "QueuesScheduleDlq")}.Arn>`].sort());
  });

  it("an SSE-KMS input bucket's key: kms:Decrypt for the worker only, on that key only", () => {
    const key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const custom = synth({ inputKmsKeyArn: key }).template;
    const decrypt = (fn: string) =>
      roleStatements(custom, fn)
        .filter((s) => s.actions.includes("kms:Decrypt"))
        .flatMap((s) => s.resources);
    expect(decrypt("FunctionsWorker")).toEqual([key]);
    expect(decrypt("FunctionsPlanner")).toEqual([]);
    expect(decrypt("FunctionsSummary")).toEqual([]);
    expect(roleStatements(t, "FunctionsWorker").some((s) => s.actions.includes("kms:Decrypt"))).toBe(false);
    expect(() => resolveProps({ inputKmsKeyArn: "alias/mine" })).toThrow(
      /inputKmsKeyArn must be a KMS key ARN/,
    );
  });

  it("summary: reads staging, results, runs and calibration; writes runs and the summary table only; starts waves 2 and 3; drains the task DLQ", () => {
    const st = roleStatements(t, "FunctionsSummary");
    expect(s3Of(st, "s3:PutObject")).toEqual([
      `<${results}.Arn>/results/summary/*`,
      `<${results}.Arn>/runs/*`,
    ]);
    expect(s3Of(st, "s3:GetObject")).toEqual(
      [
        `<${results}.Arn>/calibration/*`,
        `<${results}.Arn>/results/*`,
        `<${results}.Arn>/runs/*`,
        `<${results}.Arn>/staging/*`,
      ].sort(),
    );
    expect(st.filter((s) => s.actions.includes("sqs:SendMessage")).flatMap((s) => s.resources)).toEqual([
      `<${id(QUEUE, "QueuesTasks")}.Arn>`,
    ]);
    const consumed = st.filter((s) => s.actions.includes("sqs:DeleteMessage")).flatMap((s) => s.resources);
    expect(consumed.sort()).toEqual(
      [`<${id(QUEUE, "QueuesCompletions")}.Arn>`, `<${id(QUEUE, "QueuesTaskDlq")}.Arn>`].sort(),
    );
  });
});

describe("daily schedule", () => {
  it("invokes the planner on weekday mornings in New York with the spec key and the scheduled time", () => {
    t.hasResourceProperties("AWS::Scheduler::Schedule", {
      ScheduleExpression: "cron(0 6 ? * MON-FRI *)",
      ScheduleExpressionTimezone: "America/New_York",
      State: "ENABLED",
      Target: Match.objectLike({
        Arn: { "Fn::GetAtt": [id(FN, "FunctionsPlanner"), "Arn"] },
        DeadLetterConfig: { Arn: { "Fn::GetAtt": [id(QUEUE, "QueuesScheduleDlq"), "Arn"] } },
      }),
    });
    const schedule = Object.values(resources(t, "AWS::Scheduler::Schedule")).find((x) =>
      String(x.Properties.ScheduleExpression).startsWith("cron("),
    )!;
    expect(JSON.parse(schedule.Properties.Target.Input)).toEqual({
      source: "schedule",
      spec_key: "specs/daily.json",
      scheduled_time: "<aws.scheduler.scheduled-time>",
    });
  });
});

describe("operations (issue 23.5)", () => {
  it("X-Ray tracing on every handler; reserved concurrency for the planner (2) and the summary (3)", () => {
    const fns = resources(t, FN);
    for (const f of Object.values(fns)) expect(f.Properties.TracingConfig).toEqual({ Mode: "Active" });
    expect(fns[id(FN, "FunctionsPlanner")]!.Properties.ReservedConcurrentExecutions).toBe(2);
    expect(fns[id(FN, "FunctionsSummary")]!.Properties.ReservedConcurrentExecutions).toBe(3);
    expect(fns[id(FN, "FunctionsWorker")]!.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it("a scheduled planner invocation that fails goes to the schedule DLQ (on-failure destination)", () => {
    t.hasResourceProperties("AWS::Lambda::EventInvokeConfig", {
      FunctionName: { Ref: id(FN, "FunctionsPlanner") },
      MaximumRetryAttempts: 2,
      DestinationConfig: {
        OnFailure: { Destination: { "Fn::GetAtt": [id(QUEUE, "QueuesScheduleDlq"), "Arn"] } },
      },
    });
  });
});

describe("summary tick", () => {
  it("invokes the summary every 5 minutes with a tick, so a run whose last tasks are dead-lettered finishes", () => {
    t.hasResourceProperties("AWS::Scheduler::Schedule", {
      ScheduleExpression: "rate(5 minutes)",
      Target: Match.objectLike({
        Arn: { "Fn::GetAtt": [id(FN, "FunctionsSummary"), "Arn"] },
        Input: JSON.stringify({ msor: "tick" }),
        DeadLetterConfig: { Arn: { "Fn::GetAtt": [id(QUEUE, "QueuesScheduleDlq"), "Arn"] } },
      }),
    });
  });

  it("staged per-task result files expire (the summary publishes them as one file per table and date)", () => {
    const results = Object.values(resources(t, "AWS::S3::Bucket")).find(
      (b) => b.Properties.VersioningConfiguration?.Status === "Enabled",
    )!;
    expect(results.Properties.LifecycleConfiguration.Rules).toContainEqual(
      expect.objectContaining({ Id: "staging", Prefix: "staging/", ExpirationInDays: 14, Status: "Enabled" }),
    );
  });
});

describe("catalog and query", () => {
  it("Glue database msor with seven partition-projected tables", () => {
    t.hasResourceProperties("AWS::Glue::Database", { DatabaseInput: { Name: "msor" } });
    const tables = Object.values(resources(t, "AWS::Glue::Table"));
    expect(tables.map((x) => x.Properties.TableInput.Name).sort()).toEqual(
      [
        "calibration",
        "child_orders",
        "executions",
        "fills",
        "summary",
        "task_quality",
        "venue_stats",
        "queue_check",
      ].sort(),
    );
    const exec = tables.find((x) => x.Properties.TableInput.Name === "executions")!.Properties.TableInput;
    expect(exec.Parameters).toMatchObject({
      "projection.enabled": "true",
      "projection.run_id.type": "injected",
      "projection.date.type": "date",
      "projection.date.format": "yyyy-MM-dd",
      "projection.date.range": "2010-01-01,NOW",
    });
    expect(render(exec.Parameters["storage.location.template"])).toBe(
      `s3://<${id(BUCKET, "StorageResults")}>/results/executions/run_id=\${run_id}/date=\${date}/`,
    );
  });

  it("Athena workgroup: results location in the results bucket, SSE, engine 3, enforced", () => {
    const wg = Object.values(resources(t, "AWS::Athena::WorkGroup"))[0]!.Properties;
    const conf = wg.WorkGroupConfiguration;
    expect(render(conf.ResultConfiguration.OutputLocation)).toBe(
      `s3://<${id(BUCKET, "StorageResults")}>/athena-results/`,
    );
    expect(conf.ResultConfiguration.EncryptionConfiguration).toEqual({ EncryptionOption: "SSE_S3" });
    expect(conf.EngineVersion).toEqual({ SelectedEngineVersion: "Athena engine version 3" });
    expect(conf.EnforceWorkGroupConfiguration).toBe(true);
    expect(conf.BytesScannedCutoffPerQuery).toBe(100 * 1024 ** 3);
  });

  it("one saved query per lib/results/queries.ts entry, same SQL text", () => {
    const named = Object.values(resources(t, "AWS::Athena::NamedQuery")).map((q) => q.Properties);
    expect(named.map((q) => [q.Name, q.QueryString, q.Database])).toEqual(
      SAVED_QUERIES.map((q) => [q.name, q.sql, "msor"]),
    );
  });
});

describe("alarms and outputs", () => {
  it("alarms on the depth of each DLQ and on worker errors, notifying an encrypted topic", () => {
    const alarms = Object.values(resources(t, "AWS::CloudWatch::Alarm")).map((a) => a.Properties);
    const dlqs = alarms.filter((a) => a.MetricName === "ApproximateNumberOfMessagesVisible");
    expect(dlqs.map((a) => render(a.Dimensions[0].Value)).sort()).toEqual(
      [
        `<${id(QUEUE, "QueuesTaskDlq")}.QueueName>`,
        `<${id(QUEUE, "QueuesCompletionDlq")}.QueueName>`,
        `<${id(QUEUE, "QueuesScheduleDlq")}.QueueName>`,
      ].sort(),
    );
    for (const a of dlqs) {
      expect(a.Threshold).toBe(1);
      expect(a.ComparisonOperator).toBe("GreaterThanOrEqualToThreshold");
    }
    const errors = alarms.filter((a) => a.MetricName === "Errors");
    expect(errors.map((e) => render(e.Dimensions[0].Value)).sort()).toEqual(
      [
        `<${id(FN, "FunctionsWorker")}>`,
        `<${id(FN, "FunctionsPlanner")}>`,
        `<${id(FN, "FunctionsSummary")}>`,
      ].sort(),
    );
    for (const a of errors) expect(a.Threshold).toBe(1);
    // the oldest task message (default 2 h) and a run unfinished past its deadline (default 6 h), from the
    // metric the summary's tick publishes (functions/summary.ts)
    const age = alarms.filter((a) => a.MetricName === "ApproximateAgeOfOldestMessage");
    expect(age.map((a) => [render(a.Dimensions[0].Value), a.Threshold])).toEqual([
      [`<${id(QUEUE, "QueuesTasks")}.QueueName>`, 7200],
    ]);
    const unfinished = alarms.filter((a) => a.MetricName === "oldest_unfinished_run_s");
    expect(unfinished.map((a) => [a.Namespace, a.Dimensions, a.Threshold, a.Statistic])).toEqual([
      ["msor", [{ Name: "service", Value: "msor" }], 6 * 3600, "Maximum"],
    ]);
    const topic = id("AWS::SNS::Topic", "AlarmsTopic");
    for (const a of alarms) expect(a.AlarmActions.map(render)).toEqual([`<${topic}>`]);
    t.hasResourceProperties("AWS::SNS::Topic", { KmsMasterKeyId: Match.anyValue() });
  });

  it("outputs the names the CLI and the operator need", () => {
    expect(Object.keys(t.findOutputs("*")).sort()).toEqual(
      [
        "AlarmTopicArn",
        "AthenaWorkGroupName",
        "CompletionDlqUrl",
        "CompletionQueueName",
        "CompletionQueueUrl",
        "GlueDatabaseName",
        "InputBucketName",
        "PlannerFunctionName",
        "ResultsBucketName",
        "SummaryFunctionName",
        "TaskDlqUrl",
        "TaskQueueName",
        "TaskQueueUrl",
        "WorkerFunctionName",
      ].sort(),
    );
  });
});

describe("props", () => {
  it("non-default props reach the template; an imported input bucket is read, never created", () => {
    const custom = synth({
      inputBucketName: "my-mbp10-data",
      inputKeyPrefix: "mbp10/",
      workerMemoryMiB: 4096,
      workerTimeout: Duration.minutes(4),
      workerMaxConcurrency: 50,
      scheduleCron: "cron(30 7 ? * TUE-SAT *)",
      scheduleEnabled: false,
      summaryBatchSize: 500,
    }).template;
    custom.resourceCountIs(BUCKET, 2);
    const w = logicalId(custom, FN, "FunctionsWorker");
    custom.hasResourceProperties(FN, { FunctionName: Match.absent(), MemorySize: 4096, Timeout: 240 });
    custom.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      FunctionName: { Ref: w },
      ScalingConfig: { MaximumConcurrency: 50 },
    });
    custom.hasResourceProperties(QUEUE, { VisibilityTimeout: 6 * 240 });
    custom.hasResourceProperties("AWS::Lambda::EventSourceMapping", { BatchSize: 500 });
    custom.hasResourceProperties("AWS::Scheduler::Schedule", {
      ScheduleExpression: "cron(30 7 ? * TUE-SAT *)",
      State: "DISABLED",
    });
    const reads = roleStatements(custom, "FunctionsWorker")
      .filter((s) => s.actions.includes("s3:GetObject"))
      .flatMap((s) => s.resources);
    expect(reads).toContain("arn:<AWS::Partition>:s3:::my-mbp10-data/mbp10/*");
    const list = roleStatements(custom, "FunctionsWorker").find(
      (s) => s.actions.includes("s3:ListBucket") && s.resources[0]!.includes("my-mbp10-data"),
    );
    expect(list?.condition).toEqual({ StringLike: { "s3:prefix": ["mbp10/*"] } });
  });

  it("bad props fail with a message that says what to change", () => {
    expect(() => resolveProps({ workerMaxConcurrency: 1 })).toThrow(
      /workerMaxConcurrency must be an integer in 2..1000/,
    );
    expect(() => resolveProps({ workerTimeout: Duration.minutes(20) })).toThrow(
      /workerTimeout \(seconds\).*1..900/,
    );
    expect(() => resolveProps({ scheduleCron: "0 6 * * *" })).toThrow(/scheduleCron must look like/);
    expect(() => resolveProps({ dailySpecKey: "../x.json" })).toThrow(/dailySpecKey must be specs/);
  });
});
