// Entry of the decode thread (lib/mbp10/decodeThread.ts): loads the TypeScript worker through tsx without
// registering tsx for the whole process (worker threads do not inherit `--import tsx`).
import { tsImport } from "tsx/esm/api";

await tsImport("./decodeWorker.ts", import.meta.url);
