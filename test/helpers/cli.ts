/** Run one `msor` sub-command in-process (registered on a bare commander program) and capture its stdout. */
import { Command } from "commander";
import { vi } from "vitest";
import type { RegisterCommand } from "../../lib/cli/commands/index.ts";
import { main } from "../../lib/cli/main.ts";

export async function runCommand(
  register: RegisterCommand,
  name: string,
  args: readonly string[],
): Promise<string> {
  const program = new Command("msor").exitOverride();
  register(program);
  let out = "";
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(["node", "msor", name, ...args]);
  } finally {
    spy.mockRestore();
  }
  return out;
}

/** Run `msor ARGS` through the real entry point (lib/cli/main.ts): exit code, stdout and stderr. */
export async function runMain(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const o = vi.spyOn(process.stdout, "write").mockImplementation((c: string | Uint8Array) => {
    out += String(c);
    return true;
  });
  const e = vi.spyOn(process.stderr, "write").mockImplementation((c: string | Uint8Array) => {
    err += String(c);
    return true;
  });
  try {
    return { code: await main(["node", "msor", ...args]), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}
