/** The one key layout (DESIGN.md storage layout): every builder's exact output, and refusals of unsafe ids. */
import { describe, expect, it } from "vitest";
import { EXECUTIONS } from "../../lib/results/tables.ts";
import {
  calibrationDateOfKey,
  calibrationKey,
  calibrationSymbolPrefix,
  inputKey,
  manifestKey,
  parseCalibrationPath,
  reportKey,
  resultKey,
  resultRunPrefix,
  statusKey,
  summaryKey,
  summaryLockKey,
  taskIdOfMarkerKey,
  taskMarkerKey,
  taskMarkerPrefix,
} from "../../lib/store/keys.ts";

describe("storage keys", () => {
  it("builds the calibration keys", () => {
    expect(calibrationSymbolPrefix("ABC", 1)).toBe("calibration/v=1/symbol=ABC/");
    expect(calibrationKey("ABC", "2024-03-12", "fits", 2)).toBe(
      "calibration/v=2/symbol=ABC/date=2024-03-12/fits.parquet",
    );
    expect(
      calibrationDateOfKey("ABC", 1, "calibration/v=1/symbol=ABC/date=2024-03-12/calibration.parquet"),
    ).toBe("2024-03-12");
    expect(calibrationDateOfKey("ABC", 1, "calibration/v=1/symbol=ABC/date=2024-03-12/fits.parquet")).toBe(
      undefined,
    );
    expect(
      calibrationDateOfKey("ABC", 1, "calibration/v=2/symbol=ABC/date=2024-03-12/calibration.parquet"),
    ).toBe(undefined);
  });

  it("parses a path to a calibration record folder or file", () => {
    expect(parseCalibrationPath("out/calibration/v=1/symbol=ABC/date=2024-03-12")).toEqual({
      root: "out",
      version: 1,
      symbol: "ABC",
      date: "2024-03-12",
    });
    expect(parseCalibrationPath("calibration/v=3/symbol=X.Y/date=2024-03-12/profile.parquet")).toEqual({
      root: ".",
      version: 3,
      symbol: "X.Y",
      date: "2024-03-12",
    });
    expect(parseCalibrationPath("out/calibration/v=1/symbol=ABC")).toBe(undefined);
  });

  it("builds the result keys", () => {
    expect(resultKey(EXECUTIONS, "r1", "2024-03-12", "ABC")).toBe(
      "results/executions/run_id=r1/date=2024-03-12/ABC.parquet",
    );
    expect(resultRunPrefix("fills", "r1")).toBe("results/fills/run_id=r1/");
    expect(summaryKey("r1")).toBe("results/summary/run_id=r1/summary.parquet");
  });

  it("builds the run keys", () => {
    expect(manifestKey("r1")).toBe("runs/r1/manifest.json");
    expect(statusKey("r1")).toBe("runs/r1/status.json");
    expect(reportKey("r1")).toBe("runs/r1/report.html");
    expect(summaryLockKey("r1")).toBe("runs/r1/summary.lock");
    expect(taskMarkerPrefix("r1")).toBe("runs/r1/tasks/");
    expect(taskMarkerKey("r1", "ABC-2024-03-12")).toBe("runs/r1/tasks/ABC-2024-03-12.json");
    expect(taskIdOfMarkerKey("r1", "runs/r1/tasks/ABC-2024-03-12.json")).toBe("ABC-2024-03-12");
    expect(taskIdOfMarkerKey("r1", "runs/r2/tasks/ABC-2024-03-12.json")).toBe(undefined);
    expect(taskIdOfMarkerKey("r1", "runs/r1/status.json")).toBe(undefined);
  });

  it("builds the default input key", () => {
    expect(inputKey("SYNTH", "ABC", "2024-03-12")).toBe("mbp10/SYNTH/ABC/2024-03-12.parquet");
  });

  it("refuses identifiers that could escape their prefix", () => {
    expect(() => resultKey(EXECUTIONS, "../x", "2024-03-12", "ABC")).toThrow(/invalid run_id "\.\.\/x"/);
    expect(() => resultKey(EXECUTIONS, "r1", "2024-02-30", "ABC")).toThrow(/date/);
    expect(() => calibrationKey("../ABC", "2024-03-12", "fits")).toThrow(/symbol/);
    expect(() => taskMarkerKey("r1", "../../x")).toThrow(/task id/);
    expect(() => taskMarkerKey("r1", "a/b")).toThrow(/task id/);
    expect(() => calibrationSymbolPrefix("ABC", 0)).toThrow(/version/);
    expect(() => inputKey("../v", "ABC", "2024-03-12")).toThrow(/venue/);
  });
});
