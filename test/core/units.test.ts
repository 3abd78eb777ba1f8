import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkDate, checkSymbol } from "../../lib/core/ids.ts";
import { Rng, seedFrom } from "../../lib/core/rng.ts";
import {
  decimalSecondsToNs,
  fixed,
  fixedToUsd,
  priceKey,
  UNDEF_PRICE_I64,
  usdToFixed,
} from "../../lib/core/units.ts";

describe("units", () => {
  it("converts Databento fixed-point prices", () => {
    expect(fixedToUsd(3_720_250_000_000n)).toBe(3720.25);
    expect(fixedToUsd(UNDEF_PRICE_I64)).toBeNaN();
    expect(usdToFixed(Number.NaN)).toBe(UNDEF_PRICE_I64);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), (cents) => {
        const p = cents / 100;
        return fixedToUsd(usdToFixed(p)) === p && priceKey(fixedToUsd(usdToFixed(p))) === priceKey(p);
      }),
    );
  });

  it("parses decimal seconds exactly", () => {
    expect(decimalSecondsToNs("34200.004241176")).toBe(34_200_004_241_176n);
    expect(decimalSecondsToNs("57599.9")).toBe(57_599_900_000_000n);
    expect(() => decimalSecondsToNs("-1")).toThrow(/not a decimal number of seconds/);
  });
});

describe("ids", () => {
  it("rejects symbols that could escape a key prefix", () => {
    for (const bad of ["../x", "a/b", "..", "", "A B", "x\\y", "a..b"])
      expect(() => checkSymbol(bad)).toThrow(/invalid symbol/);
    for (const ok of ["AAPL", "BRK.B", "ES-H6"]) expect(checkSymbol(ok)).toBe(ok);
    // one rule everywhere (lib/core/ids.ts): symbols are upper case; the message says which form to use
    expect(() => checkSymbol("goog")).toThrow(/symbols are upper case: "GOOG"/);
    expect(() => checkDate("2024-13-01")).toThrow(/invalid date/);
  });
});

describe("seeded RNG", () => {
  it("is deterministic and seed-sensitive", () => {
    const a = new Rng(seedFrom(1, "AAPL", "2024-01-02"));
    const b = new Rng(seedFrom(1, "AAPL", "2024-01-02"));
    const c = new Rng(seedFrom(2, "AAPL", "2024-01-02"));
    const xs = Array.from({ length: 5 }, () => a.uniform());
    expect(Array.from({ length: 5 }, () => b.uniform())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.uniform())).not.toEqual(xs);
  });

  it("has the right moments", () => {
    const r = new Rng(42);
    const n = 200_000;
    let su = 0;
    let se = 0;
    let sn = 0;
    let sn2 = 0;
    for (let i = 0; i < n; i++) {
      su += r.uniform();
      se += r.exponential(3000);
      const z = r.normal();
      sn += z;
      sn2 += z * z;
    }
    expect(su / n).toBeCloseTo(0.5, 2);
    expect(se / n / 3000).toBeCloseTo(1, 1);
    expect(sn / n).toBeCloseTo(0, 1);
    expect(sn2 / n).toBeCloseTo(1, 1);
  });
});

describe("fixed", () => {
  it("is toFixed without a minus sign on a value that rounds to zero", () => {
    expect(fixed(-2e-12, 2)).toBe("0.00");
    expect(fixed(-0, 3)).toBe("0.000");
    expect(fixed(-0.004, 2)).toBe("0.00");
    expect(fixed(-0.005, 2)).toBe((-0.005).toFixed(2)); // "-0.01" where toFixed rounds away from zero
    expect(fixed(-1.234, 2)).toBe("-1.23");
    expect(fixed(-3e-7, 0)).toBe("0");
    expect(fixed(2.5, 1)).toBe("2.5");
  });
});
