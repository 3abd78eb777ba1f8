/**
 * `msor spec convert OLD.yaml [--out SPEC.yaml|SPEC.json] [--json]`: the prototype's configuration to our
 * spec (lib/specs/prototype.ts), validated with the backtest spec schema; prints the mapping table.
 */
import { readFile, writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { parse, stringify } from "yaml";
import { errorMessage, InputError } from "../../core/errors.ts";
import { convertPrototypeConfig } from "../../specs/prototype.ts";
import { parseTaskSpec } from "../../specs/taskSpec.ts";
import { printJson, printTable } from "../output.ts";

/** Parse YAML text (JSON is YAML too); duplicate keys are errors. */
export function parseYaml(text: string, where: string): unknown {
  try {
    return parse(text, { uniqueKeys: true });
  } catch (e) {
    throw new InputError(`${where} is not valid YAML: ${errorMessage(e)}`);
  }
}

const isYamlPath = (p: string) => /\.ya?ml$/i.test(p);

export function registerSpec(program: Command): void {
  const spec = program.command("spec").description("backtest spec tools");
  spec
    .command("convert")
    .description(
      "convert the Python prototype's configuration (strategy: / myopic: YAML) to a backtest spec, with units made explicit",
    )
    .argument("<old>", "the prototype's YAML configuration")
    .option("--out <file>", "write the spec here (.yaml/.yml as YAML, anything else as JSON)")
    .option("--json", "print machine-readable JSON (spec, mapping, unmapped)")
    .action(async (old: string, opts: { out?: string; json?: boolean }) => {
      let text: string;
      try {
        text = await readFile(old, "utf8");
      } catch (e) {
        throw new InputError(`cannot read ${old}: ${errorMessage(e)}`);
      }
      const converted = convertPrototypeConfig(parseYaml(text, old), old);
      // the converted spec must validate as any spec would (defaults filled in by msor backtest)
      parseTaskSpec(converted.spec, `converted spec of ${old}`);
      const body =
        opts.out && isYamlPath(opts.out)
          ? stringify(converted.spec)
          : `${JSON.stringify(converted.spec, null, 2)}\n`;
      if (opts.out) await writeFile(opts.out, body);
      if (opts.json) return printJson({ ...converted, out: opts.out ?? null });
      printTable(
        converted.mapping.map((r) => ({ ...r, value: JSON.stringify(r.value), field: r.field || "-" })),
        ["key", "value", "field", "units", "note"],
      );
      process.stdout.write(
        `\nnot mapped: ${converted.unmapped.length ? converted.unmapped.join(", ") : "none"}\n` +
          "strategies: twap/market (baseline) and myopic/sor; start times: the default 10:00, 11:30, 14:00 New York\n",
      );
      if (opts.out)
        process.stdout.write(
          `spec written to ${opts.out}; run: msor backtest FILE... --spec ${opts.out} --out DIR\n`,
        );
      else process.stdout.write(`\n${stringify(converted.spec)}`);
    });
}
