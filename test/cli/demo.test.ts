/**
 * msor demo on a tiny input: every command it prints for the user to run again starts with `npx msor`
 * (the bin is not on PATH on a fresh clone), and the sweep it runs finishes. A second demo with the same
 * settings says it reuses the folder; with other settings (issue 24.1: DEMO_EVENTS) it makes input and
 * results again instead of showing the old numbers; --json prints one object.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { demoSettings, previousDemo, settingsChanges } from "../../lib/cli/commands/demo.ts";
import { runMain } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();
const out = join(dir, "d");

describe("msor demo", () => {
  it("prints the commands as npx msor ...; reuses a folder of the same settings, remakes one of others", async () => {
    const args = ["demo", "--out", out, "--workers", "1"];
    const first = await runMain([...args, "--events", "1000"]);
    expect(first.code, first.err).toBe(0);
    const commands = first.out.split("\n").filter((l) => /^(npx )?msor /.test(l.trim()));
    expect(commands.map((l) => l.trim().split(" ").slice(0, 3).join(" "))).toEqual([
      "npx msor sweep",
      "npx msor query",
      "npx msor status",
    ]);
    expect(first.out).toMatch(
      /run demo: 33 ok, 0 failed, 0 dead-lettered of 33 tasks; 25 of 25 compaction tasks ok\n/,
    );
    expect(first.out).toContain("(18 of 18 symbol-days generated)");
    expect(JSON.parse(readFileSync(join(out, "demo-settings.json"), "utf8"))).toMatchObject({
      events_per_venue_day: 1000,
    });

    // the cost tables fit a 120-column console and say which columns they left out (issue 24.6)
    const lines = first.out.split("\n");
    const from = lines.findIndex((l) => /^strategy\s+calibration\s+orders/.test(l));
    const to = lines.findIndex((l) => l.startsWith("(left out to fit 120 columns: "));
    expect(from).toBeGreaterThan(0);
    expect(to).toBeGreaterThan(from);
    for (const l of lines.slice(from, to)) expect(l.length, l).toBeLessThanOrEqual(120);
    expect(lines[to]).toMatch(/--wide prints every column\)$/);
    // one sign convention, said where the numbers are: candidate - baseline, negative = saves
    expect(first.out).toContain(
      "paired differences, strategy - vs (bps; negative = the strategy is cheaper: the router or the alpha saves):",
    );
    expect(lines.find((l) => l.startsWith("effect "))).toMatch(/^effect\s+strategy\s+vs\s+/);
    expect(first.out).toMatch(/^routing\s+twap\/sor\s+twap\/market\s/m);
    expect(first.out).not.toMatch(/\bgains?\b/);

    const again = await runMain([...args, "--events", "1000", "--wide"]);
    expect(again.code, again.err).toBe(0);
    expect(again.out).toContain(
      `reusing ${out} (made earlier with the same settings; delete it to start afresh)`,
    );
    expect(again.out).toContain("(all reused)");
    expect(again.out).toContain(`run demo finished earlier in ${join(out, "results-root")}`);
    expect(again.out).not.toContain("(left out to fit");
    expect(again.out).toMatch(
      /^strategy\s+calibration\s+orders\s+no_data\s+fill_rate\s+is_bps\s+impact_bps/m,
    );

    const other = await runMain([...args, "--events", "1200", "--json"]);
    expect(other.code, other.err).toBe(0);
    const j = JSON.parse(other.out);
    expect(j.reused).toBe(false);
    expect(j.regenerated).toEqual(["events per venue day 1000 -> 1200"]);
    expect(j.generated_symbol_days).toBe(18);
    expect(j.sweep.state).toBe("planned"); // a new run, not the finished one of 1000 events
    expect(j.sweep.progress).toMatchObject({ planned: 33, ok: 33, finished: true });
    expect(j.query.rows.length).toBeGreaterThan(0);
    expect(j.report).toBe(join(out, "results-root", "runs/demo/report.html"));
  }, 300_000);

  it("refuses a folder it did not write, and names what changed", () => {
    const foreign = join(dir, "foreign");
    mkdirSync(join(foreign, "input"), { recursive: true });
    writeFileSync(join(foreign, "sweep.yaml"), "run_id: mine\n");
    expect(() => previousDemo(foreign, demoSettings(1000))).toThrow(
      /holds input\/ or results-root\/ that msor demo did not write \(no demo-settings\.json or sweep\.yaml of its own\)/,
    );
    expect(previousDemo(join(dir, "none"), demoSettings(1000))).toEqual({ kind: "fresh" });
    // a demo stopped while generating: its settings file, part of the input, no spec yet -> resumed, not refused
    const stopped = join(dir, "stopped");
    mkdirSync(join(stopped, "input"), { recursive: true });
    writeFileSync(join(stopped, "demo-settings.json"), JSON.stringify(demoSettings(1000)));
    expect(previousDemo(stopped, demoSettings(1000))).toEqual({ kind: "same" });
    expect(previousDemo(stopped, demoSettings(3000))).toEqual({
      kind: "changed",
      changes: ["events per venue day 1000 -> 3000"],
    });
    expect(settingsChanges({}, demoSettings(2000))[0]).toBe('version "unknown" -> 2');
    expect(settingsChanges(demoSettings(2000), demoSettings(2000))).toEqual([]);
  });
});
