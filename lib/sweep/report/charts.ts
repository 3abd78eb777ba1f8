/** The report's charts, in page order (cost charts, then execution charts). */
import type { ChartDef } from "./chartKit.ts";
import { costCharts } from "./costCharts.ts";
import { executionCharts } from "./executionCharts.ts";
import type { RunData } from "./load.ts";

export type { ChartDef } from "./chartKit.ts";

export function buildCharts(data: RunData): ChartDef[] {
  return [...costCharts(data), ...executionCharts(data)];
}
