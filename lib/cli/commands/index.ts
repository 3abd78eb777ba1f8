/** Every `msor` sub-command, in the order `msor --help` lists them. */
import type { Command } from "commander";
import { registerBacktest } from "./backtest.ts";
import { registerCalibrate } from "./calibrate.ts";
import { registerDemo } from "./demo.ts";
import { registerGenerate } from "./generate.ts";
import { registerImport } from "./import.ts";
import { registerInspect } from "./inspect.ts";
import { registerQuery } from "./query.ts";
import { registerReport } from "./report.ts";
import { registerRoute } from "./route.ts";
import { registerRuns } from "./runs.ts";
import { registerSpec } from "./spec.ts";
import { registerStatus } from "./status.ts";
import { registerSweep } from "./sweep.ts";

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [
  registerGenerate,
  registerImport,
  registerInspect,
  registerCalibrate,
  registerRoute,
  registerBacktest,
  registerReport,
  registerSpec,
  registerSweep,
  registerStatus,
  registerRuns,
  registerQuery,
  registerDemo,
];
