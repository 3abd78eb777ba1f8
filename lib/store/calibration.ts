/**
 * Calibration records in an ObjectStore, one folder per (version, symbol, date), keys from ./keys.ts:
 * calibration/v={version}/symbol={S}/date={D}/{calibration,profile,fits,venues,outflow,adverse}.parquet
 * (schemas in lib/results/calibrationSchema.ts). calibration.parquet is written LAST, so its presence marks a
 * complete record.
 */
import type * as arrow from "apache-arrow";
import type { AdverseMarkout, ImpactCandidate } from "../calibration/types.ts";
import {
  type BookSide,
  CALIBRATION_VERSION,
  type CalibrationRecord,
  type KyleRow,
  type VenueSideStats,
} from "../calibration/types.ts";
import { DataFormatError, NotFoundError } from "../core/errors.ts";
import { openParquet, readRowGroup } from "../parquet/read.ts";
import { bufferSource } from "../ports/byteSource.ts";
import { type ObjectStore, putIfAbsent } from "../ports/objectStore.ts";
import {
  CALIBRATION_ADVERSE_TABLE,
  CALIBRATION_FIELDS,
  CALIBRATION_FITS_TABLE,
  CALIBRATION_OUTFLOW_TABLE,
  CALIBRATION_PROFILE_TABLE,
  CALIBRATION_TABLE,
  CALIBRATION_VENUES_TABLE,
} from "../results/calibrationSchema.ts";
import { type CellValue, rowsToParquet } from "../results/schema.ts";
import {
  CALIBRATION_FILES,
  type CalibrationFile,
  calibrationDateOfKey,
  calibrationKey,
  calibrationSymbolPrefix,
} from "./keys.ts";

/** Dates (sorted ascending) that have a complete calibration record of `symbol`. */
export async function listCalibrationDates(
  store: ObjectStore,
  symbol: string,
  version = CALIBRATION_VERSION,
): Promise<string[]> {
  const dates: string[] = [];
  for (const k of await store.list(calibrationSymbolPrefix(symbol, version))) {
    const d = calibrationDateOfKey(symbol, version, k);
    if (d) dates.push(d);
  }
  return dates.sort();
}

/** Whether (symbol, date) has a complete calibration record (its calibration.parquet, written last). */
export async function calibrationExists(
  store: ObjectStore,
  symbol: string,
  date: string,
  version = CALIBRATION_VERSION,
): Promise<boolean> {
  return store.exists(calibrationKey(symbol, date, "calibration", version));
}

/**
 * Write the six files of a record (calibration.parquet last). `ifAbsent`: a file that exists is left as it is
 * (a sweep's backtest never replaces a record another task may be reading).
 */
export async function writeCalibration(
  store: ObjectStore,
  r: CalibrationRecord,
  options: { readonly ifAbsent?: boolean } = {},
): Promise<void> {
  const key = (f: CalibrationFile) => calibrationKey(r.symbol, r.date, f, r.version);
  const put = async (k: string, bytes: Uint8Array) => {
    if (options.ifAbsent) await putIfAbsent(store, k, bytes);
    else await store.put(k, bytes);
  };
  const profile = Array.from(r.volumeProfile, (share, k) => ({
    bin: k,
    bin_start_s: k * r.profileBinS,
    volume_share: share,
    half_spread_usd: r.halfSpreadProfile[k] ?? Number.NaN,
  }));
  const fits: Record<string, CellValue>[] = [
    ...r.impact.candidates.map((c) => ({
      kind: "propagator",
      horizon_s: c.halfLifeS,
      coef: c.lambda,
      intercept: 0,
      beta_per_s: c.beta,
      r2: c.r2,
      n: c.n,
      units: "sigma_d per fraction of V_d",
      lambda_rel: c.lambdaRel,
      ssr: c.ssr,
      sst: c.sst,
    })),
    ...r.kyle.map((k) => ({
      kind: "kyle",
      horizon_s: k.periodS,
      coef: k.lambdaUsdPerShare,
      intercept: k.interceptUsd,
      beta_per_s: null,
      r2: k.r2,
      n: k.n,
      units: "USD per share",
      lambda_rel: null,
      ssr: null,
      sst: null,
    })),
  ];
  const venues = r.venues.map((v) => ({
    venue: v.venue,
    side: v.side,
    outflow_mean: v.outflowMean,
    outflow_minutes: v.outflowSamples.length,
  }));
  const adverse = r.venues.flatMap((v) =>
    v.adverse.map((a) => ({
      venue: v.venue,
      side: v.side,
      horizon_s: a.horizonS,
      adverse_usd: a.usd,
      adverse_n: a.n,
    })),
  );
  const outflow = r.venues.flatMap((v) =>
    Array.from(v.outflowSamples, (shares, minute) => ({ venue: v.venue, side: v.side, minute, shares })),
  );
  await put(key("profile"), await rowsToParquet(CALIBRATION_PROFILE_TABLE, profile));
  await put(key("fits"), await rowsToParquet(CALIBRATION_FITS_TABLE, fits));
  await put(key("venues"), await rowsToParquet(CALIBRATION_VENUES_TABLE, venues));
  await put(key("outflow"), await rowsToParquet(CALIBRATION_OUTFLOW_TABLE, outflow));
  await put(key("adverse"), await rowsToParquet(CALIBRATION_ADVERSE_TABLE, adverse));
  const main: Record<string, CellValue> = {
    ...Object.fromEntries(CALIBRATION_FIELDS.map((f) => [f.name, fieldOf(r, f.field) as CellValue])),
    queue_model: r.queue?.model ?? null,
    queue_power: r.queue && Number.isFinite(r.queue.power) ? r.queue.power : null,
    queue_error_s: r.queue?.errorS ?? null,
    queue_orders: r.queue?.orders ?? null,
    queue_tau_s: r.queue?.tauS ?? null,
  };
  await put(key("calibration"), await rowsToParquet(CALIBRATION_TABLE, [main]));
}

