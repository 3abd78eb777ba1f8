/**
 * Risk controls off = the behaviour before they existed (issue 15): a synthetic day run with every default
 * strategy gives result files byte-identical to the ones the engine wrote before the controls were added,
 * once the new executions columns are left out. The golden hashes were recorded with the commit before the
 * controls (da0ecc0); an absent `risk` and `risk: {}` (every control off) must both reproduce them.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { fileSource } from "../../lib/ports/fileSource.ts";
import { LocalObjectStore } from "../../lib/ports/localObjectStore.ts";
import { rowsToParquet, type TableSchema } from "../../lib/results/schema.ts";
import { CHILD_ORDERS, EXECUTIONS, FILLS, TASK_QUALITY } from "../../lib/results/tables.ts";
import { parseTaskSpec } from "../../lib/sweep/spec.ts";
import { writeSyntheticDay } from "../../lib/synth/index.ts";
import { runTask } from "../../lib/task/runTask.ts";
import { tempDir } from "../helpers/tmp.ts";

/** The executions columns issue 15 added (everything else must be unchanged). */
const RISK_COLUMNS = [
  "limit_price",
  "limit_hit",
  "notional_cap_qty",
  "spread_guard_skips",
  "capped_shares",
  "halt_skips",
  "halted_s",
];

/** sha256 of each table's Parquet bytes over the columns that existed before the risk controls. */
const GOLDEN: Record<string, string> = {
  executions: "d15f92f99d9b48abd0d25322262a0fecf53808e7ef9b7391ba16fe113e6c7aa1",
  child_orders: "7aff5edd60b9bbe276ccc15d8c60836afb25bf80d8a691f3b950a100d518ab4a",
  fills: "74ba697a1e86a8ca68bf279a06092a52ea6b3c67e32f43b708ab47da005b5c14",
  task_quality: "cb341983b717ab2be63c83f32bfadd95bc0b7463c7c4f25e7b781c64a5c49dbb",
};

const dir = tempDir("msor-riskoff-");
const DATE = "2024-03-04";
let input = "";

const baseSpec = {
  orders: [
    { side: "buy", shares: 3000, start_times: ["10:00", "13:00"], horizon_min: 20 },
    { side: "sell", shares: 2000, start_times: ["11:00"], horizon_min: 15 },
  ],
  router: { samples: 200 },
};

async function hashes(specValue: unknown, tag: string): Promise<Record<string, string>> {
  const r = await runTask({
    runId: "golden",
    symbol: "SYNT",
    date: DATE,
    sources: [await fileSource(input)],
    spec: parseTaskSpec(specValue),
    calibrationStore: new LocalObjectStore(join(dir, `cal-${tag}`)),
  });
  const out: Record<string, string> = {};
  for (const [schema, rows] of [
    [EXECUTIONS, r.executions],
    [CHILD_ORDERS, r.childOrders],
    [FILLS, r.fills],
    [TASK_QUALITY, r.taskQuality],
  ] as const) {
    const before: TableSchema = {
      ...schema,
      columns: schema.columns.filter((c) => !RISK_COLUMNS.includes(c.name)),
    };
    const bytes = await rowsToParquet(before, rows);
    out[schema.name] = createHash("sha256").update(bytes).digest("hex");
  }
  return out;
}

describe("risk controls off", () => {
  beforeAll(async () => {
    input = join(dir, `${DATE}.parquet`);
    await writeSyntheticDay(input, {
      symbol: "SYNT",
      date: DATE,
      venues: 2,
      eventsPerVenue: 30_000,
      seed: 5,
    });
  });

  it("result files are byte-identical to the engine before the controls (new columns left out)", async () => {
    expect(await hashes(baseSpec, "absent")).toEqual(GOLDEN);
    expect(await hashes({ ...baseSpec, risk: {} }, "empty")).toEqual(GOLDEN);
    expect(await hashes({ ...baseSpec, risk: { suspend_on_halt: false } }, "false")).toEqual(GOLDEN);
  }, 120_000);
});
