/**
 * DBN (Databento Binary Encoding) metadata header, versions 1-3. Layout (little-endian):
 *
 *   "DBN" u8 version, u32 length (bytes of metadata after these 8), then
 *   dataset char[16], schema u16 (0xffff = mixed), start u64, end u64, limit u64,
 *   [v1 only: record_count u64], stype_in u8, stype_out u8, ts_out u8,
 *   [v2+: symbol_cstr_len u16], reserved (v1: 47 bytes, v2+: 53), schema_definition_length u32 (= 0),
 *   symbols, partial, not_found: u32 count + count x char[symbol_cstr_len],
 *   mappings: u32 count + count x (raw_symbol char[len], u32 n, n x (start_date u32, end_date u32, symbol char[len])).
 *
 * Symbol strings are 22 bytes in v1 and 71 in v2+ (read from the header in v2+). v3 pads the metadata to
 * a multiple of 8 bytes; records always start at byte 8 + length. Verified against Databento's fixtures
 * (databento/dbn test_data.mbp-10: v2 plain, v3 zstd) and the dbn crate's MetadataDecoder.
 */
import { DataFormatError } from "../../core/errors.ts";

export const DBN_MAGIC = "DBN";
export const DBN_PREFIX_BYTES = 8;
export const SUPPORTED_DBN_VERSIONS: readonly number[] = [1, 2, 3];
const DATASET_CSTR_LEN = 16;
const SYMBOL_CSTR_LEN_V1 = 22;
const RESERVED_V1 = 47;
const RESERVED_V2 = 53;
const UNDEF_TIMESTAMP = 0xffffffffffffffffn;

export interface DbnMappingInterval {
  /** YYYYMMDD as in the file. */
  readonly startDate: number;
  readonly endDate: number;
  readonly symbol: string;
}

export interface DbnSymbolMapping {
  readonly rawSymbol: string;
  readonly intervals: readonly DbnMappingInterval[];
}

/** The decoded metadata header (fields as in the dbn crate's Metadata). */
export interface DbnMetadata {
  readonly version: number;
  readonly dataset: string;
  /** Schema code (2 = mbp-10), or null for mixed. */
  readonly schema: number | null;
  readonly startNs: bigint;
  /** null when undefined (live data). */
  readonly endNs: bigint | null;
  readonly limit: bigint;
  readonly stypeIn: number | null;
  readonly stypeOut: number;
  /** Records carry an extra 8-byte send timestamp (included in their length). */
  readonly tsOut: boolean;
  readonly symbolCstrLen: number;
  readonly symbols: readonly string[];
  readonly partial: readonly string[];
  readonly notFound: readonly string[];
  readonly mappings: readonly DbnSymbolMapping[];
}

