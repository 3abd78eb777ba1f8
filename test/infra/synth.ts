/**
 * Synthesize the stack offline for tests (no credentials, no network, local esbuild bundling), once per
 * test file, into a temp cloud-assembly folder so that the bundled assets can be inspected.
 */
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { MsorStack, type MsorStackProps } from "../../infra/stack.ts";
import { tempDir } from "../helpers/tmp.ts";

process.env.CDK_VALIDATION = "false";
process.env.AWS_EC2_METADATA_DISABLED = "true";

export interface Synth {
  readonly app: App;
  readonly stack: MsorStack;
  readonly template: Template;
  readonly outdir: string;
}

export function synth(props: MsorStackProps = {}): Synth {
  const outdir = tempDir("msor-cdk-");
  // asset metadata names each function's bundle folder (as the CLI enables it)
  const app = new App({ outdir, context: { "aws:cdk:enable-asset-metadata": true } });
  const stack = new MsorStack(app, "MsorTest", props);
  const template = Template.fromStack(stack);
  return { app, stack, template, outdir };
}

type Cfn = unknown;
/** CloudFormation JSON as the assertions library returns it (untyped by nature). */
// biome-ignore lint/suspicious/noExplicitAny: template JSON has no static type
export type CfnJson = Record<string, any>;

/**
 * A CloudFormation value rendered as a readable string: Fn::GetAtt [X, Arn] -> <X.Arn>, Ref X -> <X>,
 * Fn::Join concatenated (as cdk-nag renders resources).
 */
export function render(v: Cfn): string {
  if (typeof v === "string") return v;
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if ("Fn::GetAtt" in o) {
      const [id, attr] = o["Fn::GetAtt"] as [string, string];
      return `<${id}.${attr}>`;
    }
    if ("Ref" in o) return `<${o.Ref as string}>`;
    if ("Fn::Join" in o) {
      const [sep, parts] = o["Fn::Join"] as [string, Cfn[]];
      return parts.map(render).join(sep);
    }
  }
  return JSON.stringify(v);
}

/** Resources of a type, by logical id. */
export function resources(t: Template, type: string): Record<string, { Properties: CfnJson }> {
  return t.findResources(type) as Record<string, { Properties: CfnJson }>;
}

/** Logical id of the single resource of `type` whose id starts with `prefix`. */
export function logicalId(t: Template, type: string, prefix: string): string {
  const ids = Object.keys(t.findResources(type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1)
    throw new Error(`expected one ${type} named ${prefix}*, found ${ids.join(", ") || "none"}`);
  return ids[0]!;
}

export interface Statement {
  /** Allow or Deny */
  readonly effect: string;
  readonly actions: string[];
  readonly resources: string[];
  readonly condition?: unknown;
}

/** The statements of the inline policies attached to the role of a function, resources rendered. */
export function roleStatements(t: Template, fnPrefix: string): Statement[] {
  const fnId = logicalId(t, "AWS::Lambda::Function", fnPrefix);
  const fn = t.findResources("AWS::Lambda::Function")[fnId]!;
  const roleId = (fn.Properties.Role as { "Fn::GetAtt": [string, string] })["Fn::GetAtt"][0];
  const out: Statement[] = [];
  for (const p of Object.values(resources(t, "AWS::IAM::Policy"))) {
    if (!(p.Properties.Roles as Cfn[]).some((r) => render(r) === `<${roleId}>`)) continue;
    for (const s of p.Properties.PolicyDocument.Statement as CfnJson[]) {
      const arr = (x: unknown) => (Array.isArray(x) ? x : [x]);
      out.push({
        effect: String(s.Effect ?? "Allow"),
        actions: arr(s.Action).map(String),
        resources: arr(s.Resource).map(render),
        ...(s.Condition ? { condition: s.Condition } : {}),
      });
    }
  }
  return out;
}
