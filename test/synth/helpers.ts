/** Helpers of the synthetic-generator tests: temp folders, a streamed read-back, the impact regression. */

import { Mbp10File } from "../../lib/mbp10/reader.ts";
import type { Mbp10Batch } from "../../lib/mbp10/schema.ts";
import { VenueRegistry } from "../../lib/mbp10/venues.ts";
import { fileSource } from "../../lib/ports/fileSource.ts";
import type { PlantedTruth } from "../../lib/synth/generate.ts";

export { tempDir } from "../helpers/tmp.ts";

/** Stream a file's engine batches; returns its planted truth and the publisher id of each dense venue index. */
export async function readBack(
  path: string,
  onBatch: (b: Mbp10Batch) => void,
): Promise<{ planted: PlantedTruth; publishers: number[]; rows: number }> {
  const f = await Mbp10File.open(await fileSource(path));
  try {
    const planted = f.metadataJson("msor.planted") as PlantedTruth;
    const venues = new VenueRegistry();
    for await (const b of f.batches(venues)) onBatch(b);
    return { planted, publishers: venues.venues.map((v) => v.publisherId), rows: f.numRows };
  } finally {
    await f.close();
  }
}

const HALF_LIVES_S = [60, 300, 900, 1800, 3600];

/**
 * MODELS.md section 2, written out plainly from the file: national mid (max best bid, min best ask over the
 * venues' latest F_LAST books) at the end of each 10 s bin of the session, x_j = (buy - sell traded volume in
 * bin j) / V (V = the day's traded volume), sigma_d from 1-minute log mid returns, then per candidate
 * half-life the no-intercept OLS of r_j on dJ_j with its R^2.
 */
export async function measureImpact(path: string, openNs: bigint) {
  const bins = 2340;
  const binNs = 10_000_000_000n;
  const bestBid = new Map<number, number>();
  const bestAsk = new Map<number, number>();
  const national = () => (Math.max(...bestBid.values()) + Math.min(...bestAsk.values())) / 2;
  const midEnd = new Float64Array(bins);
  const flow = new Float64Array(bins);
  let volume = 0;
  let cur = 0; // first bin whose end mid is not known yet
  let midOpen = Number.NaN;
  const { planted } = await readBack(path, (b) => {
    for (let i = 0; i < b.length; i++) {
      const bin = Math.min(bins - 1, Number((b.tsRecv[i]! - openNs) / binNs));
      if ((b.flags[i]! & 0x20) === 0) {
        // not part of the opening snapshot: the books before this record are the state at its time
        if (Number.isNaN(midOpen)) midOpen = national();
        while (cur < bin) midEnd[cur++] = national();
      }
      if (b.action[i] === 84) {
        const s = b.side[i] === 66 ? 1 : b.side[i] === 65 ? -1 : 0;
        flow[bin]! += s * b.size[i]!;
        volume += b.size[i]!;
      }
      if (b.flags[i]! & 0x80) {
        bestBid.set(b.venue[i]!, b.bidPx[0]![i]!);
        bestAsk.set(b.venue[i]!, b.askPx[0]![i]!);
      }
    }
  });
  while (cur < bins) midEnd[cur++] = national();
  let rv = 0;
  let prev = midOpen;
  for (let m = 0; m < 390; m++) {
    const r = Math.log(midEnd[6 * m + 5]! / prev);
    rv += r * r;
    prev = midEnd[6 * m + 5]!;
  }
  const sigma = Math.sqrt(rv);
  const r = new Float64Array(bins);
  prev = midOpen;
  for (let j = 0; j < bins; j++) {
    r[j] = (midEnd[j]! - prev) / (prev * sigma);
    prev = midEnd[j]!;
  }
  const syy = r.reduce((a, v) => a + v * v, 0);
  const fits = HALF_LIVES_S.map((h) => {
    const decay = Math.exp((-Math.LN2 / h) * 10);
    let jPrev = 0;
    let sxy = 0;
    let sxx = 0;
    for (let j = 0; j < bins; j++) {
      const jNow = decay * jPrev + flow[j]! / volume;
      const dj = jNow - jPrev;
      jPrev = jNow;
      sxy += r[j]! * dj;
      sxx += dj * dj;
    }
    const lambda = sxy / sxx;
    return { halfLifeS: h, lambda, r2: (lambda * lambda * sxx) / syy };
  });
  const best = fits.reduce((a, b) => (b.r2 > a.r2 ? b : a));
  return { planted, sigma, volume, fits, best, midOpen };
}
