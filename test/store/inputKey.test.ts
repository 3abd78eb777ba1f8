import { posix, win32 } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkDate, checkRunId, checkSymbol, checkVenue, quoteValue } from "../../lib/core/ids.ts";
import {
  DEFAULT_INPUT_KEY_TEMPLATE,
  isRelativeKey,
  ORIGINAL_INPUT_KEY_TEMPLATE,
  parseInputKeyTemplate,
  renderInputKey,
} from "../../lib/store/keys.ts";

describe("input key templates", () => {
  it("renders the default template", () => {
    const t = parseInputKeyTemplate(DEFAULT_INPUT_KEY_TEMPLATE);
    expect(renderInputKey(t, { symbol: "AAPL", date: "2024-06-03", venue: "xnas" })).toBe(
      "mbp10/xnas/AAPL/2024-06-03.parquet",
    );
  });

  it("expresses the original project's form", () => {
    const t = parseInputKeyTemplate(ORIGINAL_INPUT_KEY_TEMPLATE);
    expect(renderInputKey(t, { symbol: "BRK.B", date: "2024-06-03" })).toBe(
      "BRK.B/xnas-itch-20240603.mbp-10.parquet",
    );
    expect(t.placeholders.has("venue")).toBe(false);
  });

  it("accepts Hive-style literal segments", () => {
    const t = parseInputKeyTemplate("raw/venue={venue}/symbol={symbol}/{yyyymmdd}.parquet");
    expect(renderInputKey(t, { symbol: "ES-H6", date: "2024-01-02", venue: "GLBX.MDP3" })).toBe(
      "raw/venue=GLBX.MDP3/symbol=ES-H6/20240102.parquet",
    );
  });

  it.each([
    ["mbp10/{ticker}/{date}.parquet", /unknown placeholder \{ticker\}/],
    ["mbp10/{Symbol}/{date}.parquet", /unknown placeholder \{Symbol\}/],
    ["mbp10/{symbol/{date}.parquet", /unmatched/],
    ["mbp10/symbol}/{date}.parquet", /unmatched/],
    ["/mbp10/{symbol}/{date}.parquet", /absolute path/],
    ["mbp10//{symbol}/{date}.parquet", /empty segment/],
    ["../{symbol}/{date}.parquet", /relative segment '\.\.'/],
    ["a/./{symbol}/{date}.parquet", /relative segment '\.'/],
    ["mbp10/{symbol}/{date}/", /ends with '\/'/],
    ["mbp10\\{symbol}\\{date}.parquet", /backslash/],
    ["mbp10/%2e%2e/{symbol}/{date}", /percent-encoding/],
    ["mbp10\uff0f{symbol}/{date}", /U\+FF0F FULLWIDTH SOLIDUS/],
    ["mbp10 x/{symbol}/{date}", /whitespace/],
    ["mbp10/{venue}/{date}.parquet", /does not use \{symbol\}/],
    ["mbp10/{symbol}.parquet", /neither \{date\} nor \{yyyymmdd\}/],
    ["", /is empty/],
  ])("rejects template %j", (template, reason) => {
    expect(() => parseInputKeyTemplate(template)).toThrow(reason);
    expect(() => parseInputKeyTemplate(template)).toThrow(/invalid input\.key_template/);
  });

  it("needs a venue when the template uses {venue}", () => {
    const t = parseInputKeyTemplate(DEFAULT_INPUT_KEY_TEMPLATE);
    expect(() => renderInputKey(t, { symbol: "AAPL", date: "2024-06-03" })).toThrow(/uses \{venue\}/);
  });
});

