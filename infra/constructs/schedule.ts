/**
 * The daily run (DESIGN.md users: "an operator running the same sweep every trading day on yesterday's
 * data"): EventBridge Scheduler invokes the planner on weekday mornings in New York, after the previous
 * day's data has landed, with the daily spec's S3 key and the scheduled time. The planner computes
 * date = the NYSE trading day before the scheduled New York date; when the scheduled date is itself not a
 * trading day (an exchange holiday) it plans nothing and reports the no-op, so every trading day is run
 * exactly once (Friday's on Monday, the day before a holiday on the day after it).
 */
import { Duration, Stack, TimeZone, Validations } from "aws-cdk-lib";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as destinations from "aws-cdk-lib/aws-lambda-destinations";
import * as scheduler from "aws-cdk-lib/aws-scheduler";
import * as targets from "aws-cdk-lib/aws-scheduler-targets";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

/** The planner's input from the schedule (the real planner validates it with zod). */
export interface DailyPlannerEvent {
  readonly source: "schedule";
  /** Key of the daily sweep spec in the results bucket. */
  readonly spec_key: string;
  /** ISO time the schedule fired (UTC), e.g. 2024-03-05T11:00:00Z; its New York date is the run date. */
  readonly scheduled_time: string;
}

export interface DailyScheduleProps {
  readonly planner: lambda.Function;
  /** Where failed invocations (after retries) go. */
  readonly deadLetterQueue: sqs.IQueue;
  /** Key of the daily sweep spec in the results bucket. */
  readonly specKey: string;
  /** Scheduler cron expression, e.g. "cron(0 6 ? * MON-FRI *)". */
  readonly cron: string;
  /** IANA time zone of the cron expression. */
  readonly timeZone: string;
  readonly enabled: boolean;
}

export class DailySchedule extends Construct {
  readonly schedule: scheduler.Schedule;

  constructor(scope: Construct, id: string, props: DailyScheduleProps) {
    super(scope, id);
    const input: DailyPlannerEvent = {
      source: "schedule",
      spec_key: props.specKey,
      scheduled_time: scheduler.ContextAttribute.scheduledTime,
    };
    this.schedule = new scheduler.Schedule(this, "Daily", {
      description: "myopic-sor daily sweep: plans the previous NYSE trading day",
      schedule: scheduler.ScheduleExpression.expression(props.cron, TimeZone.of(props.timeZone)),
      enabled: props.enabled,
      target: new targets.LambdaInvoke(props.planner, {
        input: scheduler.ScheduleTargetInput.fromObject(input),
        retryAttempts: 3,
        maxEventAge: Duration.hours(6),
        deadLetterQueue: props.deadLetterQueue,
      }),
    });
    // the scheduler invokes the planner asynchronously: an invocation that fails (after Lambda's retries)
    // goes to the same DLQ as an undeliverable one, so no failed daily run is silent (its alarm watches it)
    props.planner.configureAsyncInvoke({
      onFailure: new destinations.SqsDestination(props.deadLetterQueue),
      retryAttempts: 2,
    });
    // the target's role is created at stack scope; acknowledge its one finding there, by exact id
    const stack = Stack.of(this);
    const planner = stack.getLogicalId(props.planner.node.defaultChild as lambda.CfnFunction);
    Validations.of(stack).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${planner}.Arn>:*]`,
      reason:
        "The scheduler role may invoke the planner function only; the ':*' suffix (function versions and aliases) is added by Function.grantInvoke.",
    });
  }
}

export interface SummaryTickProps {
  readonly summary: lambda.IFunction;
  readonly deadLetterQueue: sqs.IQueue;
  /**
   * How often the summary drains the task DLQ even when no completion arrives, minutes.
   * @default 5
   */
  readonly everyMinutes?: number;
}

/**
 * A periodic tick of the summary function ({"msor":"tick"}): it drains the task dead-letter queue into the
 * runs' status, so a run whose LAST tasks are dead-lettered (no completion will ever arrive) still finishes.
 */
export class SummaryTick extends Construct {
  readonly schedule: scheduler.Schedule;

  constructor(scope: Construct, id: string, props: SummaryTickProps) {
    super(scope, id);
    this.schedule = new scheduler.Schedule(this, "Tick", {
      description:
        "myopic-sor summary tick: drains the task DLQ so runs with dead-lettered last tasks finish",
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(props.everyMinutes ?? 5)),
      target: new targets.LambdaInvoke(props.summary, {
        input: scheduler.ScheduleTargetInput.fromObject({ msor: "tick" }),
        retryAttempts: 0,
        maxEventAge: Duration.minutes(10),
        deadLetterQueue: props.deadLetterQueue,
      }),
    });
    const stack = Stack.of(this);
    const summary = stack.getLogicalId(props.summary.node.defaultChild as lambda.CfnFunction);
    Validations.of(stack).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${summary}.Arn>:*]`,
      reason:
        "The scheduler role may invoke the summary function only; the ':*' suffix (function versions and aliases) is added by Function.grantInvoke.",
    });
  }
}
