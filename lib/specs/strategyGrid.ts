/**
 * Parameter grids of the sweep spec: a strategy entry may give a list for any of its scalar parameters
 * (`rho: [0.05, 0.1, 0.2]`, `alpha: [none, ofi]`, `exec: [market, sor]`); the entry expands to the cartesian
 * product, each instance validated by the backtest spec's StrategySpec and named by its strategyLabel
 * (e.g. `pov/market/rho=0.1`, `myopic/sor/alpha=ofi`), so results name instances exactly as `msor backtest` does.
 * Order is deterministic: entries in file order, and within an entry the first listed parameter varies slowest.
 */
import { InputError } from "../core/errors.ts";
import { type StrategySpec, strategyLabel, strategySpecSchema } from "./taskSpec.ts";

export interface StrategyInstance {
  readonly label: string;
  readonly spec: StrategySpec;
}

type Scalar = string | number | boolean;

function isScalar(v: unknown): v is Scalar {
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean";
}

/** Expand one raw strategy entry (from YAML/JSON) to its instances; `field` names it in errors. */
export function expandStrategyEntry(entry: unknown, field: string): StrategyInstance[] {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
    throw new InputError(`${field}: expected an object such as {strategy: pov, rho: [0.05, 0.1]}`);
  }
  const axes: [string, Scalar[]][] = [];
  for (const [key, value] of Object.entries(entry)) {
    if (!Array.isArray(value)) {
      axes.push([key, [value as Scalar]]);
      continue;
    }
    if (key === "strategy") {
      throw new InputError(
        `${field}.strategy: give one strategy per entry (a list is allowed for its parameters)`,
      );
    }
    if (value.length === 0) throw new InputError(`${field}.${key}: empty list; give at least one value`);
    const bad = value.findIndex((v) => !isScalar(v));
    if (bad >= 0)
      throw new InputError(`${field}.${key}[${bad}]: expected a number or a name, not a list or object`);
    const seen = new Set<Scalar>();
    for (const v of value) {
      if (seen.has(v))
        throw new InputError(`${field}.${key}: the value ${JSON.stringify(v)} is listed twice`);
      seen.add(v);
    }
    axes.push([key, value as Scalar[]]);
  }
  let combos: Record<string, Scalar>[] = [{}];
  for (const [key, values] of axes) {
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  }
  return combos.map((raw) => {
    const r = strategySpecSchema().safeParse(raw);
    if (!r.success) {
      const where = Object.keys(raw).length > 1 ? ` (instance ${JSON.stringify(raw)})` : "";
      const issues = r.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.length ? `${field}.${i.path.join(".")}` : field}: ${i.message}`)
        .join("; ");
      throw new InputError(`${issues}${where}`);
    }
    return { label: strategyLabel(r.data), spec: r.data };
  });
}

/**
 * Expand every entry; two instances with the same label (the same strategy twice) are an error, since their
 * results would be indistinguishable.
 */
export function expandStrategyGrid(
  entries: readonly unknown[],
  field = "backtest.strategies",
): StrategyInstance[] {
  const out: StrategyInstance[] = [];
  const where = new Map<string, number>();
  entries.forEach((entry, i) => {
    for (const inst of expandStrategyEntry(entry, `${field}[${i}]`)) {
      const first = where.get(inst.label);
      if (first !== undefined) {
        throw new InputError(
          `${field}[${i}]: the instance ${inst.label} is also produced by ${field}[${first}]; remove one`,
        );
      }
      where.set(inst.label, i);
      out.push(inst);
    }
  });
  return out;
}
