/**
 * The queue check of an MBO symbol-day inside the task (docs/models.md 6.7): run on the day's MBO file before
 * the replay, it gives the queue_check rows a sweep asks for and the day's queue model choice, recorded in its
 * calibration record for `sim.queue_model: calibrated` on LATER days.
 */
import type { QueueChoice } from "../calibration/types.ts";
import { InputError } from "../core/errors.ts";
import { readMboBatches } from "../mbo/reader.ts";
import type { ByteSource } from "../ports/byteSource.ts";
import { type QueueCheckResult, queueCheck } from "../sim/queueCheck.ts";

export interface QueueCheckSettings {
  readonly orders: number;
  readonly tauS: number;
  readonly seed: number;
  /** Only place orders at times it accepts (a daily window). */
  readonly accept?: ((tNs: bigint) => boolean) | undefined;
}

/** The check a calibration runs when none is asked for: `msor queue-check`'s defaults. */
export const DEFAULT_QUEUE_CHECK: QueueCheckSettings = { orders: 200, tauS: 60, seed: 1 };

/**
 * The queue check of the MBO file `src` (left open: it reads it twice, the span then the replay); undefined
 * when the day has nothing to check (no trade, or less than tau of trading, or no order inside the window).
 */
export async function dayQueueCheck(
  src: ByteSource,
  symbol: string,
  settings: QueueCheckSettings,
): Promise<QueueCheckResult | undefined> {
  try {
    return await queueCheck(() => readMboBatches(src, symbol), {
      orders: settings.orders,
      tauS: settings.tauS,
      seed: settings.seed,
      ...(settings.accept ? { accept: settings.accept } : {}),
    });
  } catch (e) {
    if (e instanceof InputError) return undefined;
    throw e;
  }
}

/** The day's choice: the best-fitting L2 model and power of a queue check. */
export function queueChoiceOf(r: QueueCheckResult): QueueChoice | undefined {
  const best = r.scores.find((s) => s.model === r.bestModel);
  if (!best || r.placed === 0) return undefined;
  return {
    model: r.bestModel,
    power: r.bestPower,
    errorS: best.meanSignedErrorS,
    orders: r.placed,
    tauS: r.tauS,
  };
}
