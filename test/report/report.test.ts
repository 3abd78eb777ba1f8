/**
 * The run report from a small REAL run (synthetic days through the real backtest): every chart is drawn with
 * marks that carry the run's values (Vega's SVG aria-labels), every table has the run's rows, and charts or
 * columns the run lacks say "not in this run" instead of drawing an empty frame.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { registerQuery } from "../../lib/cli/commands/query.ts";
import { registerReport } from "../../lib/cli/commands/report.ts";
import { registerStatus } from "../../lib/cli/commands/status.ts";
import { registerSweep } from "../../lib/cli/commands/sweep.ts";
import { main } from "../../lib/cli/main.ts";
import { fixed } from "../../lib/core/units.ts";
import { VERSION } from "../../lib/core/version.ts";
import { studentTQuantile } from "../../lib/metrics/index.ts";
import { LocalObjectStore } from "../../lib/ports/localObjectStore.ts";
import { intervalSpec } from "../../lib/report/chartKit.ts";
import { buildCharts } from "../../lib/report/charts.ts";
import { COMPACT_COLUMNS } from "../../lib/report/html.ts";
import { buildRunReport, renderRunReport } from "../../lib/report/index.ts";
import { loadRunData, type Row, readParquetRows } from "../../lib/report/load.ts";
import { renderSvg } from "../../lib/report/vega.ts";
import { type ColumnDef, rowsToParquet, type TableSchema } from "../../lib/results/schema.ts";
import { EXECUTIONS, TASK_QUALITY } from "../../lib/results/tables.ts";
import { queueCheck } from "../../lib/sim/queueCheck.ts";
import { resultKey } from "../../lib/store/keys.ts";
import { queueCheckRows, writeQueueCheck } from "../../lib/store/queueCheck.ts";
import { generateMbo } from "../../lib/synth/mbo.ts";
import { duckQuery } from "../helpers/duckdb.ts";
import { tempDir } from "../helpers/tmp.ts";
import { buildSmallRun, DAYS, RUN_ID, SPEC, SYMBOL } from "./smallRun.ts";

const dir = tempDir();
let root: string;
let store: LocalObjectStore;
let html: string;
let executions: Record<string, unknown>[];

const CHARTS = [
  "cost-distribution",
  "paired-difference",
  "gains",
  "oracle-gap",
  "cost-vs-size",
  "sample-schedule",
  "own-impact",
  "router-mix",
  "fill-passive",
  "tca-decomposition",
  "tca-markouts",
];

/** The HTML of one section (chart-x or table-x). */
function section(page: string, id: string): string {
  const start = page.indexOf(`<section class="${id.startsWith("chart-") ? "chart" : "table"}" id="${id}"`);
  expect(start, `section ${id} present`).toBeGreaterThanOrEqual(0);
  return page.slice(start, page.indexOf("</section>", start));
}

