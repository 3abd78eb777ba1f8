/**
 * `npm run demo`: `msor demo` (lib/cli/commands/demo.ts): 3 synthetic symbols x 6 days, the last 5 swept on
 * the local backend (wave 1 calibrates, wave 2 backtests, the summary compacts and renders the report), the
 * per-strategy table, where the files are, an example `msor query` and the report path.
 * Environment: DEMO_OUT (default demo-out), DEMO_EVENTS (events per venue-day, default 60000), DEMO_WORKERS.
 */
import { main } from "../lib/cli/main.ts";

const args = ["node", "msor", "demo", "--out", process.env.DEMO_OUT ?? "demo-out"];
if (process.env.DEMO_EVENTS) args.push("--events", process.env.DEMO_EVENTS);
if (process.env.DEMO_WORKERS) args.push("--workers", process.env.DEMO_WORKERS);
process.exitCode = await main(args);
