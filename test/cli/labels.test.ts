/**
 * Unit labels and help texts say what is true for the instrument (review 1.4): msor calibrate --instrument ES
 * prints contracts, price units and the Globex session (an equity calibration keeps its $ / shares / 09:30-16:00
 * line word for word); import dbn's --out is MBO Parquet for MBO input; the sweep and generate summaries are not
 * NYSE- or MBP-10-only; generate's venues are named as the files carry them.
 */
import { describe, expect, it } from "vitest";
import { calibrateUnits } from "../../lib/cli/commands/calibrate.ts";
import { ES } from "../../lib/core/instrument.ts";
import { publisherName } from "../../lib/mbp10/venues.ts";
import { VENUE_PUBLISHERS } from "../../lib/synth/options.ts";
import { runMain } from "../helpers/cli.ts";

describe("instrument units in texts", () => {
  it("calibrate's units line: equity unchanged, ES in contracts, price units and its session", () => {
    expect(calibrateUnits()).toBe(
      "units: events = records; volume = the day's traded shares (V_d); session_coverage = share of the 09:30-16:00 session the data spans; " +
        "sigma_daily = root sum of squared 1-min mid log returns (unitless, per day); half_spread = $ (time-weighted national); " +
        "lambda = own impact in daily sigmas per fraction of V_d (unitless); half_life_s = its decay half-life, s (best R^2 of the candidates); " +
        "r2 = uncentered R^2 of that fit; lambda_usd = lambda x sigma_daily x mean mid / V_d, $ per share; " +
        "ofi_coef = $ mid move over the OFI horizon per unit of depth-normalised OFI; seconds = time to calibrate",
    );
    const es = calibrateUnits(ES);
    expect(es).toContain("volume = the day's traded contracts (V_d)");
    expect(es).toContain(
      "share of the session (18:00 New York on D-1 to 17:00 on D (17:00-18:00 halt)) the data spans",
    );
    expect(es).toContain("half_spread = price units (x 50 = $ per contract)");
    expect(es).toContain("price units per contract");
    expect(es).not.toMatch(/shares|09:30-16:00|half_spread = \$|, \$ per/);
  });

  it("help texts: import dbn --out, the sweep and generate summaries, generate's venue names", async () => {
    const top = await runMain(["--help"]);
    expect(top.out).not.toContain("NYSE trading days");
    expect(top.out.replace(/\s+/g, " ")).toContain(
      "sweep run a sweep (symbols x trading days of their instrument's calendar, docs/sweep-spec.md)",
    );
    expect(top.out).not.toContain("synthetic MBP-10 day");
    const dbn = await runMain(["import", "dbn", "--help"]);
    expect(dbn.out.replace(/\s+/g, " ")).toContain(
      "--out <file> (required) output Parquet file: MBP-10 for MBP-10 input, MBO for MBO input",
    );
    const gen = await runMain(["generate", "--help"]);
    const flat = gen.out.replace(/\s+/g, " ");
    const names = VENUE_PUBLISHERS.map(publisherName);
    expect(names).toEqual(["XNAS.ITCH", "XNYS.PILLAR", "EDGX.PITCH", "MEMX.MEMOIR"]);
    expect(flat).toContain(`number of venues 1..4: ${names.join(", ")} in this order`);
    expect(flat).toContain("GLBX.MDP3 and then those");
  });
});
