/**
 * cfn-lint (on the machine image) over the synthesized template; skipped with a message where it is
 * absent. W3005 is ignored: CDK itself emits a DependsOn on each function's role next to the GetAtt.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { synth } from "./synth.ts";

const probe = spawnSync("cfn-lint", ["--version"], { encoding: "utf8" });
const present = probe.status === 0;
if (!present) console.warn("cfn-lint not found on PATH: skipping the cfn-lint test (pip install cfn-lint)");

describe.skipIf(!present)("cfn-lint", () => {
  it("passes on the synthesized template", () => {
    const { template, outdir } = synth();
    const file = join(outdir, "lint.template.json");
    writeFileSync(file, JSON.stringify(template.toJSON(), null, 1));
    const r = spawnSync("cfn-lint", ["--ignore-checks", "W3005", "--", file], { encoding: "utf8" });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});
