/** DuckDB reads the generated file: same checksum as our reader, Databento's 74 columns, the planted metadata. */
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { writeSyntheticDay } from "../../lib/synth/write.ts";
import { readBack, tempDir } from "./helpers.ts";

const dir = tempDir();

describe("DuckDB interop", () => {
  it("agrees with Mbp10File on rows, sum(size) and sum(bid_px_00)", async () => {
    const path = join(dir, "duck.parquet");
    const { rows: written, planted } = await writeSyntheticDay(path, {
      symbol: "DUCK",
      date: "2024-02-07",
      venues: 3,
      eventsPerVenue: 30_000,
      seed: 9,
    });
    let rows = 0;
    let sizes = 0;
    let bids = 0;
    await readBack(path, (b) => {
      rows += b.length;
      for (let i = 0; i < b.length; i++) {
        sizes += b.size[i]!;
        if (!Number.isNaN(b.bidPx[0]![i]!)) bids += b.bidPx[0]![i]!;
      }
    });
    expect(rows).toBe(written);

    const inst = await DuckDBInstance.create(":memory:");
    const con = await inst.connect();
    try {
      const sql = (q: string) => con.runAndReadAll(q).then((r) => r.getRows());
      const f = `read_parquet('${path}')`;
      const [[n, sumSize, sumBid]] = (await sql(
        `select count(*), sum(size), sum(bid_px_00) filter (where not isnan(bid_px_00)) from ${f}`,
      )) as [[bigint, bigint | number, number]];
      expect(Number(n)).toBe(rows);
      expect(Number(sumSize)).toBe(sizes);
      expect(sumBid).toBeCloseTo(bids, 3);

      const cols = await sql(`select count(*) from (describe select * from ${f})`);
      expect(Number(cols[0]![0])).toBe(74);
      const [[pubs, instruments, minLat, maxLat, groups]] = (await sql(
        `select count(distinct publisher_id), count(distinct instrument_id),
                min(epoch_ns(ts_recv) - epoch_ns(ts_event)), max(epoch_ns(ts_recv) - epoch_ns(ts_event)),
                (select count(*) from parquet_metadata('${path}') where column_id = 0)
         from ${f}`,
      )) as [[bigint, bigint, bigint, bigint, bigint]];
      expect(Number(pubs)).toBe(3);
      expect(Number(instruments)).toBe(1);
      expect(Number(minLat)).toBeGreaterThanOrEqual(0);
      expect(Number(maxLat)).toBeLessThan(20_000); // a few microseconds
      expect(Number(groups)).toBe(Math.ceil(rows / 65_536));

      const kv = await sql(
        `select decode(value) from parquet_kv_metadata('${path}') where key = 'msor.planted'`,
      );
      const stored = JSON.parse(String(kv[0]![0]));
      expect(stored).toEqual(planted);
    } finally {
      con.closeSync();
    }
  });
});
