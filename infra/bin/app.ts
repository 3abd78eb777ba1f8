/**
 * CDK app: one MsorStack, configured from context (`cdk deploy -c workerMemoryMiB=4096 ...`, or cdk.json
 * "context"), checked by cdk-nag AwsSolutions during synth (a finding fails the synth). Synth needs no
 * credentials: without CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION the stack is environment-agnostic.
 */
import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { contextProps } from "../config.ts";
import { MsorStack } from "../stack.ts";

const app = new App();
const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;
new MsorStack(app, app.node.tryGetContext("stackName") ?? "MyopicSor", {
  ...contextProps(app),
  ...(account && region ? { env: { account, region } } : {}),
  description: "myopic-sor: serverless backtests of optimal execution on MBP-10 data",
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