describe("key part validation", () => {
  it.each([
    ["../x", /contains '\/'/],
    ["/abs", /absolute path/],
    ["a//b", /contains '\/'/],
    ["", /is empty/],
    [".", /relative path segment/],
    ["..", /relative path segment/],
    ["A..B", /contains '\.\.'/],
    [".A", /starts with "\."/],
    ["-A", /starts with "-"/],
    ["A\\B", /backslash/],
    ["A\u0000B", /NUL/],
    ["A\nB", /control character U\+000A/],
    ["A\u007fB", /control character U\+007F/],
    ["%2e%2e", /percent-encoding/],
    ["\uff0fetc", /U\+FF0F FULLWIDTH SOLIDUS/],
    ["\uff0e\uff0e", /U\+FF0E FULLWIDTH FULL STOP/],
    ["\u2024\u2024", /U\+2024 ONE DOT LEADER/],
    ["AA\u202ELPA", /bidirectional-text control U\+202E/],
    ["AA\u200BPL", /invisible character U\+200B/],
    ["E\u0301", /not in Unicode normal form NFC/],
    ["\u00c9", /non-ASCII character U\+00C9/],
    ["\uff21APL", /non-ASCII character U\+FF21/],
    ["\u2100", /normalizes \(NFKC\) to "a\/c"/],
    ["AAPL AAPL", /whitespace/],
    ["aapl", /lower-case letters \(symbols are upper case: "AAPL"\)/],
    ["ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", /longer than 32/],
    ["A:B", /contains the character ":"/],
    ["A*", /contains the character "\*"/],
  ])("rejects symbol %j with a reason naming field and value", (value, reason) => {
    expect(() => checkSymbol(value, "symbols[3]")).toThrow(reason);
    expect(() => checkSymbol(value, "symbols[3]")).toThrow(`invalid symbols[3] ${quoteValue(value)}:`);
  });

  it("rejects non-strings", () => {
    expect(() => checkSymbol(42, "symbols[0]")).toThrow(/invalid symbols\[0\] 42 \(a number, not a string\)/);
    expect(() => checkVenue(null)).toThrow(/a null, not a string/);
  });

  it("accepts real tickers, venues, run ids and dates", () => {
    for (const s of ["AAPL", "BRK.B", "ES-H6", "SPY", "A", "BF_B", "0700"]) expect(checkSymbol(s)).toBe(s);
    for (const v of ["xnas", "XNAS.ITCH", "GLBX.MDP3", "SYNTH", "v1"]) expect(checkVenue(v)).toBe(v);
    for (const r of ["daily-2024-06-03", "run_1", "R"]) expect(checkRunId(r)).toBe(r);
    expect(checkDate("2024-02-29")).toBe("2024-02-29");
  });

  it("rejects bad run ids and dates", () => {
    expect(() => checkRunId("../r")).toThrow(/invalid run_id "\.\.\/r": contains '\/'/);
    expect(() => checkRunId("a.b")).toThrow(/contains the character "\."/);
    expect(() => checkRunId("x".repeat(65))).toThrow(/longer than 64/);
    expect(() => checkDate("2023-02-29")).toThrow(/is not a date that exists/);
    expect(() => checkDate("2024-6-3")).toThrow(/YYYY-MM-DD/);
    expect(() => checkDate("2024-06-03\n")).toThrow(/YYYY-MM-DD/);
    expect(() => checkDate("\uff12024-06-03")).toThrow(/YYYY-MM-DD/);
    expect(() => checkDate("0099-01-01")).toThrow(/year outside/);
  });

  it("quotes values so control and bidi characters cannot disguise the message", () => {
    expect(quoteValue('a"\u202E\n')).toBe('"a\\"\\u202E\\u000A"');
  });
});

describe("properties", () => {
  const symbolChar = fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");
  const alnum = fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
  const symbol = fc
    .tuple(alnum, fc.array(symbolChar, { maxLength: 15 }))
    .map(([a, rest]) => a + rest.join(""))
    .filter((s) => !s.includes(".."));
  const venue = fc
    .tuple(alnum, fc.array(fc.constantFrom(..."abcxyzXNAS019._-"), { maxLength: 20 }))
    .map(([a, rest]) => a + rest.join(""))
    .filter((s) => !s.includes(".."));
  const date = fc
    .date({
      min: new Date("1990-01-01T00:00:00Z"),
      max: new Date("2090-12-31T00:00:00Z"),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString().slice(0, 10));
  const templates = [
    DEFAULT_INPUT_KEY_TEMPLATE,
    ORIGINAL_INPUT_KEY_TEMPLATE,
    "p/{venue}{symbol}/{yyyymmdd}{date}",
    "{symbol}.{venue}.{date}",
  ].map((t) => parseInputKeyTemplate(t));

  it("every accepted symbol/date/venue renders to a key that stays under its prefix", () => {
    fc.assert(
      fc.property(symbol, venue, date, fc.constantFrom(...templates), (s, v, d, t) => {
        const key = renderInputKey(t, { symbol: checkSymbol(s), date: checkDate(d), venue: checkVenue(v) });
        expect(isRelativeKey(key)).toBe(true);
        // same number of segments as the template: values never add or remove a '/'
        expect(key.split("/").length).toBe(t.template.split("/").length);
        expect(posix.normalize(key)).toBe(key);
        for (const prefix of ["/data/root", "s3prefix/in"]) {
          expect(posix.join(prefix, key).startsWith(`${prefix}/`)).toBe(true);
          expect(win32.join(prefix, key).startsWith(win32.normalize(`${prefix}/`))).toBe(true);
        }
      }),
    );
  });

  it("any string either is rejected or is a plain key segment", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), fc.string({ unit: "binary" })),
        (s) => {
          for (const check of [checkSymbol, checkVenue, checkRunId]) {
            let ok: string | undefined;
            try {
              ok = check(s);
            } catch (e) {
              expect((e as Error).message).toMatch(/^invalid (symbol|venue|run_id) /);
            }
            if (ok !== undefined) {
              expect(ok).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);
              expect(ok.includes("..")).toBe(false);
            }
          }
        },
      ),
    );
  });
});
