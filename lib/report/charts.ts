/** The report's charts, in page order (cost charts, execution charts, then the queue check when the run has it). */
import type { ChartDef } from "./chartKit.ts";
import { costCharts } from "./costCharts.ts";
import { executionCharts } from "./executionCharts.ts";
import type { RunData } from "./load.ts";
import { queueCheckCharts } from "./queueCheckChart.ts";
import { tcaCharts } from "./tcaReport.ts";

export type { ChartDef } from "./chartKit.ts";

export function buildCharts(data: RunData): ChartDef[] {
  return [...costCharts(data), ...tcaCharts(data), ...executionCharts(data), ...queueCheckCharts(data)];
}
