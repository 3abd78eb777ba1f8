/**
 * cdk-nag AwsSolutions over the whole stack (STYLE habit 6: nag as its own test): zero unacknowledged
 * findings, and every acknowledgement carries a written reason.
 */
import { App, Stack, Validations } from "aws-cdk-lib";
import * as s3 from "aws-cdk-lib/aws-s3";
import { AwsSolutionsChecks } from "cdk-nag";
import type { IConstruct } from "constructs";
import { describe, expect, it } from "vitest";
import { synth } from "./synth.ts";

const { app, stack } = synth();

function acknowledgements(root: IConstruct): { path: string; id: string; reason: string }[] {
  const out: { path: string; id: string; reason: string }[] = [];
  for (const c of root.node.findAll()) {
    for (const m of c.node.metadata) {
      if (m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(m.data as Record<string, unknown>)) {
        out.push({ path: c.node.path, id, reason: String(reason) });
      }
    }
  }
  return out;
}

describe("cdk-nag AwsSolutions", () => {
  it("has no unacknowledged finding", () => {
    const report = new AwsSolutionsChecks(app).validateScope(stack);
    const findings = report.violations.map(
      (v) =>
        `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(", ")}: ${v.description}`,
    );
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it("also with an imported input bucket under a key prefix", () => {
    const imported = synth({ inputBucketName: "my-mbp10-data", inputKeyPrefix: "mbp10/" });
    const report = new AwsSolutionsChecks(imported.app).validateScope(imported.stack);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });

  it("is not vacuous: a bare bucket is reported", () => {
    const bare = new Stack(new App(), "Bare");
    new s3.Bucket(bare, "B");
    const rules = new AwsSolutionsChecks(bare).validateScope(bare).violations.map((v) => v.ruleName);
    expect(rules).toEqual(expect.arrayContaining(["AwsSolutions-S1", "AwsSolutions-S10"]));
  });

  it("acknowledges each finding with a reason", () => {
    const acks = acknowledgements(stack);
    expect(acks.length).toBeGreaterThan(0);
    for (const a of acks) {
      expect(a.id, a.path).toMatch(/AwsSolutions-/);
      expect(a.reason.length, `${a.path} ${a.id}`).toBeGreaterThan(40);
    }
  });
});
