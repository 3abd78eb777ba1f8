/**
 * What the project ships points only at files it contains: no source file or message cites MODELS.md (the
 * contract outside the repository); the code's section citations "docs/models.md N[.M]" name sections that
 * docs/models.md has; `msor generate --help` names docs/models.md.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { main } from "../../lib/cli/main.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const SHIPPED = ["lib", "functions", "infra", "scripts", "bench"];

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const rel = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== "node_modules" && e.name !== "cdk.out") out.push(...sources(rel));
    } else if (/\.(ts|mts|js|mjs|sh|py)$/.test(e.name)) out.push(rel);
  }
  return out;
}

const files = SHIPPED.flatMap((d) => {
  try {
    return sources(d);
  } catch {
    return [];
  }
});

describe("references in shipped code", () => {
  it("no shipped file cites MODELS.md (a file the repository does not contain)", () => {
    const bad = files.filter((f) => readFileSync(join(ROOT, f), "utf8").includes("MODELS.md"));
    expect(files.length).toBeGreaterThan(50);
    expect(bad).toEqual([]);
  });

  it('every "docs/models.md N[.M]" citation names a section docs/models.md has', () => {
    const doc = readFileSync(join(ROOT, "docs", "models.md"), "utf8");
    const sections = new Set<string>();
    for (const m of doc.matchAll(/^#{2,3} (\d+(?:\.\d+)?)\.? /gm)) sections.add(m[1]!);
    for (const m of doc.matchAll(/^- (\d+\.\d+) /gm)) sections.add(m[1]!); // 6.1 .. 6.6 are list items
    expect([...sections]).toEqual(expect.arrayContaining(["1", "2", "6", "6.6", "7.1", "9"]));
    const cited: string[] = [];
    for (const f of files) {
      const text = readFileSync(join(ROOT, f), "utf8");
      for (const m of text.matchAll(/(?:docs\/models\.md|MODELS\.md)(?: sections?)? (\d+(?:\.\d+)?)/g)) {
        if (!sections.has(m[1]!.replace(/\.$/, ""))) cited.push(`${relative(ROOT, join(ROOT, f))}: ${m[0]}`);
      }
    }
    expect(cited).toEqual([]);
  });

  it("msor generate --help names docs/models.md, not MODELS.md", async () => {
    let out = "";
    const o = vi.spyOn(process.stdout, "write").mockImplementation((c: string | Uint8Array) => {
      out += String(c);
      return true;
    });
    try {
      expect(await main(["node", "msor", "generate", "--help"])).toBe(0);
    } finally {
      o.mockRestore();
    }
    expect(out).toContain("docs/models.md");
    expect(out).not.toContain("MODELS.md");
  });
});
