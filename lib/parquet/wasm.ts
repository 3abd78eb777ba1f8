/**
 * parquet-wasm initialisation. parquet-wasm's node build is CommonJS inside an ESM package, so we load its
 * ESM build and initialise the wasm module synchronously from the .wasm file: beside the bundle when running
 * as a Lambda asset (the stack copies it there), else from node_modules.
 *
 * Traps. On some corrupt pages parquet-wasm panics (`RuntimeError: unreachable`). Its async reads run the
 * decode in a microtask of their own (wasm-bindgen futures, through the global `queueMicrotask`), so the
 * trap would be an uncaught exception that ends the thread, and the read's promise would never settle. The
 * guard installed at initialisation wraps those microtasks: a wasm RuntimeError while a guarded call is
 * pending rejects that call with it instead (the caller reports the file as corrupt); any other exception,
 * or a trap with no guarded call pending, is rethrown as before. Guarded calls run one at a time in a thread,
 * so a trap is always the pending call's own (decodes are CPU-bound anyway). After a trap parquet-wasm's memory
 * is in an undefined state: `guarded` refuses every later call in this thread (RetryableError), and so does
 * the writer; the entry points replace the thread or process (`parquetWasmStopped`). (A trap inside one of
 * parquet-wasm's synchronous calls, e.g. the metadata getters, is an ordinary exception of that call.)
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import * as pw from "parquet-wasm/esm";
import { RetryableError } from "../core/errors.ts";

/** parquet-wasm's module file name: a bundle ships it beside itself (the Lambda asset, the pool's threads). */
export const WASM_FILE = "parquet_wasm_bg.wasm";

/** The .wasm file: beside the bundle that runs this; from source, parquet-wasm's in node_modules. */
export function wasmPath(): string {
  const beside = fileURLToPath(new URL(WASM_FILE, import.meta.url));
  if (existsSync(beside)) return beside;
  return createRequire(import.meta.url).resolve(`parquet-wasm/esm/${WASM_FILE}`);
}

let initialised = false;
/** parquet-wasm module, initialised on first use. */
export function parquetWasm(): typeof pw {
  if (!initialised) {
    guardTraps();
    pw.initSync({ module: readFileSync(wasmPath()) });
    initialised = true;
  }
  return pw;
}

let stopped: WebAssembly.RuntimeError | undefined;

/** The trap that stopped parquet-wasm in this thread, if one did. */
export function parquetWasmStopped(): WebAssembly.RuntimeError | undefined {
  return stopped;
}

/** The error every parquet-wasm use gets once it trapped in this thread. */
export function refuseIfStopped(): void {
  if (stopped) {
    throw new RetryableError(
      `parquet-wasm stopped earlier in this thread (${stopped.message}, on a corrupt file) and cannot decode until the thread restarts`,
    );
  }
}

let pending: ((e: unknown) => void) | undefined;
/** The last guarded call of this thread: the next one starts after it settles. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * A parquet-wasm call's promise, rejected with the trap if parquet-wasm traps before it settles. Calls run
 * one after another (see the module doc).
 */
export function guarded<T>(call: () => Promise<T>): Promise<T> {
  const run = queue.then(
    () =>
      new Promise<T>((resolve, reject) => {
        refuseIfStopped();
        pending = reject;
        let p: Promise<T>;
        try {
          p = call();
        } catch (e) {
          pending = undefined;
          throw e;
        }
        p.then(resolve, reject).finally(() => {
          if (pending === reject) pending = undefined;
        });
      }),
  );
  queue = run.catch(() => undefined);
  return run;
}

let guardInstalled = false;
function guardTraps(): void {
  if (guardInstalled) return;
  guardInstalled = true;
  const original = globalThis.queueMicrotask;
  globalThis.queueMicrotask = (callback: () => void) =>
    original(() => {
      try {
        callback();
      } catch (e) {
        const reject = pending;
        if (!(e instanceof WebAssembly.RuntimeError) || !reject) throw e;
        stopped = e;
        pending = undefined;
        reject(e);
      }
    });
}
