/**
 * Where x/sor and x/market differ (issue 21, scope 6): the cost of each strategy of a backtest run split by
 * fill kind and component, in bps of the arrival mid m0 per parent share, averaged over the parents, with
 * the paired difference SOR - MARKET on the same parents (mean and 95% half-width). Usage:
 *   node --import tsx scripts/routerCosts.ts --root OUT [--sor twap/sor] [--market twap/market] FILE.parquet...
 * OUT is the --out of `msor backtest` (or a sweep's results root); the files are the run's MBP-10 days (the
 * national mid at 1-s resolution is rebuilt from them with the day calibrator). Per fill of q shares at price p,
 * time t, side s, fee f, with m(t) the national mid at the last whole second <= t:
 *   spread = s q (p - m(t)), fee = f, drift = s q (m(t) - m0),   by kind: taker (sent at a decision),
 *   catch-up (a child's shortfall at its router horizon), passive (a resting limit filled).
 * child_drift = sum_k s X_k (m(t_k) - m0) over the child orders (decision times t_k); timing = drift -
 * child_drift, the mid move between a child's decision and the fills of its shares (0 for market children;
 * for routed children the adverse selection of the passive fills and the chase of the catch-up);
 * router_expected = sum_k E[v_k] (the router's objective at each decision, which prices a shortfall at
 * lambda_u and each share sent at theta) against realized_vs_decision = cost - child_drift (the same cash
 * measured from the decision mids); markout_h = s q (m(t + h) - m(t)) of passive fills (negative = adverse).
 */
import { parseArgs } from "node:util";
import { DayCalibrator } from "../lib/calibration/dayCalibrator.ts";
import { Mbp10Stream } from "../lib/mbp10/stream.ts";
import { queryResults } from "../lib/pipeline/local/query.ts";
import { groupInputs } from "../lib/pipeline/localBacktest.ts";
import { fileSource } from "../lib/ports/fileSource.ts";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    root: { type: "string" },
    sor: { type: "string", default: "twap/sor" },
    market: { type: "string", default: "twap/market" },
  },
});
if (!values.root || positionals.length === 0) {
  throw new Error("usage: scripts/routerCosts.ts --root OUT [--sor S] [--market M] FILE.parquet...");
}
const root = values.root;
const strategies = [values.market, values.sor];
const where = `strategy IN (${strategies.map((s) => `'${s.replaceAll("'", "''")}'`).join(", ")})`;
type Row = Record<string, unknown>;
const rows = async (sql: string) => (await queryResults(root, sql)).rows as Row[];
const ex = await rows(
  `SELECT symbol, "date", order_id, strategy, side, arrival_mid, parent_qty, total_cost_bps FROM executions WHERE status = 'ok' AND ${where}`,
);
const kids = await rows(
  `SELECT symbol, "date", order_id, strategy, ts_ns, qty, expected_cost_usd FROM child_orders WHERE ${where}`,
);
const fills = await rows(
  `SELECT symbol, "date", order_id, strategy, ts_ns, price, qty, maker, catch_up, fee_usd FROM fills WHERE ${where}`,
);

// the national mid at 1-s resolution of every day of the run
const mids = new Map<string, { openNs: bigint; m: Float64Array }>();
for (const d of await groupInputs(positionals)) {
  const stream = await Mbp10Stream.open(await Promise.all(d.paths.map((p) => fileSource(p))));
  const cal = new DayCalibrator({ symbol: d.symbol, date: d.date, venues: stream.venues });
  for await (const b of stream.batches()) cal.observe(b);
  await stream.close();
  const path = cal.finish().midPath;
  mids.set(`${d.symbol}|${d.date}`, { openNs: path.startNs, m: path.mids });
}
const midAt = (day: string, ns: bigint, plusS = 0): number => {
  const p = mids.get(day);
  if (!p) throw new Error(`no input file for ${day}: give the run's MBP-10 files`);
  const i = Number((ns - p.openNs) / 1_000_000_000n) + plusS;
  return p.m[Math.min(p.m.length - 1, Math.max(0, i))]!;
};

