/**
 * `msor route`: one Cont-Kukanov allocation (docs/models.md section 5) for a child order from command-line venues.
 *
 *   msor route --qty 1000 --venue Q=2000,r=0.002,name=XNAS --venue Q=800,r=0.001,name=ARCX,behind \
 *     --half-spread 0.01 --outflow-exp-mean 3000 --json
 *
 * Defaults: side buy, horizon 5 min, samples 1000, seed 1, half-spread 0.005 $ (one-cent spread),
 * taker fee 0.003 $, theta 0.0005 $, lambda-u 0.05 $, lambda-o 0.05 $ (an overfill costs as much as an
 * underfill: both are a share we did not want at the end). The side does not change the allocation (the cost
 * is side-symmetric); it is echoed in the output. The shares sent, M + sum L_k, may exceed --qty: with several
 * venues the optimum oversubscribes (docs/models.md 5). rebate_usd is the venue rebate given in --venue,
 * adverse_usd the calibrated adverse selection delta at the markout horizon nearest tau / 2 (the longer on a
 * tie; 0 without --calibration), effective_rebate_usd their sum r_k, which the router uses.
 */
import type { Command } from "commander";
import { adverseHorizonFor } from "../../calibration/params.ts";
import type { CalibrationRecord } from "../../calibration/types.ts";
import { InputError } from "../../core/errors.ts";
import { Rng } from "../../core/rng.ts";
import { LocalObjectStore } from "../../ports/localObjectStore.ts";
import { contKukanov, type RouterParams, type Venue } from "../../router/contKukanov.ts";
import { exponentialOutflow } from "../../router/outflow.ts";
import { effectiveRebateUsd, venueOutflow } from "../../router/venues.ts";
import { readCalibration } from "../../store/calibration.ts";
import { parseCalibrationPath } from "../../store/keys.ts";
import { parseNumberOption, printJson, printTable } from "../output.ts";

interface VenueSpec {
  readonly name: string;
  readonly queueAhead: number;
  readonly rebateUsd: number;
  readonly outflowMean: number | undefined;
  readonly atBest: boolean;
}

function specNumber(spec: string, key: string, text: string, min?: number, positive = false): number {
  const v = Number(text);
  if (text.trim() === "" || !Number.isFinite(v))
    throw new InputError(`--venue "${spec}": ${key} must be a number, got "${text}"`);
  if (min !== undefined && v < min)
    throw new InputError(`--venue "${spec}": ${key} must be >= ${min}, got ${v}`);
  if (positive && !(v > 0)) throw new InputError(`--venue "${spec}": ${key} must be > 0, got ${v}`);
  return v;
}

/** A number option that must be > 0 (parseNumberOption only knows ">= min"). */
function positiveOption(name: string, text: string): number {
  const v = parseNumberOption(name, text);
  if (!(v > 0)) throw new InputError(`${name} must be > 0, got "${text}"`);
  return v;
}

/** Parse `Q=2000,r=0.002[,name=XNAS][,m=3000][,behind]` (Q shares ahead, r $/share, m shares per minute). */
export function parseVenueSpec(spec: string, index: number): VenueSpec {
  let queueAhead: number | undefined;
  let rebateUsd: number | undefined;
  let outflowMean: number | undefined;
  let name = `V${index + 1}`;
  let atBest = true;
  for (const part of spec.split(",")) {
    const item = part.trim();
    if (item === "") continue;
    if (item === "behind") {
      atBest = false;
      continue;
    }
    const eq = item.indexOf("=");
    if (eq < 0) throw new InputError(`--venue "${spec}": "${item}" is not key=value or "behind"`);
    const key = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (key === "Q") queueAhead = specNumber(spec, "Q", value, 0);
    else if (key === "r") rebateUsd = specNumber(spec, "r", value);
    else if (key === "m") outflowMean = specNumber(spec, "m", value, undefined, true);
    else if (key === "name") name = value;
    else throw new InputError(`--venue "${spec}": unknown key "${key}"; use Q, r, m, name or behind`);
  }
  if (queueAhead === undefined)
    throw new InputError(`--venue "${spec}": Q (shares ahead at the best) is required`);
  if (rebateUsd === undefined)
    throw new InputError(`--venue "${spec}": r (effective rebate, $/share) is required`);
  return { name, queueAhead, rebateUsd, outflowMean, atBest };
}

