import * as arrow from "apache-arrow";
import { fileSource } from "../lib/ports/fileSource.ts";
import { openParquet } from "../lib/parquet/read.ts";
import { engineColumns } from "../lib/mbp10/schema.ts";
import { parquetWasm } from "../lib/parquet/wasm.ts";
const path = process.argv[2]!; const mode = process.argv[3]!; const per = Number(process.argv[4] ?? 1000);
const pw = parquetWasm();
const src = await fileSource(path);
const pq = await openParquet(src);
const cols = engineColumns(10);
const types = cols.map((c) => pq.schema.fields.find((f) => f.name === c)!.type.toString());
if (mode === "types") { console.log(cols.map((c, i) => c + ":" + types[i]).join(" ")); process.exit(0); }
const W = types.map((t) => (t.startsWith('Uint8') ? 1 : t.startsWith('Uint16') ? 2 : t.startsWith('Uint32') ? 4 : 8));
const pool: ArrayBuffer[][] = [];
for (let rep = 0; rep < 4; rep++) {
  const t0 = performance.now();
  let sum = 0;
  for (let rg = 0; rg < pq.rowGroupRows.length; rg++) {
    const rows = pq.rowGroupRows[rg]!;
    for (let i = 0; i < cols.length; i += per) {
      const cs = cols.slice(i, i + per);
      const t = await pq.file.read({ rowGroups: [rg], batchSize: rows, columns: cs });
      if (mode === "read") { sum += t.numBatches; t.free(); continue; }
      if (mode === "ipc") {
        for (const rb of t.recordBatches()) sum += arrow.tableFromIPC(rb.intoIPCStream()).numRows;
        continue;
      }
      if (mode === "ffi") {
        const s = t.intoFFI();
        const mem = pw.wasmMemory().buffer;
        const dv = new DataView(mem);
        for (let c = 0; c < cs.length; c++) {
          const a = s.arrayAddr(0, c);
          const len = Number(dv.getBigInt64(a, true));
          const nb = Number(dv.getBigInt64(a + 24, true));
          const bufs = dv.getUint32(a + 40, true);
          const vals = dv.getUint32(bufs + 4 * (nb - 1), true); // last buffer: values (or utf8 data)
          const bytes = nb === 3 ? dv.getInt32(dv.getUint32(bufs + 4, true) + 4 * len, true) : len * W[i + c]!;
          const out = new Uint8Array(bytes);
          out.set(new Uint8Array(mem, vals, bytes));
          sum += out.length;
        }
        s.free();
      }
    }
  }
  console.log(mode, per, (performance.now() - t0).toFixed(0), "ms", sum);
}