/** Columns of a Parquet object as plain arrays (numbers, bigints, strings; nulls as null). */
async function readColumns(
  name: string,
  bytes: Uint8Array,
): Promise<{ rows: number; col: (c: string) => unknown[]; has: (c: string) => boolean }> {
  const src = bufferSource(name, bytes);
  const pq = await openParquet(src);
  const tables: arrow.Table[] = [];
  for (let rg = 0; rg < pq.rowGroupRows.length; rg++) tables.push(await readRowGroup(src, pq, rg));
  return {
    rows: pq.numRows,
    has: (c) => tables.every((t) => t.getChild(c) !== null),
    col: (c) => {
      const out: unknown[] = [];
      for (const t of tables) {
        const v = t.getChild(c);
        if (!v)
          throw new DataFormatError(
            `calibration file ${name} lacks column ${c}; rewrite it with this version`,
          );
        for (let i = 0; i < v.length; i++) out.push(v.get(i));
      }
      return out;
    },
  };
}

const num = (v: unknown): number => (v === null || v === undefined ? Number.NaN : Number(v));

/** The value at a dotted path of an object (CALIBRATION_FIELDS). */
function fieldOf(o: unknown, path: string): unknown {
  let v = o;
  for (const k of path.split(".")) v = (v as Record<string, unknown>)[k];
  return v;
}

/** Set the value at a dotted path, creating the objects on the way. */
function setField(o: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  let at = o;
  for (const k of keys.slice(0, -1)) at = (at[k] ??= {}) as Record<string, unknown>;
  at[keys[keys.length - 1]!] = value;
}