/** Data marks of a chart: mark type, vega group name, drawn items, aria-labels of its items. */
function marks(sectionHtml: string): { type: string; group: string; items: number; labels: string[] }[] {
  const out: { type: string; group: string; items: number; labels: string[] }[] = [];
  const re = /<g class="mark-(\w+) role-mark ([\w_]+)"[^>]*>/g;
  const starts = [...sectionHtml.matchAll(re)];
  starts.forEach((m, i) => {
    const body = sectionHtml.slice(m.index! + m[0].length, starts[i + 1]?.index ?? sectionHtml.length);
    // items end at the next group (legend/axis) anyway: count only items before a non-mark group starts
    const stop = body.search(/<g class="mark-group/);
    const items = stop >= 0 ? body.slice(0, stop) : body;
    const labels = [...items.matchAll(/<path [^>]*aria-label="([^"]*)"/g)].map((x) => x[1]!);
    const count = [...items.matchAll(/<(path|line|rect) /g)].length;
    out.push({ type: m[1]!, group: m[2]!, items: count, labels });
  });
  return out;
}

/** "name: value; name: value" (Vega's labels use a Unicode minus) -> record. */
function fields(label: string): Record<string, string> {
  return Object.fromEntries(
    label.split("; ").map((kv) => {
      const i = kv.indexOf(": ");
      return [kv.slice(0, i), kv.slice(i + 2).replaceAll("\u2212", "-")];
    }),
  );
}

function tableRows(page: string, id: string): string[][] {
  const s = section(page, `table-${id}`);
  return [...s.matchAll(/<tr>(.*?)<\/tr>/g)]
    .map((m) => [...m[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1]!))
    .filter((r) => r.length > 0);
}

/** Run `main` in-process, capturing stdout / stderr. */
async function captureCli(
  run: () => Promise<number>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  vi.spyOn(process.stdout, "write").mockImplementation((c: string | Uint8Array) => {
    stdout += String(c);
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((c: string | Uint8Array) => {
    stderr += String(c);
    return true;
  });
  try {
    return { code: await run(), stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}

afterEach(() => vi.restoreAllMocks());

const labelsOf = () => [...new Set(executions.map((r) => String(r.strategy)))].sort();

beforeAll(async () => {
  root = await buildSmallRun(dir);
  store = new LocalObjectStore(root);
  html = await renderRunReport(store, RUN_ID);
  executions = await duckQuery(
    `select * from read_parquet('${join(root, "results", "executions", "**", "*.parquet")}', hive_partitioning = true, hive_types_autocast = false)`,
  );
});

describe("run report of a small real run", () => {
  it("is one self-contained HTML page: no scripts, no external styles, fonts or images", () => {
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).not.toMatch(/<script|<link |@import|@font-face|src="http|href="http/i);
    // every SVG id is unique on the page (several charts inline)
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("has the provenance at the top: run id, dates, symbols, orders, strategies", () => {
    const prov = html.slice(
      html.indexOf('id="provenance"'),
      html.indexOf("</section>", html.indexOf('id="provenance"')),
    );
    expect(html.indexOf('id="provenance"')).toBeLessThan(html.indexOf('id="chart-'));
    expect(prov).toContain(`<dd>${RUN_ID}</dd>`);
    expect(prov).toContain(`${DAYS[0]} .. ${DAYS[1]} (2 trading days)`);
    expect(prov).toContain(`${SYMBOL} (2 symbol-days)`);
    expect(prov).toContain("start 10:00, 11:00, 13:00, 14:30 New York, horizon 10 min");
    for (const s of labelsOf()) expect(prov).toContain(s);
    // the seed is not in the result files: said so rather than invented
    expect(prov).toMatch(/seed<\/dt><dd class="absent">not recorded in this run/);
  });

  it("draws every chart with marks from the data", () => {
    for (const id of CHARTS) {
      const s = section(html, `chart-${id}`);
      expect(s, id).toContain('data-status="rendered"');
      expect(s, id).toContain("<svg");
      expect(
        marks(s).some((m) => m.labels.length > 0),
        id,
      ).toBe(true);
    }
  });

  it("cost distribution: one dot per parent order and strategy, at the order's cost", () => {
    const m = marks(section(html, "chart-cost-distribution"));
    const dots = m.filter((x) => x.type === "symbol").flatMap((x) => x.labels.map(fields));
    const finite = executions.filter((r) => Number.isFinite(r.total_cost_bps as number));
    expect(dots).toHaveLength(finite.length);
    const key = (s: string, c: number) => `${s}|${c.toFixed(2)}`;
    const want = finite.map((r) => key(String(r.strategy), r.total_cost_bps as number)).sort();
    const got = dots.map((d) => key(d.strategy!, Number(Object.entries(d)[0]![1]))).sort();
    expect(got).toEqual(want);
    // whiskers, box and median: one of each per strategy; the box says the strategy's median cost
    const box = m.filter((x) => x.group.startsWith("layer_0_"));
    expect(box.map((b) => [b.type, b.items])).toEqual([
      ["rule", labelsOf().length],
      ["rule", labelsOf().length],
      ["rect", labelsOf().length],
      ["rect", labelsOf().length],
    ]);
    const boxes = box[2]!.labels.map(fields);
    for (const s of labelsOf()) {
      const c = finite
        .filter((r) => r.strategy === s)
        .map((r) => r.total_cost_bps as number)
        .sort((a, b) => a - b);
      const med = c.length % 2 ? c[c.length >> 1]! : (c[c.length / 2 - 1]! + c[c.length / 2]!) / 2;
      const b = boxes.find((x) => x.strategy === s)!;
      expect(Number(b["Median of total cost per parent share (bps of arrival mid)"]), s).toBeCloseTo(med, 6);
    }
  });

  it("paired difference to twap/market: mean and 95% t interval of each strategy, computed here from DuckDB", async () => {
    const pairs = await duckQuery(
      `with e as (select * from read_parquet('${join(root, "results", "executions", "**", "*.parquet")}', hive_partitioning = true))
       select a.strategy, list(a.total_cost_bps - b.total_cost_bps) as d
       from e a join e b on a.symbol = b.symbol and a.date = b.date and a.order_id = b.order_id and b.strategy = 'twap/market'
       where a.strategy <> 'twap/market' group by 1 order by 1`,
    );
    const dots = marks(section(html, "chart-paired-difference"))
      .filter((m) => m.type === "symbol")
      .flatMap((m) => m.labels.map(fields));
    expect(dots.map((d) => d.comparison)).toEqual(pairs.map((p) => p.strategy));
    for (const p of pairs) {
      const d = (p.d as number[]).map(Number);
      const n = d.length;
      const mean = d.reduce((a, b) => a + b, 0) / n;
      const sd = Math.sqrt(d.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
      const half = (studentTQuantile(0.975, n - 1) * sd) / Math.sqrt(n);
      const dot = dots.find((x) => x.comparison === p.strategy)!;
      expect(Number(dot.mean_bps)).toBeCloseTo(mean, 2);
      expect(Number(dot.ci_low_bps)).toBeCloseTo(mean - half, 2);
      expect(Number(dot.ci_high_bps)).toBeCloseTo(mean + half, 2);
      expect(Number(dot["paired orders"])).toBe(n);
      expect(dot["strategy kind"]).toBe(p.strategy === "myopic/sor/alpha=oracle" ? "look-ahead" : "causal");
    }
  });

  it("routing gain, alpha gain and the oracle gap name the right pairs", () => {
    const gains = marks(section(html, "chart-gains"))
      .filter((m) => m.type === "symbol")
      .flatMap((m) => m.labels.map(fields));
    expect(gains.map((g) => g.comparison).sort()).toEqual([
      "myopic/sor/alpha=ofi - alpha=none",
      "twap: sor - market",
    ]);
    const oracle = marks(section(html, "chart-oracle-gap"))
      .filter((m) => m.type === "symbol")
      .flatMap((m) => m.labels.map(fields));
    expect(oracle.map((g) => g.comparison).sort()).toEqual([
      "myopic/sor/alpha=none - oracle",
      "myopic/sor/alpha=ofi - oracle",
    ]);
    expect(section(html, "chart-oracle-gap")).toContain("UPPER BOUND");
    // twap routing gain = mean over orders of cost(twap/sor) - cost(twap/market)
    const cost = (s: string) =>
      new Map(
        executions
          .filter((r) => r.strategy === s)
          .map((r) => [`${r.date}|${r.order_id}`, r.total_cost_bps as number]),
      );
    const sor = cost("twap/sor");
    const mkt = cost("twap/market");
    const diffs = [...sor].map(([k, v]) => v - mkt.get(k)!);
    const g = gains.find((x) => x.comparison === "twap: sor - market")!;
    expect(Number(g.mean_bps)).toBeCloseTo(diffs.reduce((a, b) => a + b, 0) / diffs.length, 2);
  });

  it("cost against size: two sizes (0.2% and 0.8% of the ADV each task used)", () => {
    const dots = marks(section(html, "chart-cost-vs-size"))
      .filter((m) => m.group === "layer_0_marks")
      .flatMap((m) => m.labels.map(fields));
    expect(dots).toHaveLength(executions.length);
    const sizes = [...new Set(dots.map((d) => d["parent order size (% of ADV)"]))].sort();
    expect(sizes).toEqual(["0.20", "0.80"]);
  });

  it("sample order: schedules end at 100% of the parent, own impact from the myopic child orders", () => {
    const sched = marks(section(html, "chart-sample-schedule"));
    // one line per series (a line's aria-label is its first point); the points mark every child order
    const lines = sched.filter((m) => m.type === "line").flatMap((m) => m.labels.map(fields));
    expect(lines.map((l) => l.schedule).sort()).toEqual([
      "market volume (realized)",
      "myopic/sor/alpha=none",
      "myopic/sor/alpha=ofi",
      "myopic/sor/alpha=oracle",
      "ow/market",
      "twap/market",
      "vwap/market",
    ]);
    const pts = sched.filter((m) => m.type === "symbol").flatMap((m) => m.labels.map(fields));
    for (const s of new Set(pts.map((p) => p.schedule))) {
      const cum = pts.filter((p) => p.schedule === s).map((p) => Number(p["cumulative % of total"]));
      expect(Math.max(...cum), s).toBeCloseTo(100, 6);
      expect(Math.min(...cum), s).toBe(0);
    }
    // twap/market: one child per minute of the 10-minute window plus the start and end points
    expect(pts.filter((p) => p.schedule === "twap/market")).toHaveLength(12);
    const impact = marks(section(html, "chart-own-impact")).flatMap((m) => m.labels.map(fields));
    expect(impact.length).toBeGreaterThan(0);
    expect(impact.every((p) => p.strategy?.startsWith("myopic/"))).toBe(true);
  });

  it("router mix and fill / passive shares: the executed-share-weighted split of each strategy", () => {
    const mix = marks(section(html, "chart-router-mix")).flatMap((m) => m.labels.map(fields));
    // market / limit / catch-up bars and one overfill mark per strategy
    expect(mix).toHaveLength(4 * labelsOf().length);
    for (const s of labelsOf()) {
      const mine = executions.filter((r) => r.strategy === s);
      const ex = mine.reduce((a, r) => a + Number(r.executed_qty), 0);
      const passive = mine.reduce((a, r) => a + Number(r.executed_qty) * Number(r.passive_share), 0) / ex;
      const limit = mix.find((m) => m.strategy === s && m.component === "limit (maker)")!;
      expect(Number(limit.pct)).toBeCloseTo(100 * passive, 1);
      const total = mix
        .filter((m) => m.strategy === s && !String(m.component).startsWith("overfill"))
        .reduce((a, m) => a + Number(m.pct), 0);
      expect(total).toBeCloseTo(100, 0);
    }
    expect(mix.some((m) => m.component === "limit (maker)" && Number(m.pct) > 0)).toBe(true);
    const fp = marks(section(html, "chart-fill-passive")).flatMap((m) => m.labels.map(fields));
    expect(fp).toHaveLength(2 * labelsOf().length);
  });

  it("every table has the run's rows", () => {
    // day 1 runs on the default parameters, day 2 on day 1's calibration: summarised apart, calibrated first
    const bySource = ["prior_days", "default"].flatMap((c) => labelsOf().map((s) => `${s} ${c}`));
    expect(tableRows(html, "strategies").map((r) => `${r[0]} ${r[1]}`)).toEqual(bySource);
    expect(tableRows(html, "per-symbol").map((r) => `${r[0]} ${r[1]} ${r[2]}`)).toEqual(
      bySource.map((s) => `${SYMBOL} ${s}`),
    );
    const cal = tableRows(html, "calibration");
    expect(cal.map((r) => r.slice(0, 4))).toEqual([
      [SYMBOL, DAYS[0], "default", "-"],
      [SYMBOL, DAYS[1], "prior_days", DAYS[0]],
    ]);
    expect(cal[0]![5]).toBe("1.000"); // the documented default lambda
    expect(cal[0]![8]).toBe("1,000,000"); // the documented default ADV
    expect([cal[0]![9], cal[1]![9]]).toEqual(["default", "calibrated"]); // ADV source beside it
    const q = tableRows(html, "data-quality");
    expect(q.map((r) => r.slice(0, 2))).toEqual(DAYS.map((d) => [SYMBOL, d]));
    expect(section(html, "table-failed-tasks")).toContain("not in this run: runs/rep1/status.json is absent");
  });

  it("a fresh run has every task_quality column: no 'not in this run' note, levels / gap / no-data shown", () => {
    const q = section(html, "table-data-quality");
    expect(q).not.toContain("not in this run");
    for (const h of ["book levels", "max gap (s)", "no-data parents", "overridden"])
      expect(q).toContain(`<th>${h}</th>`);
    expect(q).not.toContain("<th>status</th>");
  });

  it("per strategy: impact = mean impact_cost_bps, walk = mean walk_cost_bps, opportunity = mean opportunity_bps, overfill = summed shares", () => {
    const head = [...section(html, "table-strategies").matchAll(/<th>(.*?)<\/th>/g)].map((m) => m[1]);
    const at = (h: string) => head.indexOf(h);
    expect(at("impact (bps)")).toBeGreaterThan(at("IS (bps)"));
    expect(at("walk (bps)")).toBe(at("impact (bps)") + 1);
    expect(at("opportunity (bps)")).toBe(at("walk (bps)") + 1);
    expect(at("overfill (shares)")).toBeGreaterThan(0);
    const rows = tableRows(html, "strategies");
    let nonZeroImpact = 0;
    for (const r of rows) {
      const mine = executions.filter(
        (e) => e.strategy === r[0] && e.calibration_source === r[1] && e.status === "ok",
      );
      expect(mine.length, `${r[0]} ${r[1]}`).toBeGreaterThan(0);
      const m = (k: string) => mine.reduce((a, e) => a + Number(e[k]), 0) / mine.length;
      expect(r[at("impact (bps)")]).toBe(fixed(m("impact_cost_bps"), 2));
      expect(r[at("opportunity (bps)")]).toBe(fixed(m("opportunity_bps"), 2));
      expect(r[at("walk (bps)")]).toBe(fixed(m("walk_cost_bps"), 2));
      const overfill = mine.reduce((a, e) => a + Number(e.overfill_shares ?? 0), 0);
      expect(r[at("overfill (shares)")]).toBe(overfill.toLocaleString("en-US"));
      if (m("impact_cost_bps") > 0) nonZeroImpact++;
    }
    // the default impact model (linear) prices own impact into the fills
    expect(nonZeroImpact).toBeGreaterThan(0);
    expect(section(html, "table-per-symbol")).toContain("<th>impact (bps)</th>");
    // the caption says what total cost is: per PARENT share, with the unfilled shares' opportunity cost
    expect(section(html, "chart-cost-distribution")).toMatch(
      /per PARENT share.*opportunity cost of the unfilled/,
    );
  });

  it("provenance: the package version, the manifest's spec version, the run's impact model", () => {
    expect(html).toContain(`<dt>msor version</dt><dd>${VERSION} (the code that rendered this report)</dd>`);
    expect(html).toMatch(/<dt>spec version<\/dt><dd class="absent">not recorded in this run/);
    const models = [...new Set(executions.map((e) => String(e.impact_model)))];
    expect(models).toEqual(["linear"]);
    expect(html).toContain("<dt>impact model</dt><dd>linear (own-impact overlay on every fill");
  });

  it("no risk-controls table when no control acted", () => {
    expect(html).not.toContain('id="table-risk-controls"');
  });

  it("a strategy has the same colour in every chart (one domain and range for all strategies)", async () => {
    const data = await loadRunData(store, RUN_ID);
    const labels = labelsOf();
    const colourOf = new Map<string, Set<string>>();
    let scales = 0;
    const walk = (o: unknown): void => {
      if (Array.isArray(o)) {
        for (const x of o) walk(x);
        return;
      }
      if (!o || typeof o !== "object") return;
      const r = o as Record<string, unknown>;
      const sc = r.scale as { domain?: string[]; range?: string[] } | undefined;
      if ((r.field === "strategy" || r.field === "series") && sc?.domain && sc.range) {
        scales++;
        sc.domain.forEach((d, i) => {
          if (!colourOf.has(d)) colourOf.set(d, new Set());
          colourOf.get(d)!.add(sc.range![i]!);
        });
      }
      for (const v of Object.values(r)) walk(v);
    };
    const charts = buildCharts(data).filter((c) =>
      ["cost-distribution", "cost-vs-size", "sample-schedule", "own-impact"].includes(c.id),
    );
    expect(charts).toHaveLength(4);
    for (const c of charts) walk(c.spec);
    expect(scales).toBeGreaterThanOrEqual(4);
    for (const l of labels) expect([...(colourOf.get(l) ?? [])], l).toHaveLength(1);
    const distinct = new Set(labels.map((l) => [...colourOf.get(l)!][0]));
    expect(distinct.size).toBe(labels.length);
  });

  it("gain labels are drawn whole (no ellipsis), wide tables are compact and scroll inside their card", async () => {
    const gains = section(html, "chart-gains");
    expect(gains).toContain(">myopic/sor/alpha=ofi - alpha=none</text>");
    expect(gains).not.toContain("\u2026");
    // the longest label of the demo, cut at "myopic/sor/alpha=imbalance - alp…" by the old label limit
    const long = "myopic/sor/alpha=imbalance/lambda_scale=2 - alpha=none";
    const svg = await renderSvg(
      intervalSpec(
        [
          {
            comparison: long,
            kind: "alpha: alpha - none",
            n: 4,
            mean_bps: -1,
            ci_low_bps: -3,
            ci_high_bps: 1,
          },
        ],
        "x",
        "comparison",
      ),
      "t",
    );
    expect(svg).toContain(`>${long}</text>`);
    for (const id of ["strategies", "per-symbol", "calibration", "data-quality"]) {
      const s = section(html, `table-${id}`);
      const cols = [...s.matchAll(/<th>/g)].length;
      expect(s).toContain(`<div class="scroll"><table${cols > COMPACT_COLUMNS ? ' class="compact"' : ""}>`);
    }
    expect(html).toMatch(/\.scroll \{ overflow-x: auto; \}/);
    // a list of days wraps between days, never inside a date
    expect(section(html, "table-calibration")).toContain(`<td class="wrap">${DAYS[0]}</td>`);
    expect(section(html, "table-data-quality")).toMatch(
      /<td class="wrap"><span class="nw">[A-Z.]+<\/span>, <span class="nw">[A-Z.]+<\/span><\/td>/,
    );
  });

  it("is deterministic, and the calibration ADV matches the order sizes the backtest printed", async () => {
    expect(await renderRunReport(store, RUN_ID)).toBe(html);
    const parent = executions.find((r) => r.date === DAYS[0])!.parent_qty;
    expect(Number(parent)).toBe(Math.round((0.2 / 100) * 1_000_000)); // day 1 runs on the default ADV
    expect(SPEC.orders).toHaveLength(2);
  });
});

describe("charts that read at a glance (issue 24.6)", () => {
  it("schedules: ow/market is shown; each scheduler its own layer, the first widest, so none hides another", async () => {
    const { loadRunData } = await import("../../lib/report/load.ts");
    const { executionCharts } = await import("../../lib/report/executionCharts.ts");
    const charts = executionCharts(await loadRunData(store, RUN_ID));
    const spec = charts.find((c) => c.id === "sample-schedule")!.spec as unknown as {
      layer: {
        transform: { filter: { equal?: string } }[];
        mark: { strokeWidth: number; interpolate?: string };
      }[];
    };
    const steps = spec.layer.filter((l) => l.mark.interpolate === "step-after");
    expect(steps.map((l) => l.transform[0]!.filter.equal)).toEqual([
      "myopic/sor/alpha=none",
      "myopic/sor/alpha=ofi",
      "myopic/sor/alpha=oracle",
      "ow/market",
      "twap/market",
      "vwap/market",
    ]);
    const widths = steps.map((l) => l.mark.strokeWidth);
    expect(widths).toEqual([...widths].sort((a, b) => b - a));
    expect(new Set(widths).size).toBe(widths.length);
    expect(section(html, "chart-sample-schedule")).toContain("ow/market");

    const impact = charts.find((c) => c.id === "own-impact")!.spec as unknown as {
      mark: { interpolate: string };
    };
    expect(impact.mark.interpolate).toBe("step-after");

    const mix = charts.find((c) => c.id === "router-mix")!.spec as unknown as {
      layer: { encoding: { x: { scale?: { domain: number[]; nice: boolean } } } }[];
    };
    expect(mix.layer[0]!.encoding.x.scale).toEqual({ domain: [0, 100], nice: false });
    // the drawn axis ends at 100 (no 110 tick)
    const mixSvg = section(html, "chart-router-mix");
    expect(mixSvg).toMatch(/>100<\/text>/);
    expect(mixSvg).not.toMatch(/>110<\/text>/);
  });

  it("the per-symbol and data-quality tables keep to the columns that fit a laptop screen", async () => {
    const heads = (id: string) =>
      [...section(html, `table-${id}`).matchAll(/<th>(.*?)<\/th>/g)].map((m) => m[1]);
    expect(heads("per-symbol")).toEqual([
      "symbol",
      "strategy",
      "calibration",
      "orders",
      "fill rate",
      "impact (bps)",
      "total cost (bps)",
      "stdev (bps)",
      "vs twap/market (bps)",
      "95% CI (bps)",
      "win rate",
      "arrival mid source",
    ]);
    const q = heads("data-quality");
    expect(q.length).toBeLessThanOrEqual(15);
    expect(q).toContain("other counters");
    expect(q).not.toContain("crossed");
    // the rare counters that are not zero, from the task_quality files (the synthetic days have clears only)
    const quality = await duckQuery(
      `select * from read_parquet('${join(root, "results", "task_quality", "**", "*.parquet")}', hive_partitioning = true, hive_types_autocast = false) order by "date"`,
    );
    const other = q.indexOf("other counters");
    const cells = tableRows(html, "data-quality").map((r) => r[other]);
    expect(cells).toEqual(quality.map((t) => (Number(t.clears) > 0 ? `clears ${Number(t.clears)}` : "none")));
    for (const t of quality)
      for (const k of [
        "crossed_books",
        "locked_books",
        "non_monotone_ts",
        "sequence_regressions",
        "maybe_bad_book",
      ])
        expect(Number(t[k]), k).toBe(0);
  });

  it("names the paired differences by what they subtract, negative = saves", () => {
    const s = section(html, "chart-gains");
    expect(s).toContain(
      "Routing and alpha: paired cost differences (95% confidence interval; negative = saves)",
    );
    expect(s).toContain("routing: sor - market");
    // (the section keeps its anchor id, chart-gains, for links into earlier reports)
    expect(s.replace('id="chart-gains"', "")).not.toMatch(/gain/i);
  });
});

describe("data-driven sections", () => {
  const extend = (t: TableSchema, cols: ColumnDef[]): TableSchema => ({
    ...t,
    columns: [...t.columns, ...cols],
  });

  it("a run with only baselines and no child orders shows notes, never empty frames", async () => {
    const src = await store.get(resultKey(EXECUTIONS, RUN_ID, DAYS[1]!, SYMBOL));
    const rows = (await readParquetRows("x", src)).filter(
      (r: Row) => r.strategy === "twap/market" || r.strategy === "vwap/market",
    );
    await store.put(resultKey(EXECUTIONS, "base", DAYS[1]!, SYMBOL), await rowsToParquet(EXECUTIONS, rows));
    const r = await buildRunReport(store, "base");
    const missing = r.charts.filter((c) => c.status === "missing").map((c) => c.id);
    expect(missing.sort()).toEqual(["gains", "own-impact", "sample-schedule"]);
    // the look-ahead oracle is opt-in: no empty section, the paired-difference chart says how to get it (24.6)
    expect(r.charts.map((c) => c.id)).not.toContain("oracle-gap");
    expect(section(r.html, "chart-gains")).toContain("alpha: [none, ofi, oracle]");
    for (const id of missing) {
      const s = section(r.html, `chart-${id}`);
      expect(s).toContain("Not in this run:");
      expect(s).not.toContain("<svg");
    }
    expect(r.tables.find((t) => t.id === "data-quality")?.missing).toBe(
      "the run has no task_quality results",
    );
    expect(tableRows(r.html, "strategies").map((x) => x[0])).toEqual(["twap/market", "vwap/market"]);
  });

  it("a run with queue_check rows gets the queue-check chart (prob(n) line and model points); others do not", async () => {
    const src = await store.get(resultKey(EXECUTIONS, RUN_ID, DAYS[1]!, SYMBOL));
    await store.put(resultKey(EXECUTIONS, "qc", DAYS[1]!, SYMBOL), src);
    const r0 = await buildRunReport(store, "qc");
    expect(r0.charts.map((c) => c.id)).not.toContain("queue-check");
    const open = () =>
      (async function* () {
        yield* generateMbo({ seed: 4, events: 20_000, cancelLaw: "uniform" });
      })();
    const qc = await queueCheck(open, { orders: 40, tauS: 30, seed: 1 });
    await writeQueueCheck(store, "qc", DAYS[1]!, SYMBOL, queueCheckRows(qc, SYMBOL, 1));
    const r = await buildRunReport(store, "qc");
    const s = section(r.html, "chart-queue-check");
    expect(s).toContain('data-status="rendered"');
    const m = marks(s);
    // one line over the power grid, and risk_averse + log_prob as points
    expect(
      m.find((x) => x.type === "line")?.labels.length ?? m.filter((x) => x.type === "symbol").length,
    ).toBeGreaterThan(0);
    const points = m.filter((x) => x.type === "symbol").flatMap((x) => x.labels);
    expect(points.some((l) => l.includes("risk_averse"))).toBe(true);
    const ra = qc.scores.find((x) => x.model === "risk_averse")!;
    const label = points.find((l) => l.includes("risk_averse"))!;
    expect(Number(fields(label).err_pct)).toBeCloseTo((100 * ra.meanSignedErrorS) / 30, 1);
  });

  it("columns and files other versions add are shown when present (overfill, arrival source, gaps, levels, failed tasks, manifest)", async () => {
    const ex = extend(EXECUTIONS, [
      { name: "overfill_shares", type: "int64", doc: "" },
      { name: "arrival_source", type: "string", doc: "" },
    ]);
    const tq = TASK_QUALITY;
    for (const d of DAYS) {
      const e = await readParquetRows("e", await store.get(resultKey(EXECUTIONS, RUN_ID, d, SYMBOL)));
      const rows = e.map((r) => ({
        ...r,
        overfill_shares: r.strategy === "twap/sor" ? 10 : 0,
        arrival_source: "nbbo",
      }));
      await store.put(resultKey(EXECUTIONS, "ext", d, SYMBOL), await rowsToParquet(ex, rows));
      const q = await readParquetRows("q", await store.get(resultKey(TASK_QUALITY, RUN_ID, d, SYMBOL)));
      const qrows = q.map((r) => ({ ...r, max_gap_s: 12.5, book_levels: 10 }));
      await store.put(resultKey(TASK_QUALITY, "ext", d, SYMBOL), await rowsToParquet(tq, qrows));
    }
    await store.put(
      "runs/ext/status.json",
      JSON.stringify({
        tasks: {
          "SYNR-2024-03-06": {
            outcome: "failed",
            symbol: SYMBOL,
            date: "2024-03-06",
            reason: "no MBP-10 file",
          },
          "SYNR-2024-03-07": {
            outcome: "dead_lettered",
            symbol: SYMBOL,
            date: "2024-03-07",
            reason: "3 receives",
          },
          "SYNR-2024-03-04": { outcome: "ok" },
        },
      }),
    );
    await store.put("runs/ext/manifest.json", JSON.stringify({ version: 1, spec: { seed: 42 } }));
    const r = await buildRunReport(store, "ext");
    const mix = section(r.html, "chart-router-mix");
    const diamonds = marks(mix)
      .filter((m) => m.group === "layer_1_marks")
      .flatMap((m) => m.labels);
    expect(diamonds).toHaveLength(labelsOf().length);
    expect(mix).not.toContain("overfill shares not in this run");
    expect(section(r.html, "table-per-symbol")).toContain("<td>nbbo</td>");
    const q = section(r.html, "table-data-quality");
    expect(q).toContain("<th>max gap (s)</th>");
    expect(q).toContain('<td class="num">12.5</td>');
    expect(q).toContain("<th>book levels</th>");
    expect(q).not.toContain("not in this run");
    expect(tableRows(r.html, "failed-tasks")).toEqual([
      ["SYNR-2024-03-06", SYMBOL, "2024-03-06", "failed", "no MBP-10 file"],
      ["SYNR-2024-03-07", SYMBOL, "2024-03-07", "dead_lettered", "3 receives"],
    ]);
    expect(r.html).toContain("<dt>seed</dt><dd>42</dd>");
    // manifest.version is the sweep spec's schema version, not the code's
    expect(r.html).toContain("<dt>spec version</dt><dd>1</dd>");
    expect(r.html).toContain(`<dt>msor version</dt><dd>${VERSION} (the code that rendered this report)</dd>`);
  });
});

describe("data-driven sections: older results and risk controls", () => {
  it("task_quality of an older version (no levels / gap / no-data / overridden columns): named in one note", async () => {
    const optional = ["book_levels", "max_gap_s", "no_data_parents", "overridden"];
    const old: TableSchema = {
      ...TASK_QUALITY,
      columns: TASK_QUALITY.columns.filter((c) => !optional.includes(c.name)),
    };
    for (const d of DAYS) {
      const e = await store.get(resultKey(EXECUTIONS, RUN_ID, d, SYMBOL));
      await store.put(resultKey(EXECUTIONS, "oldq", d, SYMBOL), e);
      const q = await readParquetRows("q", await store.get(resultKey(TASK_QUALITY, RUN_ID, d, SYMBOL)));
      const then = q.map((r) => Object.fromEntries(old.columns.map((c) => [c.name, r[c.name]])));
      await store.put(resultKey(TASK_QUALITY, "oldq", d, SYMBOL), await rowsToParquet(old, then));
    }
    const r = await buildRunReport(store, "oldq");
    const q = section(r.html, "table-data-quality");
    expect(q).toContain(
      "not in this run: book_levels, max_gap_s, no_data_parents, overridden (task_quality columns these results predate; a rerun writes them)",
    );
    expect(q).not.toContain("<th>book levels</th>");
    expect(tableRows(r.html, "data-quality")).toHaveLength(DAYS.length);
  });

  it("risk controls that acted: a table per strategy with the counts of the executions", async () => {
    let twapSorParents = 0;
    for (const d of DAYS) {
      const e = await readParquetRows("e", await store.get(resultKey(EXECUTIONS, RUN_ID, d, SYMBOL)));
      const rows = e.map((r) => {
        if (r.strategy !== "twap/sor" || r.status !== "ok") return r;
        twapSorParents++;
        return {
          ...r,
          limit_hit: true,
          notional_cap_qty: Number(r.parent_qty) - 1,
          spread_guard_skips: 2,
          capped_shares: 100,
          halt_skips: 1,
          halted_s: 7.5,
        };
      });
      await store.put(resultKey(EXECUTIONS, "risk", d, SYMBOL), await rowsToParquet(EXECUTIONS, rows));
    }
    expect(twapSorParents).toBeGreaterThan(0);
    const r = await buildRunReport(store, "risk");
    const rows = tableRows(r.html, "risk-controls");
    expect(rows.map((x) => x[0])).toEqual(labelsOf());
    const n = twapSorParents;
    expect(rows.find((x) => x[0] === "twap/sor")).toEqual([
      "twap/sor",
      String(n),
      String(n),
      String(n),
      String(2 * n),
      (100 * n).toLocaleString("en-US"),
      String(n),
      (7.5 * n).toFixed(1),
    ]);
    const twap = rows.find((x) => x[0] === "twap/market")!;
    expect(twap.slice(2)).toEqual(["0", "0", "0", "0", "0", "0.0"]);
  });
});

describe("msor report --root", () => {
  it("defaults to msor-out, the root of msor sweep, status and query", () => {
    const program = new Command();
    registerReport(program);
    registerSweep(program);
    registerStatus(program);
    registerQuery(program);
    const rootOf = (name: string) =>
      program.commands.find((c) => c.name() === name)!.options.find((o) => o.long === "--root")!.defaultValue;
    expect(rootOf("report")).toBe("msor-out");
    for (const c of ["sweep", "status", "query"]) expect(rootOf(c), c).toBe(rootOf("report"));
  });
});

describe("msor report", () => {
  it("writes runs/{RUN}/report.html under --root, or --out; one-line errors with exit 2", async () => {
    const ok = await captureCli(() => main(["node", "msor", "report", RUN_ID, "--root", root]));
    expect(ok.code).toBe(0);
    const path = join(root, "runs", RUN_ID, "report.html");
    expect(ok.stdout.trim().split("\n").at(-1)).toMatch(
      new RegExp(`^report: ${path} \\(\\d+ KiB, 11 of 11 charts\\)$`),
    );
    expect(readFileSync(path, "utf8")).toBe(html);
    const out = join(dir, "elsewhere", "r.html");
    const js = await captureCli(() =>
      main(["node", "msor", "report", RUN_ID, "--root", root, "--out", out, "--json"]),
    );
    expect(js.code).toBe(0);
    const j = JSON.parse(js.stdout);
    expect(j.report).toBe(out);
    expect(j.charts.map((c: { status: string }) => c.status)).toEqual(CHARTS.map(() => "rendered"));
    expect(j.tables.find((t: { id: string }) => t.id === "strategies").rows).toBe(2 * labelsOf().length);
    const missing = await captureCli(() => main(["node", "msor", "report", "nothere", "--root", root]));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /^msor: run "nothere" has no results under .*; check the run id and the root folder/,
    );
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
    const bad = await captureCli(() => main(["node", "msor", "report", "../x", "--root", root]));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('invalid run id "../x"');
  });
});

describe("report TCA (docs/models.md 8.1)", () => {
  const TC = ["spread", "walk", "impact", "timing", "fees", "opportunity"];
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

  it("where each bp went: one bar per strategy and component, at the mean of that component", () => {
    const bars = marks(section(html, "chart-tca-decomposition"))
      .filter((m) => m.type === "rect")
      .flatMap((m) => m.labels.map(fields));
    expect(bars.length).toBe(labelsOf().length * TC.length);
    for (const b of bars) {
      const mine = executions.filter((r) => r.strategy === b.strategy && r.status === "ok");
      const want = mean(mine.map((r) => Number(r[`tc_${b.component}_bps`])));
      expect(Number(b.bps), `${b.strategy} ${b.component}`).toBeCloseTo(want, 2);
    }
  });

  it("component differences to twap/market add up to the total difference, paired on the same orders", () => {
    const rows = tableRows(html, "tca-differences");
    expect(rows.length).toBe(labelsOf().length - 1);
    for (const r of rows) {
      const total = Number(r[3]);
      const parts = r.slice(4, 10).map(Number);
      expect(
        parts.reduce((a, b) => a + b, 0),
        r[0],
      ).toBeCloseTo(total, 1);
    }
  });

  it("venue scorecard: per strategy and venue, the shares the fills of the run show", async () => {
    const fills = await duckQuery(
      `select strategy, venue, maker, qty from read_parquet('${join(root, "results", "fills", "**", "*.parquet")}', hive_partitioning = true, hive_types_autocast = false)`,
    );
    const rows = tableRows(html, "venue-scorecard");
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      const mine = fills.filter((f) => f.strategy === r[0] && f.venue === r[1]);
      const taken = mine.filter((f) => f.maker !== true).reduce((a, f) => a + Number(f.qty), 0);
      expect(Number(r[5]!.replaceAll(",", "")), `${r[0]} ${r[1]}`).toBe(taken);
    }
  });
});
