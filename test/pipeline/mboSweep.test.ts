/**
 * A sweep over MBO input on the local backend (docs/models.md 6.7): input.format mbo (one synthetic MBO Parquet
 * file per symbol-day), sim.queue_model l3_fifo, and queue_check per symbol-day: the workers stage the
 * queue_check rows, the summary compacts them like the other tables and the report draws them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { newYorkClockToUtcNs } from "../../lib/core/session.ts";
import { writeMboFile } from "../../lib/mbo/writer.ts";
import { runLocalSweep } from "../../lib/pipeline/local/localSweep.ts";
import { inlineExecutor } from "../../lib/pipeline/local/pool.ts";
import { LocalObjectStore } from "../../lib/ports/localObjectStore.ts";
import { readResultRows } from "../../lib/report/load.ts";
import { QUEUE_CHECK } from "../../lib/results/queueCheckSchema.ts";
import { resolveSweepSpec } from "../../lib/specs/sweepSpec.ts";
import { compactedResultKey } from "../../lib/store/keys.ts";
import { generateMbo } from "../../lib/synth/mbo.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();
const input = join(dir, "in");
const DAYS = ["2024-03-04", "2024-03-05"];

beforeAll(async () => {
  for (const [i, date] of DAYS.entries()) {
    await writeMboFile(
      join(input, "mbo", "SYNM", `${date}.parquet`),
      generateMbo({
        seed: 7 + i,
        events: 20_000,
        cancelLaw: "front",
        symbol: "SYNM",
        startNs: newYorkClockToUtcNs(date, "09:30"),
      }),
    );
  }
}, 120_000);

const spec = (extra: Record<string, unknown> = {}) => ({
  run_id: "t-mbo",
  symbols: ["SYNM"],
  dates: DAYS,
  input: { root: input, key_template: "mbo/{symbol}/{date}.parquet", format: "mbo" },
  calibration: { lookback_days: 1 },
  backtest: {
    seed: 5,
    orders: [{ side: "sell", shares: 20, start_times: ["09:40"], horizon_min: 10 }],
    strategies: [{ strategy: "twap", exec: "sor" }],
    sim: { queue_model: "l3_fifo" },
    router: { samples: 50 },
  },
  queue_check: { orders: 60, tau_s: 30, between: "09:35-10:20" },
  ...extra,
});

describe("a sweep over MBO input with queue_check", () => {
  it("backtests with l3_fifo and writes, compacts and reports one queue check per symbol-day", async () => {
    const root = join(dir, "out");
    const r = await runLocalSweep({
      sweep: resolveSweepSpec(spec()),
      root,
      executor: (completions) => inlineExecutor({ root, completions, slots: 1 }),
    });
    expect(r.status.finished).toBe(true);
    expect(r.status.counts).toMatchObject({ ok: 4, failed: 0 });
    const store = new LocalObjectStore(root);
    for (const d of DAYS) {
      const key = compactedResultKey(QUEUE_CHECK, "t-mbo", d);
      expect(await store.exists(key), key).toBe(true);
      const rows = await readResultRows(store, [{ key, date: d, symbol: "part-00000" } as never]);
      // l3_fifo, risk_averse, log_prob and prob(n) over the power grid (15 powers)
      expect(rows.map((x) => x.model)).toContain("l3_fifo");
      expect(rows).toHaveLength(18);
      expect(rows.filter((x) => x.best_model === true)).toHaveLength(1);
      expect(rows.filter((x) => x.best_power === true)).toHaveLength(1);
      for (const x of rows) {
        expect(x.symbol).toBe("SYNM");
        expect(x.orders).toBe(60);
        expect(x.tau_s).toBe(30);
      }
      // the exact queue is its own reference
      const l3 = rows.find((x) => x.model === "l3_fifo")!;
      expect(l3.accuracy).toBe(1);
      expect(l3.mean_signed_error_s).toBe(0);
    }
    const html = readFileSync(join(root, "runs", "t-mbo", "report.html"), "utf8");
    expect(html).toContain("Queue models against the exact FIFO queue (MBO)");
  }, 300_000);

  it("a spec asks for MBO input where it needs it", () => {
    const mbp10Input = { root: input, key_template: "mbo/{symbol}/{date}.parquet" };
    expect(() => resolveSweepSpec(spec({ input: mbp10Input }))).toThrow(
      /queue_check: the queue check needs MBO input.*input\.format: mbo/,
    );
    expect(() => resolveSweepSpec(spec({ input: mbp10Input, queue_check: undefined }))).toThrow(
      /backtest\.sim\.queue_model l3_fifo: needs MBO input/,
    );
    expect(() => resolveSweepSpec(spec({ queue_check: { orders: 10, tau_s: 30, between: "9-10" } }))).toThrow(
      /queue_check\.between must be HH:MM-HH:MM/,
    );
    expect(() => resolveSweepSpec(spec({ queue_check: { orders: 0, tau_s: 30 } }))).toThrow(
      /queue_check\.orders/,
    );
  });
});
