/**
 * Arrival mid m0 of a parent order (docs/models.md section 8): the mid of the last consistent (F_LAST) book at or
 * before t0; when there is none, or it is not two-sided (t0 at the first record of the session), the first
 * two-sided consistent book after t0 inside the window, flagged `arrival_source = first_after`. A parent whose
 * window [t0, t0 + T] never sees a two-sided book, or sees no record at all (the data ended before t0, or a gap
 * covers the whole window: the book standing at t0 is then stale and nothing could trade), is `status = no_data`:
 * reported, counted in task_quality, excluded from every statistic.
 */
import { ModelError } from "../core/errors.ts";

/** Where m0 came from: the book standing at t0, or the first two-sided book after t0. */
export type ArrivalSource = "at_or_before" | "first_after";

export type ArrivalMid =
  | {
      readonly status: "ok";
      /** m0, dollars. */
      readonly midUsd: number;
      readonly source: ArrivalSource;
      /** Timestamp of the book m0 was read from, ns since the epoch. */
      readonly tsNs: bigint;
    }
  | { readonly status: "no_data"; readonly midUsd: number; readonly source: null; readonly tsNs: null };

/** A consistent book's mid at tsNs (dollars; NaN when the book is not two-sided). */
export interface MidObservation {
  readonly tsNs: bigint;
  readonly midUsd: number;
}

const twoSided = (o: MidObservation | undefined): o is MidObservation =>
  o !== undefined && Number.isFinite(o.midUsd) && o.midUsd > 0;

const NO_DATA: ArrivalMid = { status: "no_data", midUsd: Number.NaN, source: null, tsNs: null };

/**
 * The arrival rule from its two candidates: `atOrBefore` = the last consistent book with ts <= t0 (any, even
 * one-sided), `firstAfter` = the first two-sided consistent book with t0 < ts <= t0 + T (undefined: none).
 */
export function arrivalMid(
  t0Ns: bigint,
  endNs: bigint,
  atOrBefore: MidObservation | undefined,
  firstAfter: MidObservation | undefined,
): ArrivalMid {
  if (endNs < t0Ns) throw new ModelError(`parent window ends (${endNs}) before it starts (${t0Ns}) ns`);
  if (atOrBefore !== undefined && atOrBefore.tsNs > t0Ns)
    throw new ModelError(`arrival candidate at ${atOrBefore.tsNs} ns is after t0 = ${t0Ns} ns`);
  if (twoSided(atOrBefore))
    return { status: "ok", midUsd: atOrBefore.midUsd, source: "at_or_before", tsNs: atOrBefore.tsNs };
  if (twoSided(firstAfter) && firstAfter.tsNs > t0Ns && firstAfter.tsNs <= endNs)
    return { status: "ok", midUsd: firstAfter.midUsd, source: "first_after", tsNs: firstAfter.tsNs };
  return NO_DATA;
}

/**
 * Streaming form for a replay: feed every consistent book in time order with `observe`, read `result` once
 * the window is over (or the data ended). No allocation per observation.
 */
export class ArrivalMidTracker {
  private beforeTs: bigint | undefined;
  private beforeMid = Number.NaN;
  private afterTs: bigint | undefined;
  private afterMid = Number.NaN;
  private lastTs: bigint | undefined;
  private dead = false;

  constructor(
    readonly t0Ns: bigint,
    readonly endNs: bigint,
  ) {
    if (endNs < t0Ns) throw new ModelError(`parent window ends (${endNs}) before it starts (${t0Ns}) ns`);
  }

  /** A consistent (F_LAST) book at tsNs with mid `midUsd` ($; NaN when one-sided). Time must not go back. */
  observe(tsNs: bigint, midUsd: number): void {
    if (this.lastTs !== undefined && tsNs < this.lastTs)
      throw new ModelError(
        `arrival tracker: book at ${tsNs} ns is before the previous one at ${this.lastTs} ns`,
      );
    this.lastTs = tsNs;
    if (tsNs <= this.t0Ns) {
      this.beforeTs = tsNs;
      this.beforeMid = midUsd;
    } else if (this.afterTs === undefined && tsNs <= this.endNs && Number.isFinite(midUsd) && midUsd > 0) {
      this.afterTs = tsNs;
      this.afterMid = midUsd;
    }
  }

  /** No record reached the books inside the window (told at t0 + T by the replay): the parent is no_data. */
  noRecordInWindow(): void {
    this.dead = true;
  }

  result(): ArrivalMid {
    if (this.dead) return NO_DATA;
    return arrivalMid(
      this.t0Ns,
      this.endNs,
      this.beforeTs === undefined ? undefined : { tsNs: this.beforeTs, midUsd: this.beforeMid },
      this.afterTs === undefined ? undefined : { tsNs: this.afterTs, midUsd: this.afterMid },
    );
  }
}
