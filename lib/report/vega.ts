/**
 * Vega-Lite spec -> SVG string, in Node with no browser and no canvas (vega's "none" renderer + toSVG).
 * Element ids (clip paths, gradients) are renamed per chart so that several SVGs inline in one HTML page
 * never clash and the output does not depend on how many charts the process rendered before.
 */
import * as vega from "vega";
import * as vl from "vega-lite";
import { MsorError } from "../core/errors.ts";

/** Shared look: readable on a laptop screen, system sans-serif (no web fonts). */
export const CHART_CONFIG = {
  font: "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif",
  background: "white",
  padding: 8,
  title: { fontSize: 15, anchor: "start", subtitleFontSize: 12, subtitleColor: "#555", offset: 10 },
  axis: { labelFontSize: 12, titleFontSize: 13, titleFontWeight: 600, labelLimit: 260 },
  legend: { labelFontSize: 12, titleFontSize: 13, labelLimit: 280 },
  view: { stroke: "#ddd" },
} as const;

export async function renderSvg(spec: vl.TopLevelSpec, idPrefix: string): Promise<string> {
  let view: vega.View | undefined;
  try {
    const compiled = vl.compile({ config: CHART_CONFIG, ...spec } as vl.TopLevelSpec).spec;
    view = new vega.View(vega.parse(compiled), { renderer: "none", logLevel: vega.Error });
    const svg = await view.toSVG();
    return uniqueIds(svg, idPrefix);
  } catch (e) {
    throw new MsorError(`cannot render chart ${idPrefix}: ${(e as Error).message}; this is a bug`, {
      cause: e,
    });
  } finally {
    view?.finalize();
  }
}

function uniqueIds(svg: string, prefix: string): string {
  const ids = new Map<string, string>();
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) {
    if (!ids.has(m[1]!)) ids.set(m[1]!, `${prefix}-${ids.size + 1}`);
  }
  if (ids.size === 0) return svg;
  return svg
    .replace(/(\sid=")([^"]+)(")/g, (_m, a: string, id: string, b: string) => `${a}${ids.get(id) ?? id}${b}`)
    .replace(/url\(#([^)]+)\)/g, (_m, id: string) => `url(#${ids.get(id) ?? id})`)
    .replace(
      /(href=")#([^"]+)(")/g,
      (_m, a: string, id: string, b: string) => `${a}#${ids.get(id) ?? id}${b}`,
    );
}
