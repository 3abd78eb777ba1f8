/**
 * moto_server for the S3 benchmark case (the same startup as test/helpers/moto.ts, without vitest): on a free
 * loopback port, waits until it answers; `stop()` ends it. Undefined with the reason when moto is absent.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";

export interface BenchMoto {
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

async function answers(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<boolean> {
  for (let waited = 0; waited < timeoutMs; waited += 100) {
    if (child.exitCode !== null) return false;
    try {
      const r = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      if (r.status < 500) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

export async function startMoto(): Promise<BenchMoto | { reason: string }> {
  const which = spawnSync("sh", ["-c", "command -v moto_server"], { encoding: "utf8" });
  let cmd: string;
  let args: string[];
  if (which.status === 0 && which.stdout.trim() !== "") {
    cmd = which.stdout.trim();
    args = [];
  } else if (spawnSync("python3", ["-c", "import moto.server"]).status === 0) {
    cmd = "python3";
    args = ["-m", "moto.server"];
  } else {
    return {
      reason: "neither moto_server on PATH nor python3 -m moto.server; pip install 'moto[server]==5.2.*'",
    };
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(cmd, [...args, "-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
  if (!(await answers(endpoint, child, 30_000))) {
    child.kill("SIGKILL");
    return { reason: `moto_server did not answer on ${endpoint} within 30 s` };
  }
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
