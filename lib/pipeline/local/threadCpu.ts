/**
 * CPU time of the calling thread (main thread or worker thread), for the local pool's statistics: Node 20 has
 * no per-thread CPU clock (process.cpuUsage() is the whole process, process.threadCpuUsage() is Node 23.9+),
 * so on Linux it is read from /proc/thread-self/schedstat (time on CPU, ns). Elsewhere: undefined.
 */
import { readFileSync } from "node:fs";

export function threadCpuMs(): number | undefined {
  try {
    const onCpuNs = Number(readFileSync("/proc/thread-self/schedstat", "utf8").split(" ")[0]);
    return Number.isFinite(onCpuNs) ? onCpuNs / 1e6 : undefined;
  } catch {
    return undefined;
  }
}
