/**
 * The report in a real browser: headless Chromium (Debian's /usr/bin/chromium via playwright-core) opens the
 * file with no network, lays out every chart, and saves a PNG screenshot. Skips with a message where Chromium
 * is absent (install: apt-get install -y chromium).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LocalObjectStore } from "../../lib/ports/localObjectStore.ts";
import { renderRunReport } from "../../lib/report/index.ts";
import { CHROMIUM_PATH, screenshotReport } from "../../scripts/report-screenshot.ts";
import { tempDir } from "../helpers/tmp.ts";
import { buildSmallRun, RUN_ID } from "./smallRun.ts";

const haveChromium = existsSync(CHROMIUM_PATH);
if (!haveChromium) {
  console.warn(
    `[skip] ${CHROMIUM_PATH} not found: report screenshot test skipped (apt-get install -y chromium, or set CHROMIUM)`,
  );
}

describe.skipIf(!haveChromium)("report in headless Chromium", () => {
  it("lays out every chart, makes no requests, and saves a PNG", async () => {
    const dir = tempDir();
    const root = await buildSmallRun(dir, 20_000);
    const html = join(dir, "report.html");
    writeFileSync(html, await renderRunReport(new LocalObjectStore(root), RUN_ID));
    const png = join(dir, "report.png");
    const r = await screenshotReport(html, png, { width: 1280, height: 800, fullPage: true });
    // 9 charts, and the TCA's decomposition and markout curves
    expect(r.svgCount).toBe(11);
    expect(r.visibleSvgs).toBe(11);
    expect(r.externalRequests).toEqual([]);
    const bytes = readFileSync(png);
    // a PNG whose header says 1280 px wide and as tall as the page
    expect(bytes.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(bytes.readUInt32BE(16)).toBe(1280);
    expect(bytes.readUInt32BE(20)).toBe(r.pageHeight);
    expect(r.pageHeight).toBeGreaterThan(3000);
  });
});
