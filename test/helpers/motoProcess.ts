/**
 * Starting and stopping a moto_server process on a free loopback port (no test framework here: the tests'
 * test/helpers/moto.ts and the benchmark's bench/moto.ts both use it). `serial` serves one request at a time
 * (see the concurrency caveat in test/helpers/moto.ts).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";

export interface MotoProcess {
  readonly endpoint: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** moto's WSGI app on werkzeug without threads: requests are served one at a time. */
const SERIAL_SERVER = [
  "import os, signal, sys",
  "from werkzeug.serving import run_simple",
  "from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app",
  "host, port = sys.argv[1], int(sys.argv[2])",
  "os.environ.setdefault('MOTO_PORT', str(port))",
  "signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))",
  "run_simple(host, port, DomainDispatcherApplication(create_backend_app), threaded=False)",
].join("\n");

/** The command that runs moto, or undefined with the reason. */
function motoCommand(serial: boolean): { cmd: string; args: string[] } | { reason: string } {
  if (serial) {
    const py = spawnSync("python3", ["-c", "import moto.moto_server.werkzeug_app, werkzeug.serving"], {
      encoding: "utf8",
    });
    if (py.status === 0) return { cmd: "python3", args: ["-c", SERIAL_SERVER] };
    return {
      reason: `python3 cannot import moto's server app (${(py.stderr || py.error?.message || "").trim().split("\n").pop()}); pip install 'moto[server]==5.2.*'`,
    };
  }
  const which = spawnSync("sh", ["-c", "command -v moto_server"], { encoding: "utf8" });
  if (which.status === 0 && which.stdout.trim() !== "") {
    const probe = spawnSync(which.stdout.trim(), ["--help"], { encoding: "utf8" });
    if (probe.status === 0) return { cmd: which.stdout.trim(), args: [] };
  }
  const py = spawnSync("python3", ["-c", "import moto.server"], { encoding: "utf8" });
  if (py.status === 0) return { cmd: "python3", args: ["-m", "moto.server"] };
  return {
    reason: `neither moto_server on PATH nor python3 -m moto.server works (${(py.stderr || py.error?.message || "").trim().split("\n").pop()}); pip install 'moto[server]==5.2.*'`,
  };
}

async function answers(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<boolean> {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  for (let waited = 0; waited < timeoutMs; waited += 100) {
    if (child.exitCode !== null) return false;
    try {
      const r = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      if (r.status < 500) return true;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  return false;
}

/** Start moto on a free port (a failed start is retried on a new port, 3 attempts), or the reason it cannot. */
export async function launchMoto(serial = false): Promise<MotoProcess | { reason: string }> {
  const found = motoCommand(serial);
  if ("reason" in found) return { reason: `moto_server not found: ${found.reason}` };
  let lastErr = "";
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const args = serial
      ? [...found.args, "127.0.0.1", String(port)]
      : [...found.args, "-H", "127.0.0.1", "-p", String(port)];
    const child = spawn(found.cmd, args, {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (d) => {
      stderr = (stderr + String(d)).slice(-2000);
    });
    if (await answers(endpoint, child, 30_000)) {
      return {
        endpoint,
        async stop() {
          if (child.exitCode !== null) return;
          const exited = new Promise((r) => child.once("exit", r));
          child.kill("SIGTERM");
          await exited;
        },
      };
    }
    lastErr = stderr.trim().split("\n").slice(-3).join(" | ");
    child.kill("SIGKILL");
  }
  return { reason: `moto_server did not start on a free port after 3 attempts: ${lastErr}` };
}
