/**
 * Dense venue indices for one replay: publisher ids (or one venue per input file) map to 0..V-1 in order of
 * first appearance, so books and per-venue statistics live in small flat arrays.
 */
import { DataFormatError } from "../core/errors.ts";
import type { VenueInfo } from "./schema.ts";

export const MAX_VENUES = 32;

/** Databento publisher ids of the US equity venues most used with MBP-10 (for readable names). */
const PUBLISHER_NAMES: Readonly<Record<number, string>> = {
  1: "GLBX.MDP3",
  2: "XNAS.ITCH",
  3: "XBOS.ITCH",
  4: "XPSX.ITCH",
  5: "BATS.PITCH",
  6: "BATY.PITCH",
  7: "EDGA.PITCH",
  8: "EDGX.PITCH",
  9: "XNYS.PILLAR",
  10: "XCIS.PILLAR",
  11: "XASE.PILLAR",
  12: "XCHI.PILLAR",
  13: "XCIS.BBO",
  14: "XCIS.TRADES",
  15: "MEMX.MEMOIR",
  16: "EPRL.DOM",
  38: "IEXG.TOPS",
  39: "DBEQ.BASIC",
};

export function publisherName(id: number): string {
  return PUBLISHER_NAMES[id] ?? `publisher ${id}`;
}

export class VenueRegistry {
  readonly venues: VenueInfo[] = [];
  private readonly byPublisher = new Int16Array(65_536).fill(-1);

  /** Dense index of a publisher id, registering it on first sight. */
  index(publisherId: number, name?: string): number {
    const known = this.byPublisher[publisherId]!;
    if (known >= 0) return known;
    if (this.venues.length >= MAX_VENUES) {
      throw new DataFormatError(
        `more than ${MAX_VENUES} venues (publisher ids) in one replay; split the input by publisher first`,
      );
    }
    const idx = this.venues.length;
    this.venues.push({ publisherId, name: name ?? publisherName(publisherId) });
    this.byPublisher[publisherId] = idx;
    return idx;
  }

  /** Map a column of publisher ids to dense indices (registering new ones). */
  mapColumn(publisherIds: Uint16Array, out: Uint8Array, name?: string): void {
    let lastId = -1;
    let lastIdx = 0;
    for (let i = 0; i < publisherIds.length; i++) {
      const id = publisherIds[i]!;
      if (id !== lastId) {
        lastId = id;
        lastIdx = this.index(id, name);
      }
      out[i] = lastIdx;
    }
  }
}
