/**
 * parquet-wasm initialisation. parquet-wasm's node build is CommonJS inside an ESM package, so we load its
 * ESM build and initialise the wasm module synchronously from the packaged .wasm file.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as pw from "parquet-wasm/esm";

let initialised = false;
/** parquet-wasm module, initialised on first use. */
export function parquetWasm(): typeof pw {
  if (!initialised) {
    const wasmPath = createRequire(import.meta.url).resolve("parquet-wasm/esm/parquet_wasm_bg.wasm");
    pw.initSync({ module: readFileSync(wasmPath) });
    initialised = true;
  }
  return pw;
}
