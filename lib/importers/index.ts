/** Importers: LOBSTER and Databento (DBN, CSV) -> MBP-10 Parquet in Databento's layout. */
export { type CsvImportOptions, databentoCsvBatches, importDatabentoCsv } from "./csv/import.ts";
export { DbnReader, type DbnRecordCounts } from "./dbn/decoder.ts";
export { type DbnImportOptions, importDbn } from "./dbn/import.ts";
export type { DbnMetadata } from "./dbn/metadata.ts";
export { chooseDbnSymbol } from "./dbn/symbols.ts";
export {
  importLobster,
  type LobsterImportOptions,
  lobsterBatches,
  newLobsterStats,
} from "./lobster/import.ts";
export type { ImportSummary } from "./output.ts";
export { IMPORT_BATCH_ROWS } from "./sink.ts";
