/**
 * The `msor` command. Thin: parse arguments, call lib, print a table or JSON. Each command lives in
 * commands/<name>.ts and exports its `registerX(program)`; commands/index.ts lists it (name, summary, loader)
 * so that only the command being run is imported.
 */
import { Command, CommanderError } from "commander";
import { DataFormatError, errorMessage, InputError, MsorError, NotFoundError } from "../core/errors.ts";
import { COMMANDS, commandOf } from "./commands/index.ts";

/**
 * The program for `argv`: the command it runs is loaded and registered in full; the others are listed by
 * name and summary only (so `msor --help` imports no command module).
 */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command("msor")
    .description(
      "myopic-sor: backtest optimal execution (myopic OW scheduler + Cont-Kukanov router) on MBP-10 data",
    )
    .version("0.1.0")
    .showHelpAfterError("(run with --help for usage)")
    // one prefix for every error line: commander's usage errors say "msor:" like the commands' own
    .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, "msor: ")) })
    .exitOverride();
  const wanted = commandOf(argv.slice(2));
  for (const c of COMMANDS) {
    if (c.name === wanted) (await c.load())(program);
    else program.command(c.name).description(c.summary);
  }
  markRequired(program);
  return program;
}

/** Help marks the options a command cannot run without: "(required)" before their description. */
function markRequired(cmd: Command): void {
  for (const o of cmd.options) {
    if (o.mandatory && !o.description.startsWith("(required)")) o.description = `(required) ${o.description}`;
  }
  for (const c of cmd.commands) markRequired(c);
}

/** Run the CLI; returns the process exit code (0 ok, 2 bad input, 1 other failure). */
export async function main(argv: readonly string[]): Promise<number> {
  const program = await buildProgram(argv);
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version exit with code 0; usage errors were already printed by commander
      return e.exitCode === 0 ? 0 : 2;
    }
    // one line, whatever the message quotes (e.g. a JSON parser excerpt of the input)
    process.stderr.write(`msor: ${errorMessage(e).replace(/\s*\n\s*/g, " ")}\n`);
    // bad input: arguments, specs, missing files, files that are not what they should be
    if (e instanceof InputError || e instanceof NotFoundError || e instanceof DataFormatError) return 2;
    if (e instanceof MsorError) return 1;
    if (process.env.MSOR_DEBUG) process.stderr.write(`${(e as Error).stack ?? ""}\n`);
    return 1;
  }
}
