/** One self-contained HTML page: inline CSS, inline SVG charts, no scripts, fonts or external resources. */
import { fixed } from "../core/units.ts";
import type { Column, TableDef } from "./tables.ts";

export interface RenderedChart {
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly svg?: string;
  readonly missing?: string;
  readonly notes?: readonly string[];
}

export interface ProvenanceItem {
  readonly label: string;
  readonly value: string;
  /** A value that is not recorded in this run (shown greyed, says where it would come from). */
  readonly absent?: boolean;
}

export interface Page {
  readonly runId: string;
  readonly provenance: readonly ProvenanceItem[];
  /** Raw JSON shown collapsed under the provenance (the manifest when present). */
  readonly specJson?: string;
  readonly charts: readonly RenderedChart[];
  readonly tables: readonly TableDef[];
}

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

function formatCell(v: unknown, c: Column): { text: string; numeric: boolean } {
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return { text: "-", numeric: true };
    if (c.format === "pct") return { text: `${(100 * v).toFixed(1)}%`, numeric: true };
    if (c.format === "int") return { text: Math.round(v).toLocaleString("en-US"), numeric: true };
    if (typeof c.format === "number") return { text: fixed(v, c.format), numeric: true };
    return { text: String(v), numeric: true };
  }
  if (typeof v === "boolean") return { text: v ? "yes" : "no", numeric: false };
  if (v === null || v === undefined || v === "") return { text: "-", numeric: false };
  return { text: String(v), numeric: false };
}

/** Tables with more columns than this get a smaller font so that they fit a laptop screen (they scroll beyond). */
export const COMPACT_COLUMNS = 12;

function tableHtml(t: TableDef): string {
  const notes = (t.notes ?? []).map((n) => `<p class="note">${escapeHtml(n)}</p>`).join("");
  const head = `<h2>${escapeHtml(t.title)}</h2><p class="caption">${escapeHtml(t.caption)}</p>`;
  if (t.missing) {
    return `<section class="table" id="table-${t.id}" data-status="missing">${head}<p class="missing">${escapeHtml(t.missing)}</p>${notes}</section>`;
  }
  if (t.rows.length === 0) {
    return `<section class="table" id="table-${t.id}" data-status="empty" data-rows="0">${head}<p class="missing">none in this run</p>${notes}</section>`;
  }
  const th = t.columns.map((c) => `<th>${escapeHtml(c.label)}</th>`).join("");
  const body = t.rows
    .map((r) => {
      const tds = t.columns.map((c) => {
        const { text, numeric } = formatCell(r[c.key], c);
        if (c.wrap && !numeric && text.includes(", ")) {
          // a list wraps between its items, never inside one (a date stays on one line)
          const items = text.split(", ").map((x) => `<span class="nw">${escapeHtml(x)}</span>`);
          return `<td class="wrap">${items.join(", ")}</td>`;
        }
        const cls = numeric ? ' class="num"' : c.wrap ? ' class="wrap"' : "";
        return `<td${cls}>${escapeHtml(text)}</td>`;
      });
      return `<tr>${tds.join("")}</tr>`;
    })
    .join("\n");
  return (
    `<section class="table" id="table-${t.id}" data-status="rendered" data-rows="${t.rows.length}">${head}` +
    `<div class="scroll"><table${t.columns.length > COMPACT_COLUMNS ? ' class="compact"' : ""}><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table></div>${notes}</section>`
  );
}

function chartHtml(c: RenderedChart): string {
  const notes = (c.notes ?? []).map((n) => `<p class="note">${escapeHtml(n)}</p>`).join("");
  const head = `<h2>${escapeHtml(c.title)}</h2><p class="caption">${escapeHtml(c.caption)}</p>`;
  if (!c.svg) {
    return `<section class="chart" id="chart-${c.id}" data-status="missing">${head}<p class="missing">Not in this run: ${escapeHtml(c.missing ?? "no data")}</p>${notes}</section>`;
  }
  return `<section class="chart" id="chart-${c.id}" data-status="rendered">${head}<figure>${c.svg}</figure>${notes}</section>`;
}

const CSS = `
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #1b1b1b;
  background: #f6f7f9; margin: 0; }
main { max-width: 1440px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 0 0 4px; }
.sub { color: #555; margin: 0 0 18px; }
section { background: white; border: 1px solid #e1e4e8; border-radius: 8px; padding: 16px 20px; margin: 0 0 18px; }
.caption { color: #444; margin: 0 0 10px; max-width: 900px; }
.note { color: #8a5a00; background: #fff8e6; border-left: 3px solid #e3a008; padding: 4px 10px; margin: 8px 0 0; font-size: 14px; }
.missing { color: #666; font-style: italic; background: #f3f4f6; padding: 10px 12px; border-radius: 6px; margin: 4px 0 0; }
figure { margin: 0; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 13px; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 8px; border-bottom: 1px solid #eceef1; text-align: left; white-space: nowrap; }
th { background: #f3f5f8; font-weight: 600; white-space: normal; vertical-align: bottom; min-width: 48px; }
td.num { text-align: right; }
td.wrap { white-space: normal; min-width: 90px; max-width: 220px; }
td.wrap .nw { white-space: nowrap; }
table.compact { font-size: 12px; }
table.compact th, table.compact td { padding: 3px 5px; }
table.compact th { min-width: 36px; }
section { min-width: 0; }
.scroll { max-width: 100%; }
tbody tr:nth-child(even) { background: #fafbfc; }
dl.prov { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 0; }
dl.prov dt { font-weight: 600; color: #333; }
dl.prov dd { margin: 0; overflow-wrap: anywhere; }
dl.prov dd.absent { color: #888; font-style: italic; }
nav { font-size: 14px; margin: 0 0 18px; }
nav a { color: #1f5fbf; text-decoration: none; margin-right: 14px; white-space: nowrap; line-height: 1.9; }
details pre { max-height: 400px; overflow: auto; background: #f6f8fa; padding: 10px; font-size: 12.5px; }
`;

export function pageHtml(p: Page): string {
  const prov = p.provenance
    .map(
      (i) =>
        `<dt>${escapeHtml(i.label)}</dt><dd${i.absent ? ' class="absent"' : ""}>${escapeHtml(i.value)}</dd>`,
    )
    .join("\n");
  const spec = p.specJson
    ? `<details><summary>run manifest (resolved spec)</summary><pre>${escapeHtml(p.specJson)}</pre></details>`
    : "";
  const nav = [
    ...p.charts.map((c) => `<a href="#chart-${c.id}">${escapeHtml(shortTitle(c.title))}</a>`),
    ...p.tables.map((t) => `<a href="#table-${t.id}">${escapeHtml(shortTitle(t.title))}</a>`),
  ].join(" ");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>msor run ${escapeHtml(p.runId)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>Run report: ${escapeHtml(p.runId)}</h1>
<p class="sub">myopic-sor backtest: myopic Obizhaeva-Wang scheduler and Cont-Kukanov router against TWAP / VWAP / POV / OW / immediate baselines. Costs in basis points of the arrival mid; positive = cost.</p>
<section id="provenance" data-status="rendered"><h2>Run and provenance</h2>
<dl class="prov">
${prov}
</dl>
${spec}</section>
<nav>${nav}</nav>
${p.charts.map(chartHtml).join("\n")}
${p.tables.map(tableHtml).join("\n")}
</main>
</body>
</html>
`;
}

function shortTitle(t: string): string {
  return t.replace(/ \(.*$/, "").replace(/ - .*$/, "");
}