/** Read the record of (symbol, date); NotFoundError when there is none. */
export async function readCalibration(
  store: ObjectStore,
  symbol: string,
  date: string,
  version = CALIBRATION_VERSION,
): Promise<CalibrationRecord> {
  const key = (f: CalibrationFile) => calibrationKey(symbol, date, f, version);
  const load = async (f: CalibrationFile) => {
    const bytes = await store.tryGet(key(f));
    if (!bytes) {
      throw new NotFoundError(
        `no calibration ${store.describe(key(f))}; run \`msor calibrate\` for ${symbol} ${date}`,
      );
    }
    return readColumns(store.describe(key(f)), bytes);
  };
  const [main, profile, fits, venues, outflow, adverse] = await Promise.all(CALIBRATION_FILES.map(load));
  if (!main || !profile || !fits || !venues || !outflow || !adverse || main.rows !== 1) {
    throw new DataFormatError(`calibration ${store.describe(key("calibration"))} must hold exactly one row`);
  }
  const m = (c: string) => main.col(c)[0];
  const kinds = fits.col("kind") as string[];
  const fh = fits.col("horizon_s").map(num);
  const fc = fits.col("coef").map(num);
  const fi = fits.col("intercept").map(num);
  const fb = fits.col("beta_per_s").map(num);
  const fr = fits.col("r2").map(num);
  const fn = fits.col("n").map(num);
  const fl = fits.col("lambda_rel").map(num);
  const fss = fits.col("ssr").map(num);
  const fst = fits.col("sst").map(num);
  const candidates: ImpactCandidate[] = [];
  const kyle: KyleRow[] = [];
  kinds.forEach((k, i) => {
    if (k === "propagator") {
      candidates.push({
        halfLifeS: fh[i]!,
        beta: fb[i]!,
        lambda: fc[i]!,
        r2: fr[i]!,
        lambdaRel: fl[i]!,
        ssr: fss[i]!,
        sst: fst[i]!,
        n: fn[i]!,
      });
    } else if (k === "kyle") {
      kyle.push({ periodS: fh[i]!, lambdaUsdPerShare: fc[i]!, interceptUsd: fi[i]!, r2: fr[i]!, n: fn[i]! });
    }
  });
  const oVenue = outflow.col("venue") as string[];
  const oSide = outflow.col("side") as string[];
  const oMin = outflow.col("minute").map(num);
  const oSh = outflow.col("shares").map(num);
  const vName = venues.col("venue") as string[];
  const vSide = venues.col("side") as BookSide[];
  const vMean = venues.col("outflow_mean").map(num);
  const vMinutes = venues.col("outflow_minutes").map(num);
  const aVenue = adverse.col("venue") as string[];
  const aSide = adverse.col("side") as string[];
  const aH = adverse.col("horizon_s").map(num);
  const aUsd = adverse.col("adverse_usd").map(num);
  const aN = adverse.col("adverse_n").map(num);
  const markoutsOf = new Map<string, AdverseMarkout[]>();
  for (let j = 0; j < aVenue.length; j++) {
    const k = `${aVenue[j]}|${aSide[j]}`;
    const list = markoutsOf.get(k) ?? [];
    list.push({ horizonS: aH[j]!, usd: aUsd[j]!, n: aN[j]! });
    markoutsOf.set(k, list);
  }
  const samplesOf = new Map<string, Float64Array>();
  for (let i = 0; i < vName.length; i++)
    samplesOf.set(`${vName[i]}|${vSide[i]}`, new Float64Array(vMinutes[i]!));
  for (let j = 0; j < oVenue.length; j++) {
    const a = samplesOf.get(`${oVenue[j]}|${oSide[j]}`);
    if (a && oMin[j]! < a.length) a[oMin[j]!] = oSh[j]!;
  }
  const venueStats: VenueSideStats[] = vName.map((venue, i) => {
    const samples = samplesOf.get(`${venue}|${vSide[i]}`)!;
    return {
      venue,
      side: vSide[i]!,
      outflowSamples: samples,
      outflowMean: vMean[i]!,
      adverse: markoutsOf.get(`${venue}|${vSide[i]}`) ?? [],
    };
  });
  // the scalars from their one field list; a column an older file lacks reads as NaN
  const scalars: Record<string, unknown> = {};
  for (const f of CALIBRATION_FIELDS) {
    const v = main.has(f.name) ? m(f.name) : null;
    setField(scalars, f.field, f.type === "int64" && f.field.endsWith("Ns") ? BigInt(v as bigint) : num(v));
  }
  const s = scalars as Pick<CalibrationRecord, "impact" | "ofi"> & Record<string, unknown>;
  // the queue check's choice: MBO days of records with the columns (written since issue 27.3)
  const queueModel = main.has("queue_model") ? m("queue_model") : null;
  const queue =
    typeof queueModel === "string" && queueModel !== ""
      ? {
          model: queueModel,
          power: num(m("queue_power")),
          errorS: num(m("queue_error_s")),
          orders: num(m("queue_orders")),
          tauS: num(m("queue_tau_s")),
        }
      : undefined;
  return {
    ...(scalars as Omit<CalibrationRecord, "symbol" | "date" | "impact" | "kyle" | "venues">),
    symbol,
    date,
    volumeProfile: Float64Array.from(profile.col("volume_share"), num),
    halfSpreadProfile: Float64Array.from(profile.col("half_spread_usd"), num),
    impact: { ...s.impact, candidates },
    kyle,
    ofi: s.ofi,
    venues: venueStats,
    ...(queue ? { queue } : {}),
  } as CalibrationRecord;
}
