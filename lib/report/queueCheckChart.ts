/**
 * The report's queue-check chart (docs/models.md 6.7), drawn only when the run has queue_check rows
 * (`msor queue-check FILE --out ROOT --run-id R`): each L2 queue model's mean signed fill-time error against
 * the exact FIFO queue, in % of tau, per symbol-day; prob(n) over the power grid as a line, risk_averse and
 * log_prob as marks at the left.
 */
import { type ChartDef, clean, WIDTH } from "./chartKit.ts";
import type { RunData } from "./load.ts";

export function queueCheckCharts(data: RunData): ChartDef[] {
  const rows = data.queueCheck;
  if (rows.length === 0) return [];
  const points = rows
    .filter((r) => r.model !== "l3_fifo")
    .map((r) => ({
      day: `${r.symbol} ${r.date}`,
      model: String(r.model).startsWith("prob(") ? "prob(n)" : String(r.model),
      power: typeof r.power === "number" ? r.power : null,
      err_pct: (100 * Number(r.mean_signed_error_s)) / Number(r.tau_s),
      accuracy_pct: 100 * Number(r.accuracy),
    }));
  return [
    {
      id: "queue-check",
      title: "Queue models against the exact FIFO queue (MBO)",
      caption:
        "Mean signed fill-time error of each L2 queue model, in % of tau (above 0: the model fills later than the " +
        "order would have in the real FIFO queue), for hypothetical 1-lot orders at the best; prob(n) over its " +
        "power n, risk_averse and log_prob as points. The best power is where the line crosses 0 (or comes closest).",
      spec: {
        width: WIDTH,
        height: 280,
        data: { values: clean(points) },
        layer: [
          {
            transform: [{ filter: "datum.model === 'prob(n)'" }],
            mark: { type: "line", point: true },
            encoding: {
              x: {
                field: "power",
                type: "quantitative",
                title: "power n of prob(n)",
                scale: { type: "log" },
              },
              y: { field: "err_pct", type: "quantitative", title: "mean signed error, % of tau" },
              color: { field: "day", type: "nominal", title: "symbol-day" },
              tooltip: [
                { field: "day" },
                { field: "power" },
                { field: "err_pct", format: ".2f" },
                { field: "accuracy_pct", format: ".1f" },
              ],
            },
          },
          {
            transform: [{ filter: "datum.model !== 'prob(n)'" }, { calculate: "0.25", as: "at" }],
            mark: { type: "point", filled: true, size: 80 },
            encoding: {
              x: { field: "at", type: "quantitative" },
              y: { field: "err_pct", type: "quantitative" },
              color: { field: "day", type: "nominal" },
              shape: { field: "model", type: "nominal", title: "model" },
              tooltip: [{ field: "day" }, { field: "model" }, { field: "err_pct", format: ".2f" }],
            },
          },
          { mark: { type: "rule", strokeDash: [4, 4] }, encoding: { y: { datum: 0 } } },
        ],
      },
    },
  ];
}
