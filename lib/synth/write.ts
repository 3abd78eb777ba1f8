/**
 * Write a synthetic day as MBP-10 Parquet in Databento's layout (snappy, 65,536-row row groups) with the
 * planted truth as JSON under the key-value metadata key `msor.planted`. The only file-system entry point of
 * lib/synth: generation itself (generate.ts) is pure.
 */
import type { Mbp10FullBatch } from "../mbp10/schema.ts";
import { writeMbp10File } from "../mbp10/writer.ts";
import { BATCH_ROWS } from "./engine.ts";
import { generateDay, type PlantedTruth } from "./generate.ts";
import type { SynthOptions } from "./options.ts";

/** Key-value metadata key of the planted truth. */
export const PLANTED_KEY = "msor.planted";

export interface WriteSyntheticResult {
  readonly path: string;
  readonly rows: number;
  readonly planted: PlantedTruth;
}

/** Generate `options`' day and write it to `path` (parent folders created). `onRows` sees the rows written so far. */
export async function writeSyntheticDay(
  path: string,
  options: SynthOptions,
  onRows?: (rowsWritten: number, totalRows: number) => void,
): Promise<WriteSyntheticResult> {
  const day = generateDay(options);
  const total = day.planted.rows;
  async function* counted(): AsyncGenerator<Mbp10FullBatch> {
    let done = 0;
    for await (const b of day.batches) {
      yield b;
      done += b.length;
      onRows?.(done, total);
    }
  }
  const { rows } = await writeMbp10File(path, counted(), {
    rowGroupSize: BATCH_ROWS,
    compression: "snappy",
    keyValue: new Map([[PLANTED_KEY, JSON.stringify(day.planted)]]),
  });
  return { path, rows, planted: day.planted };
}