interface RouteOptions {
  qty?: string;
  side: string;
  venue: string[];
  halfSpread: string;
  fee: string;
  theta: string;
  lambdaU: string;
  lambdaO: string;
  horizonMin: string;
  outflowExpMean?: string;
  samples: string;
  seed: string;
  calibration?: string;
  json?: boolean;
}

/** Read the calibration record a path points to (its folder or one of its files). */
async function loadCalibrationAt(path: string): Promise<CalibrationRecord> {
  const at = parseCalibrationPath(path);
  if (!at) {
    throw new InputError(
      `--calibration ${path}: expected a calibration record folder like OUT/calibration/v=2/symbol=S/date=YYYY-MM-DD (written by msor calibrate --out or msor backtest)`,
    );
  }
  return readCalibration(new LocalObjectStore(at.root), at.symbol, at.date, at.version);
}

async function route(o: RouteOptions): Promise<void> {
  const calibration = o.calibration === undefined ? undefined : await loadCalibrationAt(o.calibration);
  if (o.qty === undefined) throw new InputError("--qty is required (child order size, shares)");
  const qty = parseNumberOption("--qty", o.qty, { min: 1, integer: true });
  if (o.side !== "buy" && o.side !== "sell")
    throw new InputError(`--side must be buy or sell, got "${o.side}"`);
  if (o.venue.length === 0)
    throw new InputError("give at least one --venue Q=<shares ahead>,r=<rebate $/share>");
  const specs = o.venue.map(parseVenueSpec);
  const defaultMean =
    o.outflowExpMean === undefined ? undefined : positiveOption("--outflow-exp-mean", o.outflowExpMean);
  // resting side of our limit orders: bids for a buy, asks for a sell
  const restingSide = o.side === "buy" ? "bid" : "ask";
  // adverse selection delta per venue ($/share, from the calibration; 0 without one): r_k = rebate + delta,
  // at the markout horizon nearest half the router's horizon tau (a resting order's expected wait)
  const adverse: number[] = specs.map(() => 0);
  const horizonS = 60 * positiveOption("--horizon-min", o.horizonMin);
  const venues: Venue[] = specs.map((s, i) => {
    const mean = s.outflowMean ?? defaultMean;
    if (mean !== undefined) {
      return {
        name: s.name,
        queueAhead: s.queueAhead,
        rebateUsd: s.rebateUsd,
        outflow: exponentialOutflow(mean),
        atBest: s.atBest,
      };
    }
    if (calibration) {
      const stats = calibration.venues.find((v) => v.venue === s.name && v.side === restingSide);
      if (!stats?.outflowSamples.some(Number.isFinite)) {
        const known = [...new Set(calibration.venues.map((v) => v.venue))].join(", ");
        throw new InputError(
          `venue ${s.name} has no ${restingSide} outflow in the calibration of ${calibration.symbol} ${calibration.date} (venues: ${known}); name a venue with name=<venue> or give m=<shares per minute>`,
        );
      }
      // effective rebate r_k = maker rebate + adverse selection delta (docs/models.md 5), delta from the calibration
      const h = adverseHorizonFor(
        stats.adverse.map((x) => x.horizonS),
        horizonS,
      );
      const delta = stats.adverse.find((x) => x.horizonS === h)?.usd ?? Number.NaN;
      adverse[i] = Number.isFinite(delta) ? delta : 0;
      return {
        name: s.name,
        queueAhead: s.queueAhead,
        rebateUsd: effectiveRebateUsd(s.rebateUsd, delta),
        outflow: venueOutflow(stats.outflowSamples.filter(Number.isFinite), Number.NaN),
        atBest: s.atBest,
      };
    }
    throw new InputError(
      `venue ${s.name} has no outflow: pass --outflow-exp-mean, m=<shares per minute> or --calibration`,
    );
  });
  const params: RouterParams = {
    halfSpreadUsd: parseNumberOption("--half-spread", o.halfSpread, { min: 0 }),
    takerFeeUsd: parseNumberOption("--fee", o.fee, { min: 0 }),
    thetaUsd: parseNumberOption("--theta", o.theta, { min: 0 }),
    lambdaU: parseNumberOption("--lambda-u", o.lambdaU, { min: 0 }),
    lambdaO: parseNumberOption("--lambda-o", o.lambdaO, { min: 0 }),
    horizonS,
    samples: parseNumberOption("--samples", o.samples, { min: 1, integer: true }),
  };
  const seed = parseNumberOption("--seed", o.seed, { min: 0, integer: true });
  const a = contKukanov(qty, venues, params, new Rng(seed));
  if (o.json) {
    printJson({
      market: a.market,
      limits: a.limits,
      total: a.total,
      expected_cost: a.expectedCost,
      expected_cost_per_share: a.expectedCost / qty,
      continuous: a.continuous,
      qty,
      side: o.side,
      seed,
      venues: venues.map((v, i) => ({
        name: v.name,
        queue_ahead: v.queueAhead,
        rebate_usd: specs[i]!.rebateUsd,
        adverse_usd: adverse[i],
        effective_rebate_usd: v.rebateUsd,
        outflow_mean_per_min: v.outflow.mean,
        at_best: v.atBest,
        limit: a.limits[i],
      })),
      params: {
        half_spread_usd: params.halfSpreadUsd,
        taker_fee_usd: params.takerFeeUsd,
        theta_usd: params.thetaUsd,
        lambda_u: params.lambdaU,
        lambda_o: params.lambdaO,
        horizon_s: params.horizonS,
        samples: params.samples,
      },
    });
    return;
  }
  const rows = [
    {
      order: "market",
      venue: "-",
      queue_ahead: undefined,
      rebate_usd: undefined,
      adverse_usd: undefined,
      effective_rebate_usd: undefined,
      shares: a.market,
      continuous: a.continuous.market,
    },
    ...venues.map((v, i) => ({
      order: v.atBest ? "limit" : "limit (behind best)",
      venue: v.name,
      queue_ahead: v.queueAhead,
      rebate_usd: specs[i]!.rebateUsd,
      adverse_usd: adverse[i],
      effective_rebate_usd: v.rebateUsd,
      shares: a.limits[i],
      continuous: a.continuous.limits[i],
    })),
  ];
  const columns = ["order", "venue", "queue_ahead", "rebate_usd", "adverse_usd", "effective_rebate_usd"];
  printTable(rows, [...columns, "shares", "continuous"], 4);
  const over = a.total > qty ? ` (oversubscribed by ${a.total - qty})` : "";
  process.stdout.write(
    `${o.side} ${qty} shares: sent ${a.total} = market ${a.market} + limits ${a.total - a.market}${over}; expected cost ${a.expectedCost.toFixed(4)} $ (${(a.expectedCost / qty).toFixed(6)} $/share)\n`,
  );
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Register `msor route` on the program. */
export function registerRoute(program: Command): void {
  program
    .command("route")
    .description("Cont-Kukanov split of one child order into a market order and limit orders per venue")
    .option("--qty <shares>", "child order size X, shares")
    .option("--side <side>", "buy or sell (the allocation is side-symmetric)", "buy")
    .option(
      "--venue <spec>",
      "Q=<shares ahead>,r=<rebate $/share>[,name=XNAS][,m=<outflow/min>][,behind]; repeatable",
      collect,
      [],
    )
    .option("--half-spread <usd>", "half-spread h, $/share", "0.005")
    .option("--fee <usd>", "taker fee f, $/share", "0.003")
    .option("--theta <usd>", "impact cost per share sent, $/share", "0.0005")
    .option("--lambda-u <usd>", "underfill penalty, $/share", "0.05")
    .option("--lambda-o <usd>", "overfill penalty, $/share", "0.05")
    .option("--horizon-min <min>", "router horizon tau, minutes", "5")
    .option("--outflow-exp-mean <shares>", "per-minute outflow mean (exponential) for venues without m=")
    .option("--samples <n>", "scenarios N", "1000")
    .option("--seed <n>", "random seed", "1")
    .option(
      "--calibration <dir>",
      "calibration record folder (OUT/calibration/v=2/symbol=S/date=D): empirical per-minute outflow and adverse selection of each named venue (markout horizon nearest tau / 2)",
    )
    .option("--json", "print JSON")
    .action((opts: RouteOptions) => route(opts));
}
