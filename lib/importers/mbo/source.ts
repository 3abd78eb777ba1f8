/**
 * MBO records from a file, whatever its format: Databento DBN (.dbn, .dbn.zst; read streaming) or MBO
 * Parquet (written by `msor import dbn`). Each call of `open()` reads the file again from the start.
 */
import { DataFormatError } from "../../core/errors.ts";
import { readMboBatches } from "../../mbo/reader.ts";
import type { MboBatch } from "../../mbo/schema.ts";
import { openParquet, readRowGroup } from "../../parquet/read.ts";
import { fileSource } from "../../ports/fileSource.ts";
import { DbnReader } from "../dbn/decoder.ts";
import { chooseDbnSymbol } from "../dbn/symbols.ts";
import { requireFile } from "../input.ts";
import { DBN_SCHEMA_MBO } from "./import.ts";

/** The symbol column's first value ("" when the file has none). */
async function parquetSymbol(path: string): Promise<string> {
  const src = await fileSource(path);
  try {
    const pq = await openParquet(src);
    if (pq.rowGroupRows.length === 0 || !pq.schema.fields.some((f) => f.name === "symbol")) return "";
    const t = await readRowGroup(src, pq, 0, ["symbol"]);
    return String(t.getChild("symbol")?.get(0) ?? "");
  } finally {
    await src.close?.();
  }
}

export interface MboSource {
  readonly symbol: string;
  open(): AsyncIterable<MboBatch>;
}

/** Open `path` as MBO (format by name: .parquet, else DBN); `symbol` labels or selects as in the import. */
export async function mboSource(path: string, symbol?: string): Promise<MboSource> {
  await requireFile(path, "MBO file");
  if (path.toLowerCase().endsWith(".parquet")) {
    const label = symbol ?? (await parquetSymbol(path));
    return {
      symbol: label,
      open: () =>
        (async function* () {
          const src = await fileSource(path);
          try {
            yield* readMboBatches(src, label);
          } finally {
            await src.close?.();
          }
        })(),
    };
  }
  const reader = await DbnReader.open(path);
  try {
    if (reader.metadata.schema !== DBN_SCHEMA_MBO) {
      throw new DataFormatError(
        `${path} is not MBO (its DBN metadata names schema ${reader.metadata.schema ?? "mixed"}); the queue ` +
          "check needs order-by-order data (Databento schema mbo)",
      );
    }
    const choice = chooseDbnSymbol(reader.metadata, path, symbol);
    return {
      symbol: choice.symbol,
      open: () =>
        (async function* () {
          const r = await DbnReader.open(path);
          try {
            yield* r.mboBatches(
              choice.symbol,
              choice.instrumentIds ? { instrumentIds: choice.instrumentIds } : {},
            );
          } finally {
            await r.close();
          }
        })(),
    };
  } finally {
    await reader.close();
  }
}
