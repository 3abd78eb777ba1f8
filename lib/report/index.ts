/**
 * The run report (issue 12): runs/{R}/report.html, one self-contained HTML page with inline SVG charts
 * rendered in Node from Vega-Lite specs. Reads results through the ObjectStore port with parquet-wasm (no
 * DuckDB), so the summary Lambda can call renderRunReport as is.
 */

import { type FeeRate, resolveInstrument, venueFeeSchedule } from "../core/instrument.ts";
import { VERSION } from "../core/version.ts";
import type { ObjectStore } from "../ports/objectStore.ts";
import type { TaskSpec } from "../specs/taskSpec.ts";
import { reportKey } from "../store/keys.ts";
import { buildCharts } from "./charts.ts";
import { sampleNote } from "./costCharts.ts";
import { type Page, type ProvenanceItem, pageHtml, type RenderedChart } from "./html.ts";
import { loadRunData, loadSampledRunData, type RunData } from "./load.ts";
import type { Aggregates, SampleEntry } from "./strategyAggregates.ts";
import { buildTables } from "./tables.ts";
import { tcaTables } from "./tcaReport.ts";
import { renderSvg } from "./vega.ts";

export { reportKey } from "../store/keys.ts";

/** What the report holds: the page and, per chart / table, whether it was drawn or is waiting for data. */
export interface RunReport {
  readonly html: string;
  readonly charts: { id: string; title: string; status: "rendered" | "missing"; missing?: string }[];
  readonly tables: { id: string; title: string; rows: number; missing?: string }[];
}

/** The report of run `runId` as an HTML string (deterministic for the same stored results). */
export async function renderRunReport(
  store: ObjectStore,
  runId: string,
  summary?: RunSummary,
): Promise<string> {
  return (await buildRunReport(store, runId, summary)).html;
}

/**
 * A sweep's merged aggregates and sample (its status.json): with them the report reads no compacted file and
 * at most the staged files of the sampled parents' tasks (loadSampledRunData), whatever the run's size.
 */
export interface RunSummary {
  readonly aggregates: Aggregates;
  readonly sample: readonly SampleEntry[];
}

/** What is drawn from every parent order of a sweep (the aggregates); the rest is drawn from the sample. */
const FROM_AGGREGATES = new Set(["strategies", "cost-distribution", "paired-difference", "gains"]);

export async function buildRunReport(
  store: ObjectStore,
  runId: string,
  summary?: RunSummary,
): Promise<RunReport> {
  const data = summary ? await loadSampledRunData(store, runId, summary) : await loadRunData(store, runId);
  const note = <T extends { id: string; notes?: readonly string[] }>(x: T): T =>
    data.sample && !FROM_AGGREGATES.has(x.id)
      ? { ...x, notes: [...(x.notes ?? []), ...sampleNote(data)] }
      : x;
  const charts: RenderedChart[] = [];
  for (const c of buildCharts(data).map(note)) {
    charts.push(c.spec ? { ...c, svg: await renderSvg(c.spec, `c-${c.id}`) } : c);
  }
  const page: Page = {
    runId,
    provenance: provenance(data),
    ...(data.manifest ? { specJson: truncate(JSON.stringify(data.manifest, null, 2), 50_000) } : {}),
    charts,
    // the TCA tables right after the per-strategy results
    tables: buildTables(data)
      .flatMap((t) => (t.id === "strategies" ? [t, ...tcaTables(data)] : [t]))
      .map(note),
  };
  return {
    html: pageHtml(page),
    charts: page.charts.map((c) => ({
      id: c.id,
      title: c.title,
      status: c.svg ? "rendered" : "missing",
      ...(c.missing && !c.svg ? { missing: c.missing } : {}),
    })),
    tables: page.tables.map((t) => ({
      id: t.id,
      title: t.title,
      rows: t.rows.length,
      ...(t.missing ? { missing: t.missing } : {}),
    })),
  };
}

/** Render and store the report at runs/{R}/report.html; returns the key. */
export async function writeRunReport(
  store: ObjectStore,
  runId: string,
  summary?: RunSummary,
): Promise<string> {
  const html = await renderRunReport(store, runId, summary);
  const key = reportKey(runId);
  await store.put(key, html, { contentType: "text/html; charset=utf-8" });
  return key;
}

