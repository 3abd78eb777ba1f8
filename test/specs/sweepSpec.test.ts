import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isTradingDay } from "../../lib/core/calendar.ts";
import { expandStrategyGrid } from "../../lib/specs/strategyGrid.ts";
import {
  calibrationTasks,
  inputKeys,
  loadSweepSpec,
  parseSweepSpecText,
  readSweepSpecFile,
  resolveSweepSpec,
} from "../../lib/specs/sweepSpec.ts";
import { parseSweepTaskId, sweepTaskId } from "../../lib/specs/taskId.ts";
import { parseTaskSpec } from "../../lib/specs/taskSpec.ts";

const base = { symbols: ["AAPL"], dates: ["2024-06-03"], input: { venues: ["xnas"] } };
const resolve = (over: Record<string, unknown>) => resolveSweepSpec({ ...base, ...over });

describe("examples/sweep.yaml", () => {
  it("parses and resolves", async () => {
    const path = fileURLToPath(new URL("../../examples/sweep.yaml", import.meta.url));
    const r = await readSweepSpecFile(path);
    expect(r.run_id).toBe("example-2024-06");
    expect(r.symbols).toEqual(["AAPL", "MSFT", "BRK.B"]);
    expect(r.dates).toEqual(["2024-06-17", "2024-06-18", "2024-06-20", "2024-06-21"]); // Juneteenth skipped
    expect(r.tasks).toHaveLength(12);
    expect(r.strategies).toEqual([
      "twap/market",
      "twap/sor",
      "vwap/market",
      "pov/market/rho=0.05",
      "pov/market/rho=0.1",
      "pov/market/rho=0.2",
      "ow/market",
      "myopic/sor/alpha=none",
      "myopic/sor/alpha=imbalance",
      "myopic/sor/alpha=ofi",
    ]);
    expect(r.backtest.calibration.lookback_days).toBe(5);
    expect(r.backtest.orders[0]!.start_times).toEqual(["10:00", "11:30", "14:00"]);
    expect(r.input).toEqual({
      root: "data",
      key_template: "mbp10/{venue}/{symbol}/{date}.parquet",
      venues: ["xnas", "xnys"],
    });
    expect(inputKeys(r.input, "BRK.B", "2024-06-20")).toEqual([
      "mbp10/xnas/BRK.B/2024-06-20.parquet",
      "mbp10/xnys/BRK.B/2024-06-20.parquet",
    ]);
  });
});

