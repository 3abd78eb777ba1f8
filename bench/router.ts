/**
 * Router speed: one Cont-Kukanov solve with the defaults (N = 1000 stratified scenarios, 4 passes, closed-form
 * start), 3 venues, 5-minute horizon; target < 2 ms.
 */
import { Rng } from "../lib/core/rng.ts";
import { contKukanov, type RouterParams, type Venue } from "../lib/router/contKukanov.ts";
import { exponentialOutflow } from "../lib/router/outflow.ts";
import { median, timeIt } from "./stats.ts";

const venues: Venue[] = [
  { name: "XNAS", queueAhead: 2000, rebateUsd: 0.002, outflow: exponentialOutflow(3000), atBest: true },
  { name: "ARCX", queueAhead: 800, rebateUsd: 0.0015, outflow: exponentialOutflow(1500), atBest: true },
  { name: "BATS", queueAhead: 300, rebateUsd: 0.001, outflow: exponentialOutflow(800), atBest: true },
];
const params: RouterParams = {
  halfSpreadUsd: 0.005,
  takerFeeUsd: 0.003,
  thetaUsd: 0.0005,
  lambdaU: 0.05,
  lambdaO: 0.05,
  horizonS: 300,
  samples: 1000,
};

/** Median wall time (ms) of one solve: 100 warm-up solves, then 1000 timed ones with fresh seeds. */
export async function routerMedianMs(): Promise<number> {
  let seed = 0;
  const solve = () => contKukanov(1000, venues, params, new Rng(++seed));
  return median(await timeIt(solve, 1000, 100));
}
