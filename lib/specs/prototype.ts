/**
 * The migration path from the Python prototype: its configuration (`strategy:` and `myopic:` sections) mapped
 * to our spec with the units made explicit (README "Coming from the prototype"). Pure: the CLI reads the YAML
 * (`msor spec convert`) and validates the result with parseTaskSpec. Unknown keys are errors naming the key.
 */
import { InputError } from "../core/errors.ts";
import { didYouMean } from "../core/suggest.ts";

/** One row of the mapping table: the prototype's key and value, our field (or none) with units and a note. */
export interface MappingRow {
  readonly key: string;
  readonly value: unknown;
  /** Our spec field (dotted path), or "" when the key is not mapped. */
  readonly field: string;
  readonly units: string;
  readonly note: string;
}

export interface ConvertedSpec {
  /** The spec object (validate with parseTaskSpec). */
  readonly spec: Record<string, unknown>;
  readonly mapping: MappingRow[];
  /** Keys that have no equivalent (each with its reason in `mapping`). */
  readonly unmapped: string[];
}

const STRATEGY_KEYS = ["S", "T", "f", "r", "lambda_u", "lambda_o", "N"] as const;
const MYOPIC_KEYS = ["lambda_value", "beta", "volatility", "adv", "T", "Q_0"] as const;
const SECTIONS = ["strategy", "myopic"] as const;

/** Our regular session length, hours (09:30-16:00 New York). */
const SESSION_HOURS = 6.5;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function num(where: string, v: unknown, check: "positive" | "nonneg" | "int"): number {
  const ok =
    typeof v === "number" &&
    Number.isFinite(v) &&
    (check === "nonneg" ? v >= 0 : v > 0) &&
    (check !== "int" || Number.isInteger(v));
  if (!ok) {
    const want =
      check === "int" ? "a positive integer" : check === "positive" ? "a positive number" : "a number >= 0";
    throw new InputError(`${where} must be ${want}, got ${JSON.stringify(v)}`);
  }
  return v as number;
}

