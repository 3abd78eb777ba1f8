/**
 * QualityCounters reads ts_recv as two 32-bit halves (no BigInt per row): the out-of-order count and the
 * first / last timestamps equal a plain BigInt oracle, across batches, for any int64 timestamps.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { QualityCounters } from "../../lib/mbp10/quality.ts";
import { allocFullBatch } from "../../lib/mbp10/schema.ts";

describe("QualityCounters timestamps", () => {
  it("nonMonotoneTs, firstTsNs and lastTsNs equal a BigInt oracle", () => {
    const ts = fc.oneof(
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      // realistic values close to each other, so that the low halves decide
      fc.bigInt({ min: 1_709_650_000_000_000_000n, max: 1_709_650_000_000_010_000n }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(ts, { minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 5 }),
        (batches) => {
          const q = new QualityCounters();
          let prev = -(2n ** 63n);
          let bad = 0;
          for (const rows of batches) {
            const b = allocFullBatch(rows.length, 1, "X");
            rows.forEach((t, i) => {
              b.tsRecv[i] = t;
              if (t < prev) bad++;
              else prev = t;
            });
            q.observe(b);
          }
          expect(q.q.nonMonotoneTs).toBe(bad);
          expect(q.q.firstTsNs).toBe(batches[0]![0]!);
          expect(q.q.lastTsNs).toBe(prev);
        },
      ),
      { numRuns: 300 },
    );
  });
});
