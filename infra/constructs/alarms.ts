/**
 * Alarms (DESIGN.md, issue 23.5): any message in a dead-letter queue (a poison task, a completion the summary
 * could not merge, a failed daily-schedule invocation), any error of the worker, the planner or the summary,
 * a task message older than `taskMaxAge` (the workers are not keeping up, or not running), and a run still
 * unfinished `runDeadline` after it was planned (the summary's tick publishes the oldest unfinished run's
 * age). They notify an SNS topic (KMS-encrypted, TLS-only) with an optional e-mail subscription.
 */
import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as actions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as kms from "aws-cdk-lib/aws-kms";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import {
  METRICS_NAMESPACE,
  METRICS_SERVICE,
  OLDEST_UNFINISHED_RUN_METRIC,
} from "../../lib/aws/deployment.ts";

export interface AlarmsProps {
  /** Dead-letter queues to watch, by a short name used in the alarm id. */
  readonly deadLetterQueues: Readonly<Record<string, sqs.IQueue>>;
  readonly worker: lambda.IFunction;
  readonly planner: lambda.IFunction;
  readonly summary: lambda.IFunction;
  readonly taskQueue: sqs.IQueue;
  /** Alarm when the oldest task message is older than this. */
  readonly taskMaxAge: Duration;
  /** Alarm when a run is unfinished this long after it was planned. */
  readonly runDeadline: Duration;
  /** E-mail address subscribed to the alarm topic (confirmation mail on deploy). */
  readonly alarmEmail?: string;
}

export class Alarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, "Topic", {
      displayName: "myopic-sor alarms",
      enforceSSL: true,
      masterKey: kms.Alias.fromAliasName(this, "SnsKey", "alias/aws/sns"),
    });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const action = new actions.SnsAction(this.topic);

    const alarms: cloudwatch.Alarm[] = [];
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      alarms.push(
        queue
          .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: "Maximum" })
          .createAlarm(this, `${name}Depth`, {
            alarmDescription: `myopic-sor: messages in the ${name} dead-letter queue (see docs/deploy.md "Watch")`,
            threshold: 1,
            evaluationPeriods: 1,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          }),
      );
    }
    const atLeast = (metric: cloudwatch.Metric, alarmId: string, threshold: number, description: string) =>
      metric.createAlarm(this, alarmId, {
        alarmDescription: `myopic-sor: ${description}`,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    const errors = (fn: lambda.IFunction) =>
      fn.metricErrors({ period: Duration.minutes(5), statistic: "Sum" });
    alarms.push(
      atLeast(
        errors(props.worker),
        "WorkerErrors",
        1,
        "worker invocations that crashed, timed out or ran out of memory (handled task failures are partial batch failures, not errors)",
      ),
      atLeast(
        errors(props.planner),
        "PlannerErrors",
        1,
        "planner invocations that failed (a sweep or the daily run was not planned; the scheduled one also lands in the schedule DLQ)",
      ),
      atLeast(
        errors(props.summary),
        "SummaryErrors",
        1,
        "summary invocations that failed (completions are redelivered; msor status RUN shows a finish_error)",
      ),
      atLeast(
        props.taskQueue.metricApproximateAgeOfOldestMessage({
          period: Duration.minutes(5),
          statistic: "Maximum",
        }),
        "TaskQueueAge",
        props.taskMaxAge.toSeconds(),
        `a task message waited over ${props.taskMaxAge.toHumanString()} (workers throttled, failing or not consuming)`,
      ),
      atLeast(
        new cloudwatch.Metric({
          namespace: METRICS_NAMESPACE,
          metricName: OLDEST_UNFINISHED_RUN_METRIC,
          dimensionsMap: { service: METRICS_SERVICE },
          period: Duration.minutes(15),
          statistic: "Maximum",
        }),
        "RunUnfinished",
        props.runDeadline.toSeconds(),
        `a run is still unfinished ${props.runDeadline.toHumanString()} after it was planned (msor status RUN says where it is)`,
      ),
    );
    for (const a of alarms) a.addAlarmAction(action);
    this.alarms = alarms;
  }
}
