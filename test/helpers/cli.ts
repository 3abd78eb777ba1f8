/** Run one `msor` sub-command in-process (registered on a bare commander program) and capture its stdout. */
import { Command } from "commander";
import { vi } from "vitest";
import type { RegisterCommand } from "../../lib/cli/commands/index.ts";

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