/** Map a parsed prototype configuration to our spec (throws InputError on unknown keys or bad values). */
export function convertPrototypeConfig(config: unknown, where = "prototype config"): ConvertedSpec {
  if (!isObject(config))
    throw new InputError(`${where}: expected a mapping with strategy: and myopic: sections`);
  for (const k of Object.keys(config)) {
    if (!(SECTIONS as readonly string[]).includes(k))
      throw new InputError(
        `${where}: unknown section "${k}"${didYouMean(k, SECTIONS)}; the prototype's sections are ${SECTIONS.join(", ")}`,
      );
  }
  const strategy = config.strategy ?? {};
  const myopic = config.myopic ?? {};
  for (const [name, sec, keys] of [
    ["strategy", strategy, STRATEGY_KEYS],
    ["myopic", myopic, MYOPIC_KEYS],
  ] as const) {
    if (!isObject(sec)) throw new InputError(`${where}: ${name} must be a mapping of keys to values`);
    for (const k of Object.keys(sec)) {
      if (!(keys as readonly string[]).includes(k))
        throw new InputError(
          `${where}: unknown key ${name}.${k}${didYouMean(k, keys)}; the prototype's ${name} keys are ${keys.join(", ")}`,
        );
    }
  }
  const s = strategy as Record<string, unknown>;
  const m = myopic as Record<string, unknown>;
  const mapping: MappingRow[] = [];
  const unmapped: string[] = [];
  const order: Record<string, unknown> = { side: "buy" };
  const router: Record<string, unknown> = {};
  const fees: Record<string, unknown> = {};
  const overrides: Record<string, unknown> = {};
  const row = (key: string, value: unknown, field: string, units: string, note: string) => {
    mapping.push({ key, value, field, units, note });
    if (field === "") unmapped.push(key);
  };
  /** A key copied one to one (validated as `kind`) into our field `field`: its last segment in `target`. */
  const direct = (
    key: string,
    value: unknown,
    target: Record<string, unknown>,
    field: string,
    kind: Parameters<typeof num>[2],
    units: string,
    note: string,
  ) => {
    if (value === undefined) return;
    target[
      field
        .split(".")
        .pop()!
        .replace(/^orders\[0\]\./, "")
    ] = num(key, value, kind);
    row(key, value, field, units, note);
  };

  if (s.S !== undefined) {
    order.shares = num("strategy.S", s.S, "int");
    row(
      "strategy.S",
      s.S,
      "orders[0].shares",
      "shares",
      "parent order size (buy; the prototype has no side)",
    );
  } else order.shares = 1000;
  direct(
    "strategy.T",
    s.T,
    order,
    "orders[0].horizon_min",
    "positive",
    "minutes",
    "execution horizon of the parent order",
  );
  direct(
    "strategy.f",
    s.f,
    fees,
    "fees.taker_fee_usd",
    "nonneg",
    "$/share",
    "taker fee paid on market executions",
  );
  if (s.r !== undefined) {
    const list = Array.isArray(s.r) ? s.r : [s.r];
    const rs = list.map((x, i) => num(`strategy.r[${i}]`, x, "nonneg"));
    if (rs.length === 0) throw new InputError(`${where}: strategy.r is an empty list; give the maker rebate`);
    if (rs.some((x) => x !== rs[0]))
      throw new InputError(
        `${where}: strategy.r gives different rebates per venue (${rs.join(", ")}); our spec has one maker rebate ` +
          "for all venues (fees.maker_rebate_usd) plus the calibrated adverse selection per venue: give one value",
      );
    fees.maker_rebate_usd = rs[0];
    row(
      "strategy.r",
      s.r,
      "fees.maker_rebate_usd",
      "$/share",
      `maker rebate on passive fills (one value for all venues${rs.length > 1 ? `, the ${rs.length} listed are equal` : ""})`,
    );
  }
  direct(
    "strategy.lambda_u",
    s.lambda_u,
    router,
    "router.lambda_u_usd",
    "nonneg",
    "$/share",
    "router penalty per share underfilled",
  );
  direct(
    "strategy.lambda_o",
    s.lambda_o,
    router,
    "router.lambda_o_usd",
    "nonneg",
    "$/share",
    "router penalty per share overfilled",
  );
  direct(
    "strategy.N",
    s.N,
    router,
    "router.samples",
    "int",
    "scenarios",
    "outflow scenarios of the router's stochastic gradient",
  );

  if (m.lambda_value !== undefined) {
    num("myopic.lambda_value", m.lambda_value, "positive");
    row(
      "myopic.lambda_value",
      m.lambda_value,
      "",
      "prototype-normalised",
      "NOT MAPPED: in the prototype's own normalisation, which the file does not record; ours is lambda in daily " +
        "sigma per fraction of ADV (lambda_usd = lambda sigma_d P / ADV), calibrated from prior days. Set " +
        "calibration.overrides.lambda (or lambda_scale) yourself if you know the equivalent",
    );
  }
  if (m.beta !== undefined) {
    const beta = num("myopic.beta", m.beta, "positive");
    const halfLifeS = (Math.LN2 / beta) * 3600;
    overrides.half_life_s = Number(halfLifeS.toPrecision(6));
    row(
      "myopic.beta",
      m.beta,
      "calibration.overrides.half_life_s",
      "1/hour -> s",
      `impact decay per HOUR: half-life = ln 2 / beta h = ${overrides.half_life_s} s (fixed; delete it to calibrate)`,
    );
  }
  direct(
    "myopic.volatility",
    m.volatility,
    overrides,
    "calibration.overrides.sigma_d",
    "positive",
    "daily sigma",
    "fixed; delete it to calibrate",
  );
  direct(
    "myopic.adv",
    m.adv,
    overrides,
    "calibration.overrides.adv",
    "positive",
    "shares/day",
    "fixed (also the base of pct_adv sizes and the volume forecast); delete it to calibrate",
  );
  if (m.T !== undefined) {
    const t = num("myopic.T", m.T, "positive");
    row(
      "myopic.T",
      m.T,
      "",
      "hours",
      t === SESSION_HOURS
        ? "NOT MAPPED (nothing to set): the session is the regular 09:30-16:00 New York (6.5 h) from the tz database"
        : `NOT MAPPED: the session is always the regular 09:30-16:00 New York (6.5 h); the prototype's ${t} h is ignored`,
    );
  }
  if (m.Q_0 !== undefined) {
    row(
      "myopic.Q_0",
      m.Q_0,
      "",
      "",
      "NOT MAPPED: no equivalent; every parent order starts with zero own impact and the impact state follows our fills",
    );
  }

  const spec: Record<string, unknown> = {
    orders: [order],
    // the prototype runs the myopic scheduler with the router; twap/market is the paired baseline of the table
    strategies: [
      { strategy: "twap", exec: "market" },
      { strategy: "myopic", exec: "sor" },
    ],
  };
  if (Object.keys(router).length) spec.router = router;
  if (Object.keys(fees).length) spec.fees = fees;
  if (Object.keys(overrides).length) spec.calibration = { overrides };
  return { spec, mapping, unmapped };
}