function truncate(s: string, n: number): string {
  return s.length <= n
    ? s
    : `${s.slice(0, n)}\n... (${(s.length - n).toLocaleString("en-US")} more characters)`;
}

const NY_TIME = new Intl.DateTimeFormat("en-US", {
  timeZone: "America/New_York",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

function pickPath(o: Record<string, unknown> | undefined, ...paths: string[]): unknown {
  for (const p of paths) {
    let v: unknown = o;
    for (const k of p.split("."))
      v = v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined;
    if (v !== undefined && v !== null) return v;
  }
  return undefined;
}

function provenance(d: RunData): ProvenanceItem[] {
  const ex = d.executions;
  const uniq = (f: (r: (typeof ex)[number]) => unknown) => [...new Set(ex.map((r) => String(f(r))))].sort();
  // a sweep's report: the run's days and symbols from its plan (the rows are only a sample)
  const planned = d.sample ? ((d.manifest?.tasks ?? []) as { symbol?: string; date?: string }[]) : undefined;
  const dates = planned ? [...new Set(planned.map((t) => String(t.date)))].sort() : uniq((r) => r.date);
  const symbols = planned ? [...new Set(planned.map((t) => String(t.symbol)))].sort() : uniq((r) => r.symbol);
  const symbolDays = planned ? planned.length : d.calibrations.length;
  const orders = new Set(ex.map((r) => `${r.symbol}|${r.date}|${r.order_id}`));
  const starts = uniq((r) => NY_TIME.format(new Date(Number(r.start_ns) / 1e6)));
  const horizons = uniq((r) => Number(r.horizon_s) / 60);
  const sides = uniq((r) => r.side);
  const sizes = ex.map((r) => Number(r.parent_qty)).filter(Number.isFinite);
  const venues = [
    ...new Set(d.taskQuality.flatMap((q) => String(q.venues ?? "").split(",")).filter(Boolean)),
  ].sort();
  const prior = d.calibrations.filter((c) => c.source === "prior_days").length;
  const m = d.manifest;
  const absent = (label: string, what: string): ProvenanceItem => ({
    label,
    value: `not recorded in this run (${what}; runs/${d.runId}/manifest.json ${m ? "does not name it" : "is absent"})`,
    absent: true,
  });
  const fromManifest = (label: string, what: string, ...paths: string[]): ProvenanceItem => {
    const v = pickPath(m, ...paths);
    if (v === undefined) return absent(label, what);
    return { label, value: typeof v === "string" || typeof v === "number" ? String(v) : JSON.stringify(v) };
  };
  const strategies = uniq((r) => r.strategy);
  return [
    { label: "run id", value: d.runId },
    { label: "msor version", value: `${VERSION} (the code that rendered this report)` },
    fromManifest("spec version", "manifest schema version", "version"),
    fromManifest("seed", "backtest seed", "seed", "spec.seed", "backtest.seed"),
    {
      label: "dates",
      value: `${dates[0]} .. ${dates[dates.length - 1]} (${dates.length} trading day${dates.length === 1 ? "" : "s"})`,
    },
    { label: "symbols", value: `${symbols.join(", ")} (${symbolDays} symbol-days)` },
    { label: "venues", value: venues.join(", ") || "-" },
    fromManifest("input keys", "input files", "input_keys", "input.keys", "input.key_template", "input"),
    {
      label: "parent orders",
      value:
        `${d.sample ? `${d.sample.runParents.toLocaleString("en-US")} (a seeded sample of ${orders.size}: ` : `${orders.size} (`}${sides.join("/")} ${Math.min(...sizes).toLocaleString("en-US")}..${Math.max(...sizes).toLocaleString("en-US")} shares, ` +
        `start ${starts.join(", ")} New York, horizon ${horizons.join(", ")} min)`,
    },
    { label: "strategies", value: `${strategies.join(", ")} (label = strategy/exec/parameters)` },
    impactModels(d),
    ...instrumentItems(d, symbols, venues),
    {
      label: "calibration",
      value: `${prior} symbol-day${prior === 1 ? "" : "s"} on earlier days' calibrations, ${d.calibrations.length - prior} on the documented defaults (no earlier day)${d.sample ? " (of the sampled symbol-days)" : ""}`,
    },
    d.sample
      ? {
          label: "read from",
          value:
            `the merged aggregates of runs/${d.runId}/status.json (every parent order: the per-strategy table, cost ` +
            `distribution boxes and paired differences), and ${ex.length.toLocaleString("en-US")} execution rows of a seeded ` +
            `sample of ${d.sample.parents.toLocaleString("en-US")} of ${d.sample.runParents.toLocaleString("en-US")} parent orders in ${d.files} staged files of ` +
            `${d.sample.tasks.toLocaleString("en-US")} symbol-days (staging/*/run_id=${d.runId}/) for the rest`,
        }
      : {
          label: "read from",
          value: `${ex.length.toLocaleString("en-US")} execution rows in ${d.files} result files (results/*/run_id=${d.runId}/)`,
        },
  ];
}

/** A fee rate as text: "$1.10 per contract" or "0.3 bps of notional". */
function rateText(r: FeeRate, unit: string): string {
  if (r.per === "bps") return `${r.amount} bps of notional`;
  return `$${Math.abs(r.amount)
    .toFixed(4)
    .replace(/0{1,2}$/, "")} per ${unit === "contracts" ? "contract" : "share"}`;
}

/**
 * The instruments of the run (executions columns instrument, tick_size, multiplier) and each venue's fee schedule
 * (docs/models.md 1b) as the run's backtest spec resolves it for its symbols (the manifest; a local backtest
 * without one says so).
 */
function instrumentItems(
  d: RunData,
  symbols: readonly string[],
  venues: readonly string[],
): ProvenanceItem[] {
  const out: ProvenanceItem[] = [];
  if (d.executionColumns.has("instrument")) {
    const kinds = [
      ...new Set(
        d.executions.map((r) => `${r.instrument} (tick ${r.tick_size}, multiplier ${r.multiplier})`),
      ),
    ].sort();
    out.push({ label: kinds.length > 1 ? "instruments" : "instrument", value: kinds.join(", ") });
  }
  const spec = pickPath(d.manifest, "backtest", "spec") as TaskSpec | undefined;
  if (!spec?.fees) {
    out.push({
      label: "fees per venue",
      value: `not recorded in this run (the backtest spec's fee schedule; runs/${d.runId}/manifest.json ${d.manifest ? "does not name it" : "is absent"})`,
      absent: true,
    });
    return out;
  }
  const lines = new Set<string>();
  for (const s of symbols) {
    const inst = resolveInstrument(spec.instruments, s, spec.fees);
    for (const v of venues) {
      const f = venueFeeSchedule(inst.fees, v);
      const maker = `${f.maker.amount < 0 ? "maker fee" : "maker rebate"} ${rateText(f.maker, inst.unit)}`;
      lines.add(`${inst.id} on ${v}: taker ${rateText(f.taker, inst.unit)}, ${maker}`);
    }
  }
  out.push({ label: "fees per venue", value: [...lines].join("; ") || "-" });
  return out;
}

/** The own-impact overlay(s) the run priced into its fills (executions column impact_model). */
function impactModels(d: RunData): ProvenanceItem {
  if (!d.executionColumns.has("impact_model")) {
    return {
      label: "impact model",
      value:
        "not recorded in this run (the executions have no impact_model column: results of an older version)",
      absent: true,
    };
  }
  const models = [...new Set(d.executions.map((r) => String(r.impact_model ?? "-")))].sort();
  const what = (m: string) =>
    m === "none"
      ? "none (pure replay: own orders do not move the price; a lower bound on cost)"
      : `${m} (own-impact overlay on every fill, prior-day lambda and half-life)`;
  return {
    label: models.length > 1 ? "impact models" : "impact model",
    value:
      models.length > 1
        ? `${models.join(", ")} (a grid: strategies labelled .../impact=NAME)`
        : what(models[0] ?? "-"),
  };
}
