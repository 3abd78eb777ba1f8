/**
 * Spec problems in words: a zod issue as "path: message", where an unrecognized key also gets the closest known
 * field name ("did you mean lookback_days?"), looked up among every field name of the spec's schema.
 */
import type { z } from "zod";
import { didYouMean } from "../core/suggest.ts";

interface Def {
  readonly type?: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly options?: readonly z.ZodType[];
  readonly [k: string]: unknown;
}

const defOf = (s: unknown): Def | undefined => (s as { _zod?: { def?: Def } } | undefined)?._zod?.def;

/** Every object field name anywhere in `schema` (through arrays, optionals, defaults, unions, pipes). */
export function schemaKeys(schema: z.ZodType): string[] {
  const keys = new Set<string>();
  const seen = new Set<unknown>();
  const walk = (s: unknown) => {
    const d = defOf(s);
    if (!d || seen.has(s)) return;
    seen.add(s);
    if (d.type === "object" && d.shape) {
      for (const [k, v] of Object.entries(d.shape)) {
        keys.add(k);
        walk(v);
      }
    }
    for (const f of ["innerType", "element", "in", "out", "valueType"]) if (d[f]) walk(d[f]);
    if (Array.isArray(d.options)) for (const o of d.options) walk(o);
  };
  walk(schema);
  return [...keys].sort();
}

/** "path: message" of a zod issue, `prefix` before the path; unrecognized keys with a "did you mean". */
export function issueText(
  issue: z.core.$ZodIssue,
  known: readonly string[],
  prefix: readonly string[] = [],
): string {
  const path = [...prefix, ...issue.path.map(String)];
  const at = path.length > 0 ? path.join(".") : "(root)";
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((k) => `"${k}"${didYouMean(k, known)}`).join(", ");
    return `${at}: unrecognized key${issue.keys.length > 1 ? "s" : ""} ${keys}`;
  }
  return `${at}: ${issue.message}`;
}
