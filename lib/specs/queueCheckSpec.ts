/**
 * The queue check's settings where users write them (docs/models.md 6.7): `msor queue-check` options and a
 * sweep spec's `queue_check` (one check per MBO symbol-day, written to the queue_check table).
 */
import { z } from "zod";
import { InputError } from "../core/errors.ts";
import { NEW_YORK } from "../core/session.ts";

/** A sweep spec's queue_check: N seeded 1-lot orders at the best per symbol-day, horizon tau_s. */
export const QueueCheckSpecSchema = z
  .object({
    /** hypothetical 1-lot orders at the best (alternately buy and sell) */
    orders: z.number().int().min(1).max(100_000),
    /** horizon, seconds: an order not filled within tau counts tau */
    tau_s: z.number().positive().max(86_400),
    /** place the orders inside this daily window, "HH:MM-HH:MM" in `tz` */
    between: z.string().optional(),
    /** time zone of `between` (the instrument's); default America/New_York */
    tz: z.string().optional(),
    /** seed of the order times; default 1 */
    seed: z.number().int().min(0).optional(),
  })
  .strict();
export type QueueCheckSpec = z.infer<typeof QueueCheckSpecSchema>;

/** The acceptance test on order times of a sweep spec's queue_check (all times when it has no window). */
export function queueCheckWindow(q: QueueCheckSpec): ((tNs: bigint) => boolean) | undefined {
  return q.between === undefined
    ? undefined
    : parseBetween(q.between, q.tz ?? NEW_YORK, { between: "queue_check.between", tz: "queue_check.tz" });
}

/** Minutes after local midnight of `tNs` in `tz`. */
function localMinutes(fmt: Intl.DateTimeFormat, tNs: bigint): number {
  const parts = fmt.formatToParts(new Date(Number(tNs / 1_000_000n)));
  const h = Number(parts.find((p) => p.type === "hour")?.value ?? 0);
  const m = Number(parts.find((p) => p.type === "minute")?.value ?? 0);
  return (h % 24) * 60 + m;
}

/**
 * "HH:MM-HH:MM" in `tz` as an acceptance test on times (a window past midnight wraps). `names`: how the
 * messages call the two settings (the CLI's --between / --tz, a sweep spec's queue_check.between / .tz).
 */
export function parseBetween(
  text: string,
  tz: string,
  names: { between: string; tz: string } = { between: "--between", tz: "--tz" },
): (tNs: bigint) => boolean {
  const m = /^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$/.exec(text.trim());
  const mins = m ? [Number(m[1]) * 60 + Number(m[2]), Number(m[3]) * 60 + Number(m[4])] : [];
  if (!m || mins.some((x) => x > 24 * 60) || Number(m[2]) > 59 || Number(m[4]) > 59 || mins[0] === mins[1]) {
    throw new InputError(`${names.between} must be HH:MM-HH:MM (e.g. 18:00-18:30), got "${text}"`);
  }
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
  } catch {
    throw new InputError(`${names.tz} "${tz}" is not a time zone of the tz database (e.g. America/Chicago)`);
  }
  const [from, to] = mins as [number, number];
  return (t) => {
    const x = localMinutes(fmt, t);
    return from < to ? x >= from && x < to : x >= from || x < to;
  };
}
