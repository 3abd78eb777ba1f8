/**
 * Arrow column -> typed array conversions for the MBP-10 reader. Zero-copy where the file's type already is
 * the engine's type; one pass otherwise (fixed-point prices, other integer widths, timestamp units).
 */
import * as arrow from "apache-arrow";
import { DataFormatError } from "../core/errors.ts";

type AnyData = arrow.Data<arrow.DataType>;

function chunks(vec: arrow.Vector): readonly AnyData[] {
  return vec.data as readonly AnyData[];
}

function isValid(d: AnyData, i: number): boolean {
  const bm = d.nullBitmap;
  if (!bm || d.nullCount === 0) return true;
  const j = d.offset + i;
  return ((bm[j >> 3]! >> (j & 7)) & 1) === 1;
}

export type ColumnKind = "timestamp" | "price" | "integer" | "char" | "string";

/** Does the arrow type fit the column kind? Returns a description of the expected type when it does not. */
export function checkColumnType(type: arrow.DataType, kind: ColumnKind): string | undefined {
  const t = type.typeId;
  const T = arrow.Type;
  switch (kind) {
    case "timestamp":
      return t === T.Timestamp || t === T.Int ? undefined : "timestamp[ns|us, UTC] or int64 nanoseconds";
    case "price":
      return t === T.Float || (t === T.Int && (type as arrow.Int).bitWidth === 64)
        ? undefined
        : "float64 dollars or int64 fixed-point (1e-9 $)";
    case "integer":
      return t === T.Int ? undefined : "an integer type";
    case "char":
      return t === T.Utf8 || t === T.LargeUtf8 || t === T.Dictionary || t === T.Int
        ? undefined
        : "a one-character string (or its ASCII code)";
    case "string":
      return t === T.Utf8 || t === T.LargeUtf8 || t === T.Dictionary ? undefined : "a string";
  }
}

/** Timestamps in ns since the epoch. */
export function toTimestampNs(vec: arrow.Vector): BigInt64Array {
  const type = vec.type as arrow.DataType;
  let factor = 1n;
  if (type.typeId === arrow.Type.Timestamp) {
    const unit = (type as arrow.Timestamp).unit;
    factor =
      unit === arrow.TimeUnit.SECOND
        ? 1_000_000_000n
        : unit === arrow.TimeUnit.MILLISECOND
          ? 1_000_000n
          : unit === arrow.TimeUnit.MICROSECOND
            ? 1000n
            : 1n;
  }
  const cs = chunks(vec);
  if (cs.length === 1 && factor === 1n && cs[0]!.values instanceof BigInt64Array && cs[0]!.nullCount === 0) {
    const d = cs[0]!;
    return (d.values as BigInt64Array).subarray(0, d.length);
  }
  const out = new BigInt64Array(vec.length);
  let k = 0;
  for (const d of cs) {
    const v = d.values as BigInt64Array | BigUint64Array;
    for (let i = 0; i < d.length; i++) out[k++] = BigInt.asIntN(64, BigInt(v[i]!)) * factor;
  }
  return out;
}

/**
 * Prices in dollars; NaN = "no level". float64 passes through (NaN stays NaN), int64 fixed-point is scaled by
 * 1e-9 with UNDEF_PRICE (int64 max) and nulls mapped to NaN. The int64 path reads the two 32-bit halves to
 * avoid a BigInt per value.
 */
export function toPriceUsd(vec: arrow.Vector): Float64Array {
  const cs = chunks(vec);
  if (cs.length === 1 && cs[0]!.values instanceof Float64Array && cs[0]!.nullCount === 0) {
    const d = cs[0]!;
    return (d.values as Float64Array).subarray(0, d.length);
  }
  const out = new Float64Array(vec.length);
  let k = 0;
  for (const d of cs) {
    const v = d.values as Float64Array | Float32Array | BigInt64Array;
    if (v instanceof BigInt64Array) {
      const w = new Int32Array(v.buffer, v.byteOffset, v.length * 2);
      for (let i = 0; i < d.length; i++, k++) {
        const lo = w[2 * i]!;
        const hi = w[2 * i + 1]!;
        if ((hi === 0x7fffffff && lo === -1) || !isValid(d, i)) out[k] = Number.NaN;
        else out[k] = (hi * 4294967296 + (lo >>> 0)) / 1e9;
      }
    } else {
      for (let i = 0; i < d.length; i++, k++) out[k] = isValid(d, i) ? v[i]! : Number.NaN;
    }
  }
  return out;
}

type IntArrayCtor<T> = { new (n: number): T; BYTES_PER_ELEMENT: number };

/** Integers into the given typed array type (zero-copy when the type matches and there are no nulls). */
export function toIntArray<T extends Uint8Array | Uint16Array | Uint32Array | Int32Array>(
  vec: arrow.Vector,
  Ctor: IntArrayCtor<T>,
): T {
  const cs = chunks(vec);
  if (
    cs.length === 1 &&
    cs[0]!.values instanceof (Ctor as unknown as typeof Uint8Array) &&
    cs[0]!.nullCount === 0
  ) {
    const d = cs[0]!;
    return (d.values as T).subarray(0, d.length) as T;
  }
  const out = new Ctor(vec.length);
  let k = 0;
  for (const d of cs) {
    const v = d.values as ArrayLike<number | bigint>;
    for (let i = 0; i < d.length; i++, k++) out[k] = isValid(d, i) ? Number(v[i]!) : 0;
  }
  return out;
}

/** One-character codes (action, side) as ASCII: from UTF8, dictionary-encoded UTF8, or integer codes. */
export function toCharCodes(vec: arrow.Vector, fallback = 78): Uint8Array {
  const out = new Uint8Array(vec.length);
  let k = 0;
  for (const d of chunks(vec)) {
    const t = d.type.typeId;
    if (t === arrow.Type.Int) {
      const v = d.values as ArrayLike<number | bigint>;
      for (let i = 0; i < d.length; i++, k++) out[k] = isValid(d, i) ? Number(v[i]!) : fallback;
    } else if (t === arrow.Type.Dictionary) {
      const dictVec = d.dictionary as arrow.Vector;
      const codes = toCharCodes(dictVec, fallback);
      const idx = d.values as ArrayLike<number | bigint>;
      for (let i = 0; i < d.length; i++, k++)
        out[k] = isValid(d, i) ? (codes[Number(idx[i]!)] ?? fallback) : fallback;
    } else if (d.valueOffsets instanceof Int32Array && d.nullCount === 0) {
      // the common case (utf8, no nulls): one tight loop over 32-bit offsets
      const offs = d.valueOffsets;
      const vals = d.values as Uint8Array;
      for (let i = 0; i < d.length; i++, k++) {
        const a = offs[i]!;
        out[k] = offs[i + 1]! > a ? vals[a]! : fallback;
      }
    } else {
      // apache-arrow already shifts valueOffsets of a sliced column (the validity bitmap still uses d.offset)
      const offs = d.valueOffsets as Int32Array | BigInt64Array;
      const vals = d.values as Uint8Array;
      for (let i = 0; i < d.length; i++, k++) {
        const a = Number(offs[i]!);
        const b = Number(offs[i + 1]!);
        out[k] = b > a && isValid(d, i) ? vals[a]! : fallback;
      }
    }
  }
  return out;
}

export function requireChild(table: arrow.Table, name: string, file: string): arrow.Vector {
  const v = table.getChild(name);
  if (!v) throw new DataFormatError(`${file}: column ${name} missing from the decoded row group`);
  return v as arrow.Vector;
}