describe("resolveSweepSpec", () => {
  it("expands a date range to NYSE trading days with lookbacks and tasks", () => {
    const r = resolveSweepSpec({
      symbols: ["AAPL", "MSFT"],
      dates: { from: "2024-03-27", to: "2024-04-02" },
      input: { venues: ["xnas"] },
      calibration: { lookback_days: 2 },
    });
    expect(r.dates).toEqual(["2024-03-27", "2024-03-28", "2024-04-01", "2024-04-02"]); // Good Friday 03-29
    expect(r.lookback["2024-04-01"]).toEqual(["2024-03-27", "2024-03-28"]);
    expect(r.lookback["2024-03-27"]).toEqual(["2024-03-25", "2024-03-26"]);
    expect(r.calibration_dates).toEqual([
      "2024-03-25",
      "2024-03-26",
      "2024-03-27",
      "2024-03-28",
      "2024-04-01",
      "2024-04-02",
    ]);
    expect(r.tasks.map((t) => t.task_id)).toEqual([
      "backtest-20240327-AAPL",
      "backtest-20240327-MSFT",
      "backtest-20240328-AAPL",
      "backtest-20240328-MSFT",
      "backtest-20240401-AAPL",
      "backtest-20240401-MSFT",
      "backtest-20240402-AAPL",
      "backtest-20240402-MSFT",
    ]);
    expect(calibrationTasks(r)).toHaveLength(12);
    expect(calibrationTasks(r)[0]).toEqual({
      task_id: "calibrate-20240325-AAPL",
      kind: "calibrate",
      symbol: "AAPL",
      date: "2024-03-25",
    });
    expect(r.run_id).toBeUndefined();
    expect("run_id" in r).toBe(false);
    // the default backtest spec, with the sweep's lookback
    expect(r.strategies).toContain("myopic/sor/alpha=ofi");
    expect(r.backtest.calibration.lookback_days).toBe(2);
    // JSON round trip (the manifest) is lossless
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it("sorts a date list and names a non-trading day with its reason", () => {
    expect(resolve({ dates: ["2024-06-04", "2024-06-03"] }).dates).toEqual(["2024-06-03", "2024-06-04"]);
    expect(() => resolve({ dates: ["2024-06-03", "2024-03-29"] })).toThrow(
      /dates\[1\] 2024-03-29 is not an NYSE trading day \(Good Friday\)/,
    );
    expect(() => resolve({ dates: ["2024-06-01"] })).toThrow(
      /2024-06-01 is not an NYSE trading day \(Saturday\)/,
    );
    expect(() => resolve({ dates: ["2024-06-03", "2024-06-03"] })).toThrow(
      /dates\[1\] 2024-06-03: listed twice/,
    );
    expect(() => resolve({ dates: ["2024-02-30"] })).toThrow(/invalid dates\[0\] "2024-02-30"/);
    expect(() => resolve({ dates: { from: "2024-06-08", to: "2024-06-09" } })).toThrow(/no NYSE trading day/);
    expect(() => resolve({ dates: { from: "2024-06-09", to: "2024-06-01" } })).toThrow(
      /'from' is after 'to'/,
    );
    expect(() => resolve({ dates: [] })).toThrow(/dates: empty list/);
    expect(() => resolve({ dates: { from: "2024-06-03" } })).toThrow(
      /invalid dates\.to \(missing\): must be a string/,
    );
    expect(() => resolve({ dates: { from: "2024-06-03", until: "2024-06-04" } })).toThrow(
      /dates: unknown field "until"/,
    );
    expect(() => resolveSweepSpec({ symbols: ["A"] })).toThrow(/dates: missing/);
    expect(() => resolve({ dates: "2024-06-03" })).toThrow(
      /dates: expected a list of YYYY-MM-DD dates or \{from/,
    );
  });

  it("rejects unsafe symbols, venues and run ids at planning, naming field and value", () => {
    expect(() => resolve({ symbols: ["AAPL", "../x"] })).toThrow(
      /invalid symbols\[1\] "\.\.\/x": contains '\/'/,
    );
    expect(() => resolve({ symbols: ["\uff0e\uff0e"] })).toThrow(/symbols\[0\].*FULLWIDTH FULL STOP/);
    expect(() => resolve({ symbols: ["AAPL", "AAPL"] })).toThrow(/symbols\[1\] AAPL: listed twice/);
    expect(() => resolve({ symbols: [] })).toThrow(/symbols: list at least one symbol/);
    expect(() => resolve({ input: { venues: ["xnas", "/etc"] } })).toThrow(
      /invalid input\.venues\[1\] "\/etc"/,
    );
    expect(() => resolve({ run_id: "a/b" })).toThrow(/invalid run_id "a\/b"/);
    expect(() => resolve({ run_id: "" })).toThrow(/invalid run_id "": is empty/);
  });

  it("lists several problems in one error", () => {
    try {
      resolve({ symbols: ["../x", "ok"], dates: ["2024-03-29"], run_id: "." });
      expect.unreachable();
    } catch (e) {
      const m = (e as Error).message;
      expect(m).toMatch(/^invalid sweep spec, 4 problems:\n {2}\(1\) /);
      expect(m).not.toMatch(/^ *- /m);
      expect(m).toMatch(/run_id/);
      expect(m).toMatch(/symbols\[0\]/);
      expect(m).toMatch(/symbols\[1\] "ok": has lower-case/);
      expect(m).toMatch(/Good Friday/);
    }
  });

  it("reports schema problems (a misspelt key) together with the value checks of the other fields", () => {
    try {
      resolve({ symbols: ["../x"], calibraton: { lookback_days: 3 } });
      expect.unreachable();
    } catch (e) {
      const m = (e as Error).message;
      expect(m).toMatch(/^invalid sweep spec, 2 problems:\n/);
      expect(m).toMatch(
        /\(1\) calibraton: unrecognized key \(did you mean calibration\?\); the fields are run_id, symbols, dates/,
      );
      expect(m).toMatch(/\(2\) invalid symbols\[0\] "\.\.\/x": contains '\/'/);
    }
    // a sweep spec given as a backtest spec is named as such
    expect(() => parseTaskSpec({ symbols: ["AAPL"], dates: ["2024-03-05"], backtest: {} })).toThrow(
      /unrecognized keys "symbols", "dates", "backtest" \(symbols, dates and backtest are fields of a SWEEP spec: run it with msor sweep --spec FILE\)/,
    );
    // a schema problem inside a field too: the other fields are still checked
    expect(() => resolve({ symbols: ["../x"], calibration: { lookback_days: 0 } })).toThrow(
      /2 problems:\n.*invalid symbols\[0\].*\n.*calibration\.lookback_days: Too small/,
    );
  });

  it("a single problem is one plain line: no list marker", () => {
    expect(() => resolve({ run_id: "a/b" })).toThrow(/^invalid sweep spec: invalid run_id "a\/b"/);
  });

  it("checks the input section against the key template", () => {
    expect(() => resolve({ input: {} })).toThrow(/input\.venues: the key template .* uses \{venue\}/);
    expect(() => resolve({ input: { venues: [] } })).toThrow(/input\.venues: empty list/);
    expect(() =>
      resolve({ input: { key_template: "{symbol}/xnas-itch-{yyyymmdd}.mbp-10.parquet", venues: ["xnas"] } }),
    ).toThrow(/has no \{venue\}/);
    expect(() => resolve({ input: { key_template: "in/{sym}/{date}", venues: ["x"] } })).toThrow(
      /unknown placeholder \{sym\}/,
    );
    expect(() => resolve({ input: { root: "a", bucket: "b-bucket", venues: ["x"] } })).toThrow(/not both/);
    expect(() => resolve({ input: { bucket: "My_Bucket", venues: ["x"] } })).toThrow(/invalid input\.bucket/);
    expect(() => resolve({ input: { venues: ["x"], extra: 1 } })).toThrow(/input: Unrecognized key/i);
    const original = resolve({
      input: { bucket: "databento-in", key_template: "{symbol}/xnas-itch-{yyyymmdd}.mbp-10.parquet" },
    });
    expect(original.input).toEqual({
      bucket: "databento-in",
      key_template: "{symbol}/xnas-itch-{yyyymmdd}.mbp-10.parquet",
      venues: [],
    });
    expect(inputKeys(original.input, "AAPL", "2024-06-03")).toEqual([
      "AAPL/xnas-itch-20240603.mbp-10.parquet",
    ]);
  });

  it("lists every problem of the nested fields too, with the closest field name for a misspelt key", () => {
    const message = (v: Record<string, unknown>) => {
      try {
        resolve(v);
      } catch (e) {
        return (e as Error).message;
      }
      return "";
    };
    const typos = message({
      calibration: { lookback_day: 2 },
      backtest: { orders: [{ side: "sell", pct_adv: 0.5, start_times: ["10:30"], horizon_mins: 15 }] },
    });
    expect(typos).toMatch(/2 problems/);
    expect(typos).toMatch(/calibration: unrecognized key "lookback_day" \(did you mean lookback_days\?\)/);
    expect(typos).toMatch(/orders\.0: unrecognized key "horizon_mins" \(did you mean horizon_min\?\)/);
    // a strategy grid that fails does not hide the orders' problems
    const both = message({
      backtest: {
        orders: [{ side: "short", pct_adv: 0.5, start_times: ["10:30"], horizon_min: 15 }],
        strategies: [{ strategy: "myopic", exec: "sor", alpha: ["none", "ofii"] }],
      },
    });
    expect(both).toMatch(/2 problems/);
    expect(both).toMatch(/strategies\[0\]\.alpha: Invalid option/);
    expect(both).toMatch(/orders\.0\.side: Invalid option: expected one of "buy"\|"sell"/);
  });

  it("rejects unknown top-level fields and misplaced calibration", () => {
    expect(() => resolve({ symbol: ["AAPL"] })).toThrow(/Unrecognized key/i);
    expect(() => resolve({ backtest: { calibration: { lookback_days: 3 } } })).toThrow(
      /backtest\.calibration: set calibration\.lookback_days at the top level/,
    );
    expect(() => resolve({ calibration: { lookback_days: 0 } })).toThrow(/calibration\.lookback_days/);
    expect(() => resolve({ backtest: { seed: -1 } })).toThrow(/invalid backtest: seed/);
    expect(() => resolveSweepSpec(null)).toThrow(/the spec is empty/);
  });

  it("bounds the run size", () => {
    const symbols = Array.from({ length: 2100 }, (_, i) => `S${i}`);
    expect(() => resolve({ symbols, dates: { from: "2000-03-01", to: "2001-03-01" } })).toThrow(
      /2100 symbols x 253 days = 531300 tasks, more than 500000/,
    );
  });
});

describe("strategy grids", () => {
  it("expands lists to the cartesian product, first parameter slowest", () => {
    const r = resolve({
      backtest: {
        strategies: [{ strategy: "pov", exec: ["market", "sor"], rho: [0.05, 0.2], rho_max: 0.3 }],
      },
    });
    expect(r.strategies).toEqual([
      "pov/market/rho=0.05/cap=0.3",
      "pov/market/rho=0.2/cap=0.3",
      "pov/sor/rho=0.05/cap=0.3",
      "pov/sor/rho=0.2/cap=0.3",
    ]);
    expect(r.backtest.strategies[3]).toEqual({ strategy: "pov", exec: "sor", rho: 0.2, rho_max: 0.3 });
  });

  it("validates every instance and refuses duplicates", () => {
    const grid = (strategies: unknown[]) => () => resolve({ backtest: { strategies } });
    expect(grid([{ strategy: "pov", rho: [] }])).toThrow(/strategies\[0\]\.rho: empty list/);
    expect(grid([{ strategy: "pov", rho: [0.1, 0.1] }])).toThrow(/the value 0.1 is listed twice/);
    expect(grid([{ strategy: "pov", rho: [0.1, 2] }])).toThrow(/strategies\[0\]\.rho/);
    expect(grid([{ strategy: "twap", alpha: ["none", "ofi"] }])).toThrow(
      /alpha applies to the myopic strategy only/,
    );
    expect(grid([{ strategy: "myopic", alpha: ["ofi", "psychic"] }])).toThrow(/strategies\[0\]\.alpha/);
    expect(grid([{ strategy: ["twap", "vwap"] }])).toThrow(/give one strategy per entry/);
    expect(grid([{ strategy: "pov", rho: [[0.1]] }])).toThrow(/rho\[0\]: expected a number or a name/);
    expect(grid([{ strategy: "pov", rho: [0.1] }, { strategy: "pov" }])).toThrow(
      /strategies\[1\]: the instance pov\/market\/rho=0\.1 is also produced by backtest\.strategies\[0\]/,
    );
    expect(grid([{ strategy: "pov", speed: 3 }])).toThrow(/Unrecognized key/i);
    expect(() => resolve({ backtest: { strategies: "twap" } })).toThrow(
      /expected a list of strategy entries/,
    );
  });

  it("instance count is the product of the list lengths and labels are distinct", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 5 }),
        fc.uniqueArray(fc.constantFrom("market", "sor"), { minLength: 1, maxLength: 2 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 3 }),
        (rhos, execs, caps) => {
          const out = expandStrategyGrid([
            { strategy: "pov", exec: execs, rho: rhos.map((r) => r / 100), rho_max: caps.map((c) => c / 10) },
          ]);
          expect(out).toHaveLength(rhos.length * execs.length * caps.length);
          expect(new Set(out.map((o) => o.label)).size).toBe(out.length);
        },
      ),
    );
  });
});

