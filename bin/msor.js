#!/usr/bin/env node
// Entry point of the `msor` command: registers the TypeScript loader (tsx), then runs the CLI.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../lib/cli/main.ts");
process.exitCode = await main(process.argv);
