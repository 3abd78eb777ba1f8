/** Every `msor` sub-command, in the order `msor --help` lists them. */
import type { Command } from "commander";
import { registerBacktest } from "./backtest.ts";
import { registerCalibrate } from "./calibrate.ts";
import { registerGenerate } from "./generate.ts";
import { registerImport } from "./import.ts";
import { registerInspect } from "./inspect.ts";
import { registerReport } from "./report.ts";
import { registerRoute } from "./route.ts";
import { registerSpec } from "./spec.ts";

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
];
