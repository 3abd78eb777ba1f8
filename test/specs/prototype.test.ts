/** The prototype's configuration -> our spec (msor spec convert), and the override validation of the spec. */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { registerBacktest } from "../../lib/cli/commands/backtest.ts";
import { registerSpec } from "../../lib/cli/commands/spec.ts";
import { parseTaskSpec } from "../../lib/specs/taskSpec.ts";
import { writeSyntheticDay } from "../../lib/synth/index.ts";
import { runCommand } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();
const OLD = `strategy: {S: 1000, T: 15, f: 0.003, r: [0.002], lambda_u: 0.05, lambda_o: 0.05, N: 1000}
myopic: {lambda_value: 25000.0, beta: 0.693, volatility: 0.01, adv: 1000000.0, T: 6.5, Q_0: 0.01}
`;

describe("msor spec convert", () => {
  it("maps the prototype's example with explicit units, and the spec runs a backtest", async () => {
    const old = join(dir, "old.yaml");
    const out = join(dir, "spec.yaml");
    await writeFile(old, OLD);
    const json = JSON.parse(await runCommand(registerSpec, "spec", ["convert", old, "--out", out, "--json"]));
    expect(json.unmapped).toEqual(["myopic.lambda_value", "myopic.T", "myopic.Q_0"]);
    const spec = parseTaskSpec(json.spec);
    expect(spec.orders[0]).toMatchObject({ side: "buy", shares: 1000, horizon_min: 15 });
    expect(spec.fees).toEqual({ taker_fee_usd: 0.003, maker_rebate_usd: 0.002 });
    expect(spec.router).toMatchObject({ lambda_u_usd: 0.05, lambda_o_usd: 0.05, samples: 1000 });
    // beta is per HOUR: half-life = ln 2 / 0.693 h = 3600.76 s
    expect(spec.calibration.overrides).toEqual([{ half_life_s: 3600.76, sigma_d: 0.01, adv: 1_000_000 }]);
    const beta = json.mapping.find((r: { key: string }) => r.key === "myopic.beta");
    expect(beta).toMatchObject({ field: "calibration.overrides.half_life_s", units: "1/hour -> s" });
    expect(await readFile(out, "utf8")).toContain("half_life_s: 3600.76");

    const day = join(dir, "in", "conv.parquet");
    await writeSyntheticDay(day, {
      symbol: "CONV",
      date: "2024-03-04",
      venues: 2,
      eventsPerVenue: 30_000,
      seed: 9,
    });
    const bt = JSON.parse(
      await runCommand(registerBacktest, "backtest", [
        day,
        "--spec",
        out,
        "--out",
        join(dir, "bt"),
        // one day and no earlier one: run it on the overrides (plus defaults) instead of a warm-up
        "--include-uncalibrated",
        "--json",
      ]),
    );
    expect(bt.days[0].calibration_source).toBe("override");
    expect(bt.days[0].parameter_sets).toEqual([
      {
        name: "half_life_s=3600.76,sigma_d=0.01,adv=1000000",
        overridden: ["half_life_s", "sigma_d", "adv"],
        adv: 1_000_000,
      },
    ]);
    expect(bt.strategies.map((s: { strategy: string; orders: number }) => [s.strategy, s.orders])).toEqual([
      ["myopic/sor/alpha=none/half_life_s=3600.76,sigma_d=0.01,adv=1000000", 3],
      ["twap/market/half_life_s=3600.76,sigma_d=0.01,adv=1000000", 3],
    ]);
  });

  it("refuses a misspelt key, naming it", async () => {
    const bad = join(dir, "bad.yaml");
    await writeFile(bad, OLD.replace("lambda_u:", "lamda_u:"));
    await expect(runCommand(registerSpec, "spec", ["convert", bad])).rejects.toThrow(
      /unknown key strategy\.lamda_u \(did you mean lambda_u\?\)/,
    );
    await writeFile(bad, OLD.replace("volatility:", "volatilty:"));
    await expect(runCommand(registerSpec, "spec", ["convert", bad])).rejects.toThrow(/myopic\.volatilty/);
  });
});

describe("calibration.overrides in the spec", () => {
  const parse = (overrides: unknown) => parseTaskSpec({ calibration: { overrides } }).calibration.overrides;
  it("expands grids into parameter sets", () => {
    expect(parse({ lambda_scale: [1, 2] })).toEqual([{ lambda_scale: 1 }, { lambda_scale: 2 }]);
    expect(parse([{}, { lambda: 2, half_life_s: [60, 3600] }])).toEqual([
      {},
      { lambda: 2, half_life_s: 60 },
      { lambda: 2, half_life_s: 3600 },
    ]);
    expect(parse({ outflow_mean_shares_per_min: { XNAS: 3000 } })).toEqual([
      { outflow_mean_shares_per_min: { XNAS: 3000 } },
    ]);
    // re-parsing the resolved list gives the same list
    expect(parse(parse({ lambda_scale: [1, 2], adv: 5e5 }))).toEqual(
      parse({ lambda_scale: [1, 2], adv: 5e5 }),
    );
  });
  it("refuses unknown keys (naming them), non-positive values, fix + scale, duplicates", () => {
    expect(() => parse({ lamda: 2 })).toThrow(/unknown override "lamda" \(did you mean lambda\?\)/);
    expect(() => parse({ lambda: 0 })).toThrow(/calibration\.overrides\.0\.lambda/);
    expect(() => parse({ half_life_s: [60, -1] })).toThrow(/half_life_s/);
    expect(() => parse({ lambda: 2, lambda_scale: 2 })).toThrow(/give lambda or lambda_scale, not both/);
    expect(() => parse({ lambda_scale: [2, 2] })).toThrow(/listed twice/);
  });
});
