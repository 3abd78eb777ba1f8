import * as arrow from "apache-arrow";
import { parseRecordBatch } from "arrow-js-ffi";
import { fileSource } from "../lib/ports/fileSource.ts";
import { openParquet } from "../lib/parquet/read.ts";
import { engineColumns } from "../lib/mbp10/schema.ts";
import { parquetWasm } from "../lib/parquet/wasm.ts";
import { rawEngineBatch } from "../lib/mbp10/reader.ts";
const path = process.argv[2]!; const mode = process.argv[3]!; const per = Number(process.argv[4] ?? 1000);
const pw = parquetWasm();
const src = await fileSource(path);
const pq = await openParquet(src);
const cols = engineColumns(10);
const pool = new Map<string, ArrayBuffer[]>();
for (let rep = 0; rep < 4; rep++) {
  const t0 = performance.now();
  let sum = 0;
  for (let rg = 0; rg < pq.rowGroupRows.length; rg++) {
    const rows = pq.rowGroupRows[rg]!;
    const parts: arrow.Table[] = [];
    for (let i = 0; i < cols.length; i += per) {
      const cs = cols.slice(i, i + per);
      const t = await pq.file.read({ rowGroups: [rg], batchSize: rows, columns: cs });
      if (mode === "ipc") {
        for (const rb of t.recordBatches()) parts.push(arrow.tableFromIPC(rb.intoIPCStream()));
        continue;
      }
      const s = t.intoFFI();
      const rb = parseRecordBatch(pw.wasmMemory().buffer, s.arrayAddr(0), s.schemaAddr(), mode === "ffi-copy");
      if (mode === "ffi-view") {
        // copy every child's values into a fresh/pool buffer
        for (const c of rb.schema.fields) {
          const d = rb.getChild(c.name)!.data[0]!;
          const v = d.values as ArrayBufferView; const vo = (d as any).valueOffsets as Int32Array | undefined;
          const out = new Uint8Array(v.byteLength); out.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
          if (vo) { const o2 = new Int32Array(vo.length); o2.set(vo); }
          sum += out.length;
        }
      } else parts.push(new arrow.Table(rb));
      s.free();
    }
    if (parts.length) { let t = parts[0]!; for (const p of parts.slice(1)) t = t.assign(p); const b = rawEngineBatch(t, 10, "x"); sum += b.length; }
  }
  console.log(mode, per, (performance.now() - t0).toFixed(0), "ms", sum, "rss", (process.memoryUsage().rss / 1e6).toFixed(0));
}
