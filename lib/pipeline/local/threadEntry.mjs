// Entry of a local worker thread: registers the TypeScript loader (tsx, as bin/msor.js does), then runs the
// thread's handler loop (thread.ts). A plain .mjs file so that a Worker can start it from any parent
// (the CLI, vitest, a script) without depending on how the parent loads TypeScript.
import { register } from "tsx/esm/api";

register();
await import("./thread.ts");
