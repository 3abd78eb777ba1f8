/**
 * Alarms (DESIGN.md): any message in a dead-letter queue (a poison task, a completion the summary could
 * not merge, a failed daily-schedule invocation) and any worker error. They notify an SNS topic
 * (KMS-encrypted, TLS-only) with an optional e-mail subscription.
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

export interface AlarmsProps {
  /** Dead-letter queues to watch, by a short name used in the alarm id. */
  readonly deadLetterQueues: Readonly<Record<string, sqs.IQueue>>;
  readonly worker: lambda.IFunction;
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
    alarms.push(
      props.worker
        .metricErrors({ period: Duration.minutes(5), statistic: "Sum" })
        .createAlarm(this, "WorkerErrors", {
          alarmDescription:
            "myopic-sor: worker invocations that crashed, timed out or ran out of memory (handled task failures are partial batch failures, not errors)",
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
    );
    for (const a of alarms) a.addAlarmAction(action);
    this.alarms = alarms;
  }
}
