/**
 * The replay stream of a symbol-day's inputs, whatever their format: MBP-10 files (merged by ts_recv), or one
 * MBO file replayed as the MBP-10 derived from its records, with the records behind each row for the queue
 * model (lib/importers/mbo/replayStream.ts; l3_fifo, docs/models.md 6.7).
 */
import { InputError } from "../core/errors.ts";
import { MboReplayStream } from "../importers/mbo/replayStream.ts";
import type { MboFeed } from "../mbo/schema.ts";
import { type InputFormat, Mbp10Stream, type ReplayStream, type StreamInput } from "../mbp10/stream.ts";
import type { ByteSource } from "../ports/byteSource.ts";

/** Close inputs no stream owns yet (an error before the stream was opened). */
export async function closeSources(sources: readonly (ByteSource | StreamInput)[]): Promise<void> {
  await Promise.all(sources.map((s) => ("source" in s ? s.source : s).close?.()));
}

export interface ReplayOptions {
  readonly symbol: string;
  readonly date?: string;
  /** mbp10 (default) or mbo. */
  readonly format?: InputFormat | undefined;
  /** MBP-10 only: each batch is done with when the next is asked for (Mbp10OpenOptions.releaseBatches). */
  readonly releaseBatches?: boolean;
  /** MBP-10 only: read this many levels (Mbp10OpenOptions.maxLevels). */
  readonly maxLevels?: number;
}

/**
 * Open the replay of `sources` (the stream owns them from here: closing it closes them, and so does a failed
 * open). For MBO input, `mbo` is the feed of MBO records behind the stream's batches.
 */
export async function openReplay(
  sources: readonly (ByteSource | StreamInput)[],
  o: ReplayOptions,
): Promise<{ stream: ReplayStream; mbo: MboFeed | undefined }> {
  if (o.format === "mbo") {
    if (sources.length !== 1) {
      await closeSources(sources);
      throw new InputError(
        `${o.symbol} ${o.date ?? ""}: MBO input is one file per symbol-day (got ${sources.length}); give one MBO Parquet file`,
      );
    }
    const s = sources[0]!;
    const stream = await MboReplayStream.open("source" in s ? s.source : s, o.symbol);
    return { stream, mbo: stream };
  }
  const extra = {
    ...(o.releaseBatches ? { releaseBatches: true } : {}),
    ...(o.maxLevels !== undefined ? { maxLevels: o.maxLevels } : {}),
  };
  const stream = await Mbp10Stream.open(
    Object.keys(extra).length > 0
      ? sources.map((s) => ({ ...("source" in s ? s : { source: s }), ...extra }))
      : sources,
  );
  return { stream, mbo: undefined };
}