function hexHead(bytes: Uint8Array): string {
  return [...bytes.subarray(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join(" ");
}

/**
 * Check the 8-byte prefix; returns the version and the metadata length. `bytes` must hold at least 8 bytes
 * unless the file is shorter (then it is reported as not DBN / truncated).
 */
export function parseDbnPrefix(bytes: Uint8Array, name: string): { version: number; length: number } {
  const magic = String.fromCharCode(...bytes.subarray(0, 3));
  if (magic !== DBN_MAGIC) {
    if (String.fromCharCode(...bytes.subarray(0, 4)) === "PAR1") {
      throw new DataFormatError(
        `${name} is a Parquet file, not DBN: an MBP-10 Parquet file (Databento's to_parquet, or msor import's ` +
          "output) needs no import: give it to `msor inspect` or `msor backtest` as it is",
      );
    }
    const what = bytes.length === 0 ? "it is empty" : `it starts with bytes ${hexHead(bytes)}`;
    throw new DataFormatError(
      `${name} is not a DBN file: ${what} (expected "DBN", optionally zstd-compressed); ` +
        "for Databento CSV use `msor import csv`, for LOBSTER `msor import lobster`",
    );
  }
  if (bytes.length < DBN_PREFIX_BYTES) {
    throw new DataFormatError(
      `${name} is truncated: ${bytes.length} bytes, shorter than the 8-byte DBN prefix`,
    );
  }
  const version = bytes[3]!;
  if (!SUPPORTED_DBN_VERSIONS.includes(version)) {
    throw new DataFormatError(
      `${name} is DBN version ${version}; supported versions are ${SUPPORTED_DBN_VERSIONS.join(", ")}. ` +
        "Convert it with Databento's `dbn` tool (dbn --upgrade) or update msor",
    );
  }
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  return { version, length };
}

/** Bounds-checked little-endian cursor over the metadata bytes. */
class Cursor {
  pos = 0;
  private readonly view: DataView;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly name: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  private need(n: number, what: string): number {
    const at = this.pos;
    if (at + n > this.bytes.length) {
      throw new DataFormatError(
        `${this.name}: DBN metadata is corrupt: ${what} at metadata byte ${at} runs past its declared ` +
          `length of ${this.bytes.length} bytes; re-download the file`,
      );
    }
    this.pos += n;
    return at;
  }
  u8(what: string): number {
    return this.bytes[this.need(1, what)]!;
  }
  u16(what: string): number {
    return this.view.getUint16(this.need(2, what), true);
  }
  u32(what: string): number {
    return this.view.getUint32(this.need(4, what), true);
  }
  u64(what: string): bigint {
    return this.view.getBigUint64(this.need(8, what), true);
  }
  skip(n: number, what: string): void {
    this.need(n, what);
  }
  cstr(n: number, what: string): string {
    const at = this.need(n, what);
    const raw = this.bytes.subarray(at, at + n);
    const end = raw.indexOf(0);
    return new TextDecoder().decode(end < 0 ? raw : raw.subarray(0, end));
  }
}

/** Parse the metadata body (the `length` bytes after the 8-byte prefix) of a DBN file of `version`. */
export function parseDbnMetadata(body: Uint8Array, version: number, name: string): DbnMetadata {
  const c = new Cursor(body, name);
  const dataset = c.cstr(DATASET_CSTR_LEN, "dataset");
  const schema = c.u16("schema");
  const startNs = c.u64("start");
  const endNs = c.u64("end");
  const limit = c.u64("limit");
  if (version === 1) c.skip(8, "record_count");
  const stypeIn = c.u8("stype_in");
  const stypeOut = c.u8("stype_out");
  const tsOut = c.u8("ts_out") !== 0;
  const symbolCstrLen = version === 1 ? SYMBOL_CSTR_LEN_V1 : c.u16("symbol_cstr_len");
  c.skip(version === 1 ? RESERVED_V1 : RESERVED_V2, "reserved");
  const schemaDefinitionLength = c.u32("schema_definition_length");
  c.skip(schemaDefinitionLength, "schema definition");
  const list = (what: string) => {
    const n = c.u32(`${what} count`);
    return Array.from({ length: n }, () => c.cstr(symbolCstrLen, what));
  };
  const symbols = list("symbols");
  const partial = list("partial");
  const notFound = list("not_found");
  const nMappings = c.u32("mappings count");
  const mappings: DbnSymbolMapping[] = [];
  for (let i = 0; i < nMappings; i++) {
    const rawSymbol = c.cstr(symbolCstrLen, "mapping raw_symbol");
    const nIntervals = c.u32("mapping interval count");
    const intervals: DbnMappingInterval[] = [];
    for (let j = 0; j < nIntervals; j++) {
      const startDate = c.u32("mapping start_date");
      const endDate = c.u32("mapping end_date");
      intervals.push({ startDate, endDate, symbol: c.cstr(symbolCstrLen, "mapping symbol") });
    }
    mappings.push({ rawSymbol, intervals });
  }
  return {
    version,
    dataset,
    schema: schema === 0xffff ? null : schema,
    startNs: BigInt.asIntN(64, startNs),
    endNs: endNs === UNDEF_TIMESTAMP ? null : BigInt.asIntN(64, endNs),
    limit,
    stypeIn: stypeIn === 0xff ? null : stypeIn,
    stypeOut,
    tsOut,
    symbolCstrLen,
    symbols,
    partial,
    notFound,
    mappings,
  };
}
