/** Every `msor` sub-command, in the order `msor --help` lists them. */
import type { Command } from "commander";
import { registerImport } from "./import.ts";
import { registerInspect } from "./inspect.ts";
import { registerRoute } from "./route.ts";

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [registerImport, registerInspect, registerRoute];
