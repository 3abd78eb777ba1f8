/**
 * runTask over a calibration store (runTask itself touches no store, STYLE.md): load the records of the days
 * before this one with the spec's lookback (lib/store/lookback.ts), run the day, store the day's calibration
 * for later days. `msor backtest` (localBacktest.ts), the sweep's worker (worker.ts), the bench and tests that
 * chain days use it.
 */
import type { ObjectStore } from "../ports/objectStore.ts";
import { writeCalibration } from "../store/calibration.ts";
import { loadPriorCalibrations } from "../store/lookback.ts";
import { runTask, type TaskInput, type TaskResult } from "../task/runTask.ts";

export interface StoredTaskOptions {
  /** Leave a calibration record that exists as it is (a sweep's backtest: wave 1 wrote it). Default false. */
  readonly keepExistingCalibration?: boolean;
}

export async function runStoredTask(
  store: ObjectStore,
  input: Omit<TaskInput, "prior">,
  options: StoredTaskOptions = {},
): Promise<TaskResult> {
  const prior = await loadPriorCalibrations(store, input.symbol, input.date, {
    lookbackDays: input.spec.calibration.lookback_days,
    maxAgeDays: input.spec.calibration.max_age_days,
  });
  const r = await runTask({ ...input, prior });
  if (r.calibration) {
    await writeCalibration(store, r.calibration, { ifAbsent: options.keepExistingCalibration ?? false });
  }
  return r;
}
