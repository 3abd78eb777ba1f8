/**
 * Issue 24.8: docs/deploy.md can be followed on its own. It cites no file outside the repository, gives the
 * same time and cost figures as the README, writes input keys in the venue case of the example spec, derives
 * every name it uses from outputs.json, says how to set the region, carries an operator policy, and its smoke
 * test's expected output is what the smoke spec it prints really gives (run here on the local backend, as the
 * guide tells the user to do first).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeSyntheticDay } from "../../lib/synth/index.ts";
import { runMain } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const deploy = readFileSync(join(ROOT, "docs/deploy.md"), "utf8");
const readme = readFileSync(join(ROOT, "README.md"), "utf8");

describe("docs/deploy.md", () => {
  it("stands alone: no DESIGN.md, one set of figures (the README's), venue case of the example spec", () => {
    expect(deploy).not.toContain("DESIGN.md");
    for (const figure of ["about 13.8 minutes", "about $45", "$35.33 of S3 and SQS requests"]) {
      expect(readme).toContain(figure);
      expect(deploy).toContain(figure);
    }
    expect(deploy).not.toMatch(/about \$(?!45\b)\d+/);
    const venues = /venues: \[(.*)\]/.exec(readFileSync(join(ROOT, "examples/sweep.yaml"), "utf8"))![1]!;
    // the upload example of the venue layout (the smoke test uses its own template without {venue})
    const keyVenues = [...deploy.matchAll(/\$INPUT\/mbp10\/([A-Za-z]+)\/GOOG\//g)].map((m) => m[1]!);
    expect(keyVenues.length).toBeGreaterThan(0);
    for (const v of keyVenues) expect(venues.split(", "), v).toContain(v);
  });

  it("derives $RESULTS, $INPUT, $PLANNER, $WORKGROUP from outputs.json, sets the region, has an operator policy", () => {
    for (const [name, output] of [
      ["RESULTS", "ResultsBucketName"],
      ["INPUT", "InputBucketName"],
      ["PLANNER", "PlannerFunctionName"],
      ["WORKGROUP", "AthenaWorkGroupName"],
    ])
      expect(deploy).toContain(`${name}=$(out ${output})`);
    expect(deploy).toContain('jq -er --arg s "$STACK" --arg k "$1" \'.[$s][$k]\' outputs.json');
    expect(deploy).toContain("export AWS_REGION=");
    expect(deploy).toContain("AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true");
    const policy = /## The operator's IAM policy[\s\S]*?```json\n([\s\S]*?)```/.exec(deploy)![1]!;
    const actions = (JSON.parse(policy) as { Statement: { Action: string | string[] }[] }).Statement.flatMap(
      (s) => s.Action,
    );
    for (const a of ["sts:AssumeRole", "s3:PutObject", "sqs:SendMessage", "athena:StartQueryExecution"])
      expect(actions).toContain(a);
  });

  it("the smoke test's expected output is what its spec gives", async () => {
    const dir = tempDir();
    for (const date of ["2024-03-04", "2024-03-05"])
      await writeSyntheticDay(join(dir, "smoke-data", "mbp10", "SYNTH", "SMOKE", `${date}.parquet`), {
        symbol: "SMOKE",
        date,
        venues: 2,
        eventsPerVenue: 20_000,
        seed: 1,
      });
    // the generate lines of the guide use these settings (msor generate's defaults: 2 venues, seed 1)
    expect(deploy).toContain(
      "npx msor generate --symbol SMOKE --date 2024-03-04 --events 20000 --out smoke-data",
    );
    const spec = /cat > smoke\.yaml <<'YAML'\n([\s\S]*?)YAML\n/.exec(deploy)![1]!;
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "smoke.yaml"),
      spec.replace("root: smoke-data", `root: ${join(dir, "smoke-data")}`),
    );
    const r = await runMain([
      "sweep",
      "--spec",
      join(dir, "smoke.yaml"),
      "--root",
      join(dir, "out"),
      "--workers",
      "1",
    ]);
    expect(r.code, r.err).toBe(0);
    const expected = /The local run prints[^\n]*\n\n```\n([\s\S]*?)```/.exec(deploy)![1]!;
    expect(r.out.startsWith(expected)).toBe(true);
  }, 120_000);
});

describe("msor sweep --stack-outputs", () => {
  it("an outputs file without stacks says what happened and what to do, not 'pass --stack NAME'", async () => {
    const dir = tempDir();
    const empty = join(dir, "outputs.json");
    writeFileSync(empty, "{}\n");
    const spec = join(dir, "s.yaml");
    writeFileSync(
      spec,
      'symbols: [X]\ndates: [2024-03-05]\ninput: { bucket: my-input-bucket, key_template: "{symbol}/{date}.parquet" }\nbacktest: {}\n',
    );
    const r = await runMain(["sweep", "--spec", spec, "--backend", "aws", "--stack-outputs", empty]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `msor: stack outputs ${empty} holds no stack: cdk writes that when a deploy failed or deployed nothing; ` +
        "run npx cdk deploy --outputs-file FILE again and check that it succeeds, or pass --results-bucket and the queue URLs\n",
    );
    writeFileSync(empty, JSON.stringify({ A: { ResultsBucketName: "a" }, B: { ResultsBucketName: "b" } }));
    const two = await runMain(["sweep", "--spec", spec, "--backend", "aws", "--stack-outputs", empty]);
    expect(two.err).toContain("holds 2 stacks (A, B); pass --stack NAME with one of them");
  });
});
