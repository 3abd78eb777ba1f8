import * as arrow from "apache-arrow";
import { describe, expect, it } from "vitest";
import { toCharCodes, toIntArray, toPriceUsd, toTimestampNs } from "../../lib/mbp10/columns.ts";

const chars = (a: Uint8Array) => String.fromCharCode(...a);

describe("column conversions", () => {
  it("one-character codes from plain, sliced, null-bearing and dictionary UTF8 (nulls -> N)", () => {
    const plain = arrow.vectorFromArray(["A", "B", "C", "T"], new arrow.Utf8());
    expect(chars(toCharCodes(plain))).toBe("ABCT");
    expect(chars(toCharCodes(plain.slice(1)))).toBe("BCT");
    expect(chars(toCharCodes(arrow.vectorFromArray(["A", null, "C", "T"], new arrow.Utf8()).slice(1)))).toBe(
      "NCT",
    );
    const dict = arrow.vectorFromArray(
      ["T", "A", "C", null, "T"],
      new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32()),
    );
    expect(chars(toCharCodes(dict))).toBe("TACNT");
    expect(chars(toCharCodes(arrow.vectorFromArray([84, null, 65], new arrow.Uint8())))).toBe("TNA");
  });

  it("fixed-point prices exactly, negative and large included; UNDEF and nulls -> NaN", () => {
    const p = arrow.vectorFromArray(
      [-1_500_000_000n, 9223372036854775807n, 100_010_000_000n, -5n, null],
      new arrow.Int64(),
    );
    const usd = Array.from(toPriceUsd(p));
    expect(usd.slice(0, 4)).toEqual([-1.5, Number.NaN, 100.01, -5e-9]);
    expect(usd[4]).toBeNaN();
    expect(Array.from(toPriceUsd(p.slice(2)))).toEqual([100.01, -5e-9, Number.NaN]);
  });

  it("timestamp units to ns, integers with nulls to 0", () => {
    const ts = (type: arrow.Timestamp, v: bigint[]) =>
      arrow.makeVector(arrow.makeData({ type, length: v.length, data: BigInt64Array.from(v) }));
    expect(Array.from(toTimestampNs(ts(new arrow.TimestampMicrosecond("UTC"), [1n, 2n])))).toEqual([
      1000n,
      2000n,
    ]);
    expect(Array.from(toTimestampNs(ts(new arrow.TimestampMillisecond("UTC"), [3n])))).toEqual([3_000_000n]);
    expect(Array.from(toTimestampNs(ts(new arrow.TimestampSecond("UTC"), [4n])))).toEqual([4_000_000_000n]);
    expect(
      Array.from(toIntArray(arrow.vectorFromArray([7, null, 9], new arrow.Int32()), Uint32Array)),
    ).toEqual([7, 0, 9]);
  });
});
