/**
 * Which symbol a DBN file's records are labelled with (and, in a multi-symbol file, which instruments are kept):
 * from --symbol or the file's metadata. Shared by the MBP-10 and the MBO importers.
 */
import { InputError } from "../../core/errors.ts";
import { checkSymbol } from "../../core/ids.ts";
import type { DbnMetadata } from "./metadata.ts";

/** DBN stype code of instrument ids (what mapping intervals hold when stype_out is instrument_id). */
const STYPE_INSTRUMENT_ID = 0;

export interface DbnSymbolChoice {
  readonly symbol: string;
  /** Instruments to keep (multi-symbol files); undefined = keep all records. */
  readonly instrumentIds?: ReadonlySet<number>;
}

function listed(names: readonly string[]): string {
  return names.slice(0, 8).join(", ") + (names.length > 8 ? `, ... (${names.length} in all)` : "");
}

/** The symbol to label the records with, from `requested` or the metadata (symbols, then mappings). */
export function chooseDbnSymbol(md: DbnMetadata, name: string, requested?: string): DbnSymbolChoice {
  const fromSymbols = md.symbols.filter((s) => s !== "" && s !== "ALL_SYMBOLS");
  const known = fromSymbols.length > 0 ? fromSymbols : md.mappings.map((m) => m.rawSymbol);
  if (requested !== undefined) {
    const symbol = checkSymbol(requested);
    if (known.length <= 1) return { symbol };
    const mapping = md.mappings.find((m) => m.rawSymbol === symbol);
    const ids = mapping?.intervals.map((i) => Number(i.symbol)) ?? [];
    if (!mapping || md.stypeOut !== STYPE_INSTRUMENT_ID || ids.some((id) => !Number.isInteger(id))) {
      throw new InputError(
        `${name} holds ${known.length} symbols (${listed(known)}) and no instrument-id mapping for "${symbol}"; ` +
          "pass one of the listed symbols",
      );
    }
    return { symbol, instrumentIds: new Set(ids) };
  }
  if (known.length === 0) {
    throw new InputError(`${name} names no symbol in its DBN metadata; pass --symbol to label the records`);
  }
  if (known.length > 1) {
    throw new InputError(
      `${name} holds ${known.length} symbols (${listed(known)}); pass --symbol to import one`,
    );
  }
  try {
    return { symbol: checkSymbol(known[0]!) };
  } catch (e) {
    throw new InputError(`${name}: ${(e as Error).message}; pass --symbol to label the records`);
  }
}
