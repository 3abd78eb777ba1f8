/**
 * moto_server for the AWS adapter tests (DESIGN.md: moto 5.2 on the machine image). At the top of a test
 * file: `const moto = await startMoto();` then `describe.skipIf(!moto.available)(...)`. It starts
 * `moto_server` (or `python3 -m moto.server` when the script is not on PATH) on a free loopback port (port 0
 * bound first, then handed to moto; a failed start is retried on a new port), waits until it answers, and
 * registers an afterAll that stops it. Dummy credentials and region are set in this test process only and
 * restored afterwards; `moto.config` carries them explicitly for lib/aws clients. When moto is absent it
 * prints `[skip] moto_server not found: ...` and returns `available: false`.
 *
 * Concurrency caveat, read from moto 5.2's source (s3/responses.py) and seen in a test: moto checks S3
 * If-Match / If-None-Match in the request handler, NOT atomically with the write, and moto_server serves
 * requests on threads, so two racing conditional writes can both succeed (a lost compare-and-swap update;
 * real S3 is atomic). Tests that race conditional writes start moto with `{ serial: true }`: one request at a
 * time (HTTP/1.0, no keep-alive), which makes each conditional write atomic. Do not long-poll SQS on a serial
 * instance (a waiting receive blocks every other request); when a test needs both, start two instances and
 * point `s3Endpoint` and `sqsEndpoint` of the AwsConfig at them.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { afterAll } from "vitest";
import type { AwsConfig } from "../../lib/aws/clients.ts";

export interface Moto {
  readonly available: boolean;
  readonly reason: string;
  readonly endpoint: string;
  /** Client configuration for lib/aws (dummy credentials, us-east-1, path-style endpoint). */
  readonly config: AwsConfig;
}

const DUMMY_ENV: Record<string, string> = {
  AWS_ACCESS_KEY_ID: "testing",
  AWS_SECRET_ACCESS_KEY: "testing",
  AWS_SESSION_TOKEN: "testing",
  AWS_REGION: "us-east-1",
  AWS_EC2_METADATA_DISABLED: "true",
  // the SDK warns once per process that releases after January 2027 need Node 22; the project runs Node 20
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
};

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

export interface StartMotoOptions {
  /** Serve one request at a time so that conditional writes are atomic (see the caveat above). */
  serial?: boolean;
}

/** Start moto for this test file (once), at the top level of the file. */
export async function startMoto(options: StartMotoOptions = {}): Promise<Moto> {
  const serial = options.serial ?? false;
  const found = motoCommand(serial);
  if ("reason" in found) {
    const reason = `[skip] moto_server not found: ${found.reason}`;
    console.warn(reason);
    return { available: false, reason, endpoint: "", config: { region: "us-east-1" } };
  }
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
      const saved = Object.fromEntries(Object.keys(DUMMY_ENV).map((k) => [k, process.env[k]]));
      Object.assign(process.env, DUMMY_ENV);
      afterAll(async () => {
        for (const [k, v] of Object.entries(saved)) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
        if (child.exitCode === null) {
          const exited = new Promise((r) => child.once("exit", r));
          child.kill("SIGTERM");
          await exited;
        }
      });
      return {
        available: true,
        reason: "",
        endpoint,
        config: {
          region: "us-east-1",
          endpoint,
          credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
        },
      };
    }
    lastErr = stderr.trim().split("\n").slice(-3).join(" | ");
    child.kill("SIGKILL");
  }
  const reason = `[skip] moto_server did not start on a free port after 3 attempts: ${lastErr}`;
  console.warn(reason);
  return { available: false, reason, endpoint: "", config: { region: "us-east-1" } };
}
