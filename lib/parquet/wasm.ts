/**
 * parquet-wasm initialisation. parquet-wasm's node build is CommonJS inside an ESM package, so we load its
 * ESM build and initialise the wasm module synchronously from the .wasm file: beside the bundle when running
 * as a Lambda asset (the stack copies it there), else from node_modules.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import * as pw from "parquet-wasm/esm";

const WASM_FILE = "parquet_wasm_bg.wasm";

/** A bundle (the Lambda asset) ships the .wasm beside itself; from source it comes from node_modules. */
function wasmPath(): string {
  const beside = fileURLToPath(new URL(WASM_FILE, import.meta.url));
  if (existsSync(beside)) return beside;
  return createRequire(import.meta.url).resolve(`parquet-wasm/esm/${WASM_FILE}`);
}

let initialised = false;
/** parquet-wasm module, initialised on first use. */
export function parquetWasm(): typeof pw {
  if (!initialised) {
    pw.initSync({ module: readFileSync(wasmPath()) });
    initialised = true;
  }
  return pw;
}
