/** Every `msor` sub-command, in the order `msor --help` lists them. */
import type { Command } from "commander";
import { registerInspect } from "./inspect.ts";

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [registerInspect];
