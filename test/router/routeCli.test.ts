/** `msor route`: option validation, table and JSON output (registerRoute on a bare commander program). */
import { afterEach, describe, expect, it, vi } from "vitest";
import { registerRoute } from "../../lib/cli/commands/route.ts";
import { InputError } from "../../lib/core/errors.ts";
import { runCommand } from "../helpers/cli.ts";

const run = (args: string[]) => runCommand(registerRoute, "route", args);

afterEach(() => vi.restoreAllMocks());

const oracle = [
  "--qty",
  "1000",
  "--venue",
  "Q=2000,r=0.002,name=XNAS",
  "--half-spread",
  "0.02",
  "--horizon-min",
  "1",
];
const common = [
  ...oracle,
  "--outflow-exp-mean",
  "3000",
  "--lambda-u",
  "0.05",
  "--theta",
  "0.0005",
  "--fee",
  "0.003",
];

describe("msor route", () => {
  it("prints JSON with market, limits and expected_cost summing to the quantity", async () => {
    const j = JSON.parse(await run([...common, "--venue", "Q=100,r=0.001,name=ARCX,behind", "--json"]));
    expect(j.market + j.limits[0] + j.limits[1]).toBe(1000);
    expect(j.limits[1]).toBe(0); // behind the best
    expect(typeof j.expected_cost).toBe("number");
    expect(j.venues.map((v: { name: string }) => v.name)).toEqual(["XNAS", "ARCX"]);
    expect(j.params).toMatchObject({ half_spread_usd: 0.02, horizon_s: 60, samples: 1000, lambda_o: 0.05 });
    expect(j.side).toBe("buy");
  });

  it("gives the same allocation for a sell as for a buy", async () => {
    const buy = JSON.parse(await run([...common, "--json"]));
    const sell = JSON.parse(await run([...common, "--side", "sell", "--json"]));
    expect({ ...sell, side: "buy" }).toStrictEqual(buy);
  });

  it("is deterministic for a seed and prints a table by default", async () => {
    const a = await run([...common, "--seed", "42"]);
    expect(await run([...common, "--seed", "42"])).toBe(a);
    expect(a).toMatch(/market/);
    expect(a).toMatch(/XNAS/);
    expect(a).toMatch(/expected cost/);
  });

  it.each([
    [
      ["--qty", "10", "--venue", "Q=abc,r=0.002", "--outflow-exp-mean", "3000"],
      /--venue "Q=abc,r=0.002": Q must be a number/,
    ],
    [["--qty", "10", "--venue", "Q=100", "--outflow-exp-mean", "3000"], /r \(effective rebate/],
    [["--qty", "10", "--venue", "Q=100,r=0,x=1", "--outflow-exp-mean", "3000"], /unknown key "x"/],
    [["--qty", "10", "--venue", "Q=-5,r=0", "--outflow-exp-mean", "3000"], /Q must be >= 0/],
    [["--qty", "10.5", "--venue", "Q=1,r=0", "--outflow-exp-mean", "3000"], /--qty must be an integer/],
    [["--venue", "Q=1,r=0", "--outflow-exp-mean", "3000"], /--qty is required/],
    [["--qty", "10", "--outflow-exp-mean", "3000"], /at least one --venue/],
    [["--qty", "10", "--venue", "Q=1,r=0"], /no outflow/],
    [
      ["--qty", "10", "--venue", "Q=1,r=0", "--outflow-exp-mean", "3000", "--side", "long"],
      /--side must be buy or sell/,
    ],
    [
      ["--qty", "10", "--venue", "Q=1,r=0", "--outflow-exp-mean", "3000", "--samples", "0"],
      /--samples must be an integer >= 1/,
    ],
    [
      ["--qty", "10", "--venue", "Q=1,r=0", "--outflow-exp-mean", "3000", "--half-spread", "x"],
      /--half-spread must be a number/,
    ],
    [
      ["--qty", "10", "--venue", "Q=1,r=0", "--outflow-exp-mean", "3000", "--horizon-min", "0"],
      /--horizon-min must be > 0, got "0"/,
    ],
    [["--qty", "10", "--venue", "Q=1,r=0", "--outflow-exp-mean", "0"], /--outflow-exp-mean must be > 0/],
    [["--qty", "10", "--venue", "Q=1,r=0,m=0"], /m must be > 0, got 0/],
    [
      ["--qty", "10", "--venue", "Q=1,r=0", "--calibration", "cal.json"],
      /--calibration cal\.json: expected a calibration record folder/,
    ],
  ])("rejects bad input %#", async (args, message) => {
    const p = run(args);
    await expect(p).rejects.toBeInstanceOf(InputError);
    await expect(run(args)).rejects.toThrow(message);
  });

  it("two venues of the MODELS.md 9 oversubscription oracle: M + sum L_k within 5% of 2X", async () => {
    const args = [...common, "--venue", "Q=2000,r=0.002,name=ARCX", "--lambda-o", "0.05"];
    const j = JSON.parse(await run([...args, "--json"]));
    expect(j.total).toBe(j.market + j.limits[0] + j.limits[1]);
    expect(Math.abs(j.total - 2000)).toBeLessThanOrEqual(100);
    expect(j.market).toBeLessThanOrEqual(10);
    const table = await run(args);
    expect(table).toMatch(
      new RegExp(
        `sent ${j.total} = market ${j.market} \\+ limits ${j.total - j.market} \\(oversubscribed by ${j.total - 1000}\\)`,
      ),
    );
  });

  it("per-venue m= overrides the default outflow", async () => {
    const j = JSON.parse(await run(["--qty", "100", "--venue", "Q=10,r=0.002,m=500", "--json"]));
    expect(j.venues[0].outflow_mean_per_min).toBe(500);
  });
});

describe("msor route --calibration", () => {
  it("uses the record's empirical outflow and adverse selection of the named venue", async () => {
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { writeCalibration } = await import("../../lib/store/calibration.ts");
    const { LocalObjectStore } = await import("../../lib/ports/localObjectStore.ts");
    const { contKukanov } = await import("../../lib/router/contKukanov.ts");
    const { empiricalOutflow } = await import("../../lib/router/outflow.ts");
    const { Rng } = await import("../../lib/core/rng.ts");
    const { recordOf } = await import("../calibration/records.ts");
    const root = mkdtempSync(join(tmpdir(), "msor-route-cal-"));
    const rec = recordOf("CALX", "2024-03-04", 3);
    await writeCalibration(new LocalObjectStore(root), rec);
    const dir = join(root, "calibration/v=2/symbol=CALX/date=2024-03-04");
    const args = [
      "--qty",
      "800",
      "--venue",
      "name=XNAS.ITCH,Q=300,r=0.002",
      "--half-spread",
      "0.01",
      "--seed",
      "5",
    ];
    const out = JSON.parse(await run([...args, "--calibration", dir, "--json"]));
    const stats = rec.venues.find((v) => v.venue === "XNAS.ITCH" && v.side === "bid")!;
    // tau = 5 min: of the markout horizons 10, 60, 300 s the one nearest tau / 2 = 150 s is 60 s
    const adverseUsd = stats.adverse.find((a) => a.horizonS === 60)!.usd;
    expect(adverseUsd).not.toBe(stats.adverse.find((a) => a.horizonS === 10)!.usd);
    const direct = contKukanov(
      800,
      [
        {
          name: "XNAS.ITCH",
          queueAhead: 300,
          rebateUsd: 0.002 + adverseUsd,
          outflow: empiricalOutflow(stats.outflowSamples),
          atBest: true,
        },
      ],
      {
        halfSpreadUsd: 0.01,
        takerFeeUsd: 0.003,
        thetaUsd: 0.0005,
        lambdaU: 0.05,
        lambdaO: 0.05,
        horizonS: 300,
        samples: 1000,
      },
      new Rng(5),
    );
    expect([out.market, out.limits]).toEqual([direct.market, direct.limits]);
    expect(out.market + out.limits[0]).toBe(out.total);
    // venue rebate and adverse selection are reported separately, and their sum is the r_k the router used
    expect(adverseUsd).not.toBe(0);
    expect(out.venues[0]).toMatchObject({
      rebate_usd: 0.002,
      adverse_usd: adverseUsd,
      effective_rebate_usd: 0.002 + adverseUsd,
    });
    const table = await run([...args, "--calibration", dir]);
    const header = table.split("\n")[0]!;
    expect(header.split(/\s+/)).toEqual([
      "order",
      "venue",
      "queue_ahead",
      "rebate_usd",
      "adverse_usd",
      "effective_rebate_usd",
      "shares",
      "continuous",
    ]);
    const row = table.split("\n").find((l) => l.startsWith("limit"))!;
    expect(row.split(/\s+/).slice(3, 6).map(Number)).toEqual(
      [0.002, adverseUsd, 0.002 + adverseUsd].map((v) => Number(v.toFixed(4))),
    );
    await expect(run([...args, "--venue", "name=NOPE,Q=1,r=0", "--calibration", dir])).rejects.toThrow(
      /venue NOPE has no bid outflow in the calibration of CALX 2024-03-04 \(venues: XNAS\.ITCH/,
    );
    await expect(run([...args, "--calibration", root])).rejects.toThrow(
      /expected a calibration record folder/,
    );
  });
});