describe("nothing escapes its prefix", () => {
  it("any symbols / venues / run id either fail planning with InputError or give plain relative keys", () => {
    const hostile = fc.oneof(
      fc.constantFrom(
        "../x",
        "/abs",
        "a//b",
        ".",
        "..",
        "A\u202EB",
        "\uff0f",
        "\uff0e\uff0e",
        "%2F",
        "A\\B",
        "A\u0000",
      ),
      fc.string({ maxLength: 8 }),
      fc.string({ unit: "binary", maxLength: 8 }),
    );
    const alnum = fc.constantFrom(..."ABCZ019");
    const plain = fc
      .tuple(alnum, fc.array(fc.constantFrom(..."AZ09._-"), { maxLength: 6 }))
      .map(([a, rest]) => a + rest.join(""))
      .filter((v) => !v.includes(".."));
    const part = fc.oneof({ arbitrary: plain, weight: 4 }, { arbitrary: hostile, weight: 1 });
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.array(part, { minLength: 1, maxLength: 3 }),
        fc.array(part, { minLength: 1, maxLength: 2 }),
        part,
        (symbols, venues, runId) => {
          let r: ReturnType<typeof resolveSweepSpec> | undefined;
          try {
            r = resolveSweepSpec({ run_id: runId, symbols, dates: ["2024-06-03"], input: { venues } });
          } catch (e) {
            expect((e as Error).name).toBe("InputError");
            return;
          }
          expect(r.run_id).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]*$/);
          for (const s of r.symbols) {
            for (const key of inputKeys(r.input, s, "2024-06-03")) {
              expect(key.split("/")).toHaveLength(4);
              expect(
                key.split("/").every((seg) => /^[A-Za-z0-9._=-]+$/.test(seg) && !/^\.+$/.test(seg)),
              ).toBe(true);
            }
          }
          for (const t of r.tasks) expect(t.task_id).toMatch(/^backtest-\d{8}-[A-Z0-9][A-Z0-9._-]*$/);
          accepted++;
        },
      ),
    );
    // not vacuous: a good share of the generated specs are valid (P(none of 100 runs) is negligible)
    expect(accepted).toBeGreaterThan(0);
  });
});

