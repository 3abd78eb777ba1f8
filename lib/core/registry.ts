/**
 * A registry of one model family (queue models, latency models, alpha models, strategies): name -> entry
 * (its factory and the parameters it takes). The spec's enums and defaults are read from registries, so a
 * model is added with one file and one `register` line, and nothing else lists the names.
 */
import type { z } from "zod";
import { InputError } from "./errors.ts";

/**
 * A parameter an entry takes from the spec (a strategy's rho, a queue model's power): optional there, `fallback`
 * when absent; `schema` is a function so that names registered later (e.g. alpha models) count.
 */
export interface ModelParam {
  readonly doc: string;
  readonly schema: () => z.ZodType;
  readonly fallback: () => unknown;
}

/** The values of an entry's declared parameters: the given ones (already validated), the fallbacks for the rest. */
export function paramValues(
  declared: Readonly<Record<string, ModelParam>> | undefined,
  given: Readonly<Record<string, unknown>> | undefined,
): Readonly<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(declared ?? {})) out[name] = given?.[name] ?? p.fallback();
  return out;
}

/**
 * The problems of `given` as parameters of `entryName` (zod refinement issues): a key the entry does not declare
 * (naming the ones it does), a value its schema refuses.
 */
export function paramIssues(
  family: string,
  entryName: string,
  declared: Readonly<Record<string, ModelParam>> | undefined,
  given: Readonly<Record<string, unknown>>,
): { path: string[]; message: string }[] {
  const issues: { path: string[]; message: string }[] = [];
  const known = Object.keys(declared ?? {});
  for (const [key, value] of Object.entries(given)) {
    const p = declared?.[key];
    if (!p) {
      issues.push({
        path: [key],
        message: `${family} ${entryName} takes ${known.length ? `the parameters ${known.join(", ")}` : "no parameters"}, not "${key}"`,
      });
      continue;
    }
    const r = p.schema().safeParse(value);
    if (!r.success)
      for (const i of r.error.issues) issues.push({ path: [key], message: `${p.doc}: ${i.message}` });
  }
  return issues;
}

const NAME_RE = /^[a-z][a-z0-9_]*$/;

export class Registry<E> {
  private readonly entries = new Map<string, E>();
  private defaultName: string | undefined;

  /** `family` names the registry in messages, e.g. "queue model". */
  constructor(readonly family: string) {}

  /**
   * Add `name` (lower-case letters, digits, '_'). `isDefault` makes it the family's default (the one a spec
   * that names none uses). A name can be registered once.
   */
  register(name: string, entry: E, options: { isDefault?: boolean } = {}): this {
    if (!NAME_RE.test(name)) {
      throw new InputError(`${this.family} name "${name}" must be lower-case letters, digits or '_'`);
    }
    if (this.entries.has(name)) throw new InputError(`${this.family} "${name}" is already registered`);
    this.entries.set(name, entry);
    if (options.isDefault) this.defaultName = name;
    return this;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The entry of `name`; an InputError listing the known names otherwise. */
  get(name: string): E {
    const e = this.entries.get(name);
    if (e === undefined) {
      throw new InputError(`unknown ${this.family} "${name}": use one of ${this.names().join(", ")}`);
    }
    return e;
  }

  /** Registered names in registration order. */
  names(): string[] {
    return [...this.entries.keys()];
  }

  /** Names as a non-empty tuple (what z.enum takes). */
  enumValues(): [string, ...string[]] {
    const n = this.names();
    if (n.length === 0) throw new InputError(`no ${this.family} is registered`);
    return n as [string, ...string[]];
  }

  /** The default name (registered with isDefault). */
  get default(): string {
    if (this.defaultName === undefined) throw new InputError(`no default ${this.family} is registered`);
    return this.defaultName;
  }
}
