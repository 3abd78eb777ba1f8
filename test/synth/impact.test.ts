/**
 * The planted impact is recoverable from the written file with the MODELS.md section 2 regression
 * (test oracle of MODELS.md section 9: lambda within 10%, half-life bucket exact).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { regularSession } from "../../lib/core/session.ts";
import { writeSyntheticDay } from "../../lib/synth/write.ts";
import { measureImpact, tempDir } from "./helpers.ts";

const dir = tempDir();

describe("planted impact", () => {
  const cases = [
    { symbol: "IMPA", date: "2024-03-12", halfLife: 60, seed: 3 },
    { symbol: "IMPB", date: "2024-07-18", halfLife: 900, seed: 4 },
    { symbol: "IMPC", date: "2024-11-05", halfLife: 3600, seed: 5 },
  ];
  for (const c of cases) {
    it(`recovers lambda and the ${c.halfLife} s half-life of ${c.symbol} ${c.date}`, async () => {
      const path = join(dir, `${c.symbol}.parquet`);
      await writeSyntheticDay(path, {
        symbol: c.symbol,
        date: c.date,
        venues: 2,
        eventsPerVenue: 80_000,
        seed: c.seed,
        startPrice: 80,
        plantedHalfLifeS: c.halfLife,
      });
      const m = await measureImpact(path, regularSession(c.date).openNs);
      expect(m.planted.half_life_s).toBe(c.halfLife);
      expect(m.best.halfLifeS).toBe(c.halfLife);
      expect(Math.abs(m.best.lambda / m.planted.lambda - 1)).toBeLessThan(0.1);
      // the file's own measurements are the ones the generator recorded
      expect(m.volume).toBe(m.planted.daily_volume);
      expect(m.sigma).toBeCloseTo(m.planted.sigma_daily, 9);
      const fit = m.planted.fit.find((f) => f.half_life_s === c.halfLife)!;
      expect(m.best.lambda).toBeCloseTo(fit.lambda, 6);
      expect(m.planted.fit_best_half_life_s).toBe(c.halfLife);
    });
  }

  it("honours an explicit lambda (up to the book's rounding of the mid)", async () => {
    const path = join(dir, "explicit.parquet");
    const { planted } = await writeSyntheticDay(path, {
      symbol: "IMPD",
      date: "2024-05-08",
      venues: 1,
      eventsPerVenue: 60_000,
      plantedLambda: 25,
      plantedHalfLifeS: 300,
      startPrice: 50,
    });
    expect(planted.lambda_latent).toBe(25);
    expect(Math.abs(planted.lambda / 25 - 1)).toBeLessThan(0.05);
    const m = await measureImpact(path, regularSession("2024-05-08").openNs);
    expect(Math.abs(m.best.lambda / planted.lambda - 1)).toBeLessThan(0.1);
  });
});
