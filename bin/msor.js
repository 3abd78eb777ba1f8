#!/usr/bin/env node
// Entry point of the `msor` command: registers the TypeScript loader (tsx), then runs the CLI.
import { register } from "tsx/esm/api";

register();
// `msor ... | head`: a closed pipe ends the output quietly
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});
const { main } = await import("../lib/cli/main.ts");
process.exitCode = await main(process.argv);
