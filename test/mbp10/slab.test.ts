/** The slab pool keeps given-back buffers by size, up to its cap, and never a detached one. */
import { describe, expect, it } from "vitest";
import { SlabPool } from "../../lib/mbp10/slab.ts";

describe("SlabPool", () => {
  it("hands back a given slab of the asked size, a new one otherwise", () => {
    const pool = new SlabPool(1000);
    const a = pool.take(400);
    expect(a.byteLength).toBe(400);
    pool.give(a);
    expect(pool.heldBytes).toBe(400);
    expect(pool.take(300)).not.toBe(a); // other size: new
    expect(pool.take(400)).toBe(a);
    expect(pool.heldBytes).toBe(0);
    expect(pool.take(400)).not.toBe(a); // taken already
  });

  it("keeps no more than its cap, and no detached buffer", () => {
    const pool = new SlabPool(1000);
    const slabs = [pool.take(400), pool.take(400), pool.take(400)];
    for (const s of slabs) pool.give(s);
    expect(pool.heldBytes).toBe(800); // the third is left to the garbage collector
    const gone = new ArrayBuffer(64);
    structuredClone(gone, { transfer: [gone] }); // detached: byteLength 0
    pool.give(gone);
    expect(pool.heldBytes).toBe(800);
    pool.clear();
    expect(pool.heldBytes).toBe(0);
    expect(slabs).not.toContain(pool.take(400));
  });
});