const KINDS = ["taker", "catch_up", "passive"] as const;
type Acc = Record<string, number>;
const byStrategy = new Map<string, Map<string, Acc>>();
const key = (r: Row) => `${r.symbol}|${r.date}|${r.order_id}|${r.strategy}`;
const groupBy = (rs: Row[]) => {
  const m = new Map<string, Row[]>();
  for (const r of rs) m.set(key(r), [...(m.get(key(r)) ?? []), r]);
  return m;
};
const fillsOf = groupBy(fills);
const kidsOf = groupBy(kids);
for (const e of ex) {
  const day = `${e.symbol}|${e.date}`;
  const s = e.side === "buy" ? 1 : -1;
  const m0 = Number(e.arrival_mid);
  const S = Number(e.parent_qty);
  const bps = (usd: number) => (1e4 * usd) / (m0 * S);
  const a: Acc = { total_cost_bps: Number(e.total_cost_bps) };
  for (const k of KINDS) for (const c of ["share", "spread", "fee", "drift"]) a[`${c}_${k}`] = 0;
  a.markout60_passive = 0;
  a.markout300_passive = 0;
  let cash = 0;
  for (const f of fillsOf.get(key(e)) ?? []) {
    const t = BigInt(String(f.ts_ns));
    const q = Number(f.qty);
    const m = midAt(day, t);
    const kind = f.maker ? "passive" : f.catch_up ? "catch_up" : "taker";
    a[`share_${kind}`]! += q / S;
    a[`spread_${kind}`]! += bps(s * q * (Number(f.price) - m));
    a[`fee_${kind}`]! += bps(Number(f.fee_usd));
    a[`drift_${kind}`]! += bps(s * q * (m - m0));
    if (f.maker) {
      a.markout60_passive! += bps(s * q * (midAt(day, t, 60) - m));
      a.markout300_passive! += bps(s * q * (midAt(day, t, 300) - m));
    }
    cash += s * q * (Number(f.price) - m0) + Number(f.fee_usd);
  }
  let childDrift = 0;
  let expected = 0;
  for (const c of kidsOf.get(key(e)) ?? []) {
    childDrift += s * Number(c.qty) * (midAt(day, BigInt(String(c.ts_ns))) - m0);
    if (Number.isFinite(Number(c.expected_cost_usd))) expected += Number(c.expected_cost_usd);
  }
  a.child_drift = bps(childDrift);
  a.timing = KINDS.reduce((t, k) => t + a[`drift_${k}`]!, 0) - a.child_drift;
  a.router_expected = bps(expected);
  a.realized_vs_decision = bps(cash - childDrift);
  const m = byStrategy.get(String(e.strategy)) ?? new Map<string, Acc>();
  m.set(`${e.symbol}|${e.date}|${e.order_id}`, a);
  byStrategy.set(String(e.strategy), m);
}

const mean = (xs: readonly number[]) => xs.reduce((t, x) => t + x, 0) / xs.length;
const market = byStrategy.get(values.market);
const sor = byStrategy.get(values.sor);
if (!market || !sor) throw new Error(`the run under ${root} lacks ${values.market} or ${values.sor}`);
const parents = [...sor.keys()].filter((k) => market.has(k));
const fields = Object.keys(sor.get(parents[0]!)!);
const fmt = (x: number) => (Math.abs(x) < 5e-4 ? "0" : x.toFixed(3));
console.log(`${parents.length} parents; bps of m0 per parent share`);
console.log(["component", values.market, values.sor, "sor - market", "ci95 +-"].join("\t"));
for (const f of fields) {
  const mk = parents.map((p) => market.get(p)![f]!);
  const sr = parents.map((p) => sor.get(p)![f]!);
  const d = sr.map((x, i) => x - mk[i]!);
  const md = mean(d);
  const sd = Math.sqrt(d.reduce((t, x) => t + (x - md) ** 2, 0) / Math.max(1, d.length - 1));
  console.log([f, fmt(mean(mk)), fmt(mean(sr)), fmt(md), fmt((1.96 * sd) / Math.sqrt(d.length))].join("\t"));
}
