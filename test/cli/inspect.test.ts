/**
 * msor inspect --instrument NAME: the trading day and the session coverage on the instrument's calendar (a
 * synthetic ES day is trading day D from 18:00 New York on D-1, not "a Sunday covering 0% of 09:30-16:00"),
 * and MBO Parquet input (told by its columns, replayed as its derived MBP-10).
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { sessionOf } from "../../lib/core/calendars.ts";
import { ES } from "../../lib/core/instrument.ts";
import { newYorkClockToUtcNs } from "../../lib/core/session.ts";
import { writeSyntheticFuturesDay } from "../../lib/synth/futures.ts";
import { runMain } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();
const es = join(dir, "ESH4-2024-03-04.parquet");
const mbo = join(dir, "syn.mbo.parquet");

beforeAll(async () => {
  await writeSyntheticFuturesDay(
    es,
    { symbol: "ESH4", date: "2024-03-04", venues: 1, eventsPerVenue: 5_000 },
    ES,
  );
  const g = await runMain([
    ...["generate", "--mbo", "uniform", "--symbol", "SYN", "--date", "2024-03-05"],
    ...["--events", "3000", "--seed", "4", "--out", mbo],
  ]);
  expect(g.code, g.err).toBe(0);
}, 60_000);

interface Session {
  date: string;
  first_local: string;
  last_local: string;
  first_local_date: string;
  instrument: string;
  calendar: string;
  not_trading_day: string;
  session_coverage: number;
}

async function inspectJson(args: string[]) {
  const r = await runMain(["inspect", ...args, "--json"]);
  expect(r.code, r.err).toBe(0);
  return JSON.parse(r.out) as {
    files: { format: string; rows: number; levels: number }[];
    quality: { rows: number; first_ts: string; last_ts: string };
    session: Session;
  };
}

describe("msor inspect --instrument", () => {
  it("a synthetic ES day is trading day D on the Globex calendar, covering its 23-hour session", async () => {
    const j = await inspectJson([es, "--instrument", "ES"]);
    const s = sessionOf(ES.calendar, "2024-03-04");
    const lastNs = BigInt(Date.parse(j.quality.last_ts)) * 1_000_000n;
    expect(j.session).toMatchObject({
      date: "2024-03-04",
      first_local_date: "2024-03-03",
      first_local: "18:00:00.000",
      instrument: "ES",
      calendar: "cme-globex-equity",
      not_trading_day: "",
    });
    // the last record is just before 16:00 of D: (16:00 - 18:00 the evening before) of the 23 hours, ms-rounded
    expect(j.session.session_coverage).toBeCloseTo(
      Number(lastNs - s.openNs) / Number(s.closeNs - s.openNs),
      6,
    );
    expect(j.session.session_coverage).toBeGreaterThan(21.9 / 23);
    const text = await runMain(["inspect", es, "--instrument", "ES"]);
    expect(text.out).toMatch(
      /New York 2024-03-03 18:00:00\.000 \.\. 2024-03-04 15:59:\d\d\.\d{3}: trading day 2024-03-04 of ES \(calendar cme-globex-equity\); covers 95\.\d% of the session 18:00 New York on D-1 to 17:00 on D/,
    );
    // read as an equity the same file is a Sunday; the line says what to do
    const equity = await runMain(["inspect", es]);
    expect(equity.out).toContain("(NOT an NYSE trading day: Sunday)");
    expect(equity.out).toContain("--instrument ES reads the span on the Globex calendar");
  });

  it("an MBO Parquet file is inspected as its derived MBP-10, on either calendar", async () => {
    const j = await inspectJson([mbo]);
    expect(j.files).toHaveLength(1);
    expect(j.files[0]).toMatchObject({ format: "mbo", levels: 10 });
    expect(j.files[0]!.rows).toBeGreaterThan(3000);
    expect(j.quality.rows).toBeGreaterThan(0);
    expect(j.session).toMatchObject({
      date: "2024-03-05",
      first_local: "09:30:00.000",
      instrument: "equity-us",
    });
    const firstNs = BigInt(Date.parse(j.quality.first_ts)) * 1_000_000n;
    expect(firstNs).toBe(newYorkClockToUtcNs("2024-03-05", "09:30"));
    const g = await inspectJson([mbo, "--instrument", "ES"]);
    const s = sessionOf(ES.calendar, "2024-03-05");
    expect(g.session).toMatchObject({
      date: "2024-03-05",
      first_local_date: "2024-03-05",
      calendar: "cme-globex-equity",
    });
    expect(g.session.session_coverage).toBeCloseTo(
      j.session.session_coverage * (6.5 / 23), // the same span over 23 hours instead of 6.5
      6,
    );
    expect(Number(s.closeNs - s.openNs)).toBe(23 * 3600e9);
    const text = await runMain(["inspect", mbo]);
    expect(text.out).toMatch(
      /MBO: [\d,]+ records in 1 row groups, \d+ columns, .*derived MBP-10 \(10 levels\)/,
    );
  });

  it("refuses an MBO file merged with others, and an unknown instrument", async () => {
    const two = await runMain(["inspect", mbo, es]);
    expect(two.code).toBe(2);
    expect(two.err).toMatch(/an MBO file is one symbol-day on its own .*syn\.mbo\.parquet.*inspect it alone/);
    const bad = await runMain(["inspect", es, "--instrument", "NQ"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/NQ/);
  });
});