describe("task ids", () => {
  it("round-trip and refuse anything else", () => {
    expect(sweepTaskId("backtest", "BRK.B", "2024-06-03")).toBe("backtest-20240603-BRK.B");
    expect(parseSweepTaskId("calibrate-20240603-ES-H6")).toEqual({
      task_id: "calibrate-20240603-ES-H6",
      kind: "calibrate",
      symbol: "ES-H6",
      date: "2024-06-03",
    });
    for (const bad of ["backtest-20240603-../x", "backtest-20240231-AAPL", "run-20240603-AAPL", "", 7]) {
      expect(() => parseSweepTaskId(bad)).toThrow(/invalid/);
    }
  });
});

describe("spec text", () => {
  it("reads YAML dates, times and names as strings (YAML 1.2 core schema)", () => {
    const v = parseSweepSpecText("symbols: [ON, NO, Y]\ndates: [2024-06-03]\nx: 10:00\n") as Record<
      string,
      unknown
    >;
    expect(v).toEqual({ symbols: ["ON", "NO", "Y"], dates: ["2024-06-03"], x: "10:00" });
  });

  it("reports YAML and JSON syntax errors and duplicate keys", () => {
    expect(() => parseSweepSpecText("symbols: [AAPL\n")).toThrow(/not valid YAML/);
    expect(() => parseSweepSpecText("a: 1\na: 2\n")).toThrow(/not valid YAML.*unique/i);
    expect(() => parseSweepSpecText("{", "s.json", "json")).toThrow(/invalid s\.json: not valid JSON/);
  });

  it("loads JSON and YAML to the same resolved sweep", () => {
    const spec = {
      symbols: ["AAPL"],
      dates: { from: "2024-06-03", to: "2024-06-07" },
      input: { venues: ["xnas"] },
    };
    const fromJson = loadSweepSpec(JSON.stringify(spec), "s.json", "json");
    const fromYaml = loadSweepSpec(
      "symbols: [AAPL]\ndates: {from: 2024-06-03, to: 2024-06-07}\ninput: {venues: [xnas]}\n",
    );
    expect(fromYaml).toEqual(fromJson);
    expect(fromJson.dates).toHaveLength(5);
    expect(fromJson.dates.every(isTradingDay)).toBe(true);
  });

  it("names a missing file", async () => {
    await expect(readSweepSpecFile("/nonexistent/sweep.yaml")).rejects.toThrow(/cannot read sweep spec/);
  });
});
