/** Same options -> byte-identical Parquet; a different seed or date -> a different day. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { SynthOptions } from "../../lib/synth/options.ts";
import { writeSyntheticDay } from "../../lib/synth/write.ts";
import { tempDir } from "./helpers.ts";

const dir = tempDir();
const base: SynthOptions = { symbol: "DET", date: "2024-06-12", venues: 2, eventsPerVenue: 10_000, seed: 42 };

async function bytes(name: string, o: SynthOptions) {
  const path = join(dir, `${name}.parquet`);
  const r = await writeSyntheticDay(path, o);
  return { bytes: readFileSync(path), planted: r.planted, rows: r.rows };
}

describe("determinism", () => {
  it("writes byte-identical files for the same options", async () => {
    const a = await bytes("a", base);
    const b = await bytes("b", base);
    expect(a.bytes.equals(b.bytes)).toBe(true);
    expect(a.rows).toBe(a.planted.rows);
  });

  it("writes a different day for another seed or another date, with the symbol's parameters kept", async () => {
    const a = await bytes("a2", base);
    const seed = await bytes("seed", { ...base, seed: 43 });
    const date = await bytes("date", { ...base, date: "2024-06-13" });
    for (const other of [seed, date]) {
      expect(other.bytes.equals(a.bytes)).toBe(false);
      expect(other.planted.lambda).not.toBe(a.planted.lambda);
      // symbol-level parameters do not depend on the day: calibrations of earlier days apply
      expect(other.planted.half_life_s).toBe(a.planted.half_life_s);
      expect(other.planted.start_price).toBe(a.planted.start_price);
      expect(other.planted.adv_hint).toBe(a.planted.adv_hint);
      expect(Math.abs(other.planted.daily_volume / a.planted.daily_volume - 1)).toBeLessThan(0.1);
    }
  });
});
