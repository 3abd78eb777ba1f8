/**
 * Screenshot a run report (or any local HTML file) in headless Chromium: Debian's /usr/bin/chromium driven by
 * playwright-core (no browser download). Usage:
 *   node --import tsx scripts/report-screenshot.ts REPORT.html OUT.png [--width 1280] [--height 800] [--full-page]
 * Chromium: `apt-get install -y chromium` (or set CHROMIUM=/path/to/chromium).
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface ScreenshotOptions {
  width?: number;
  height?: number;
  fullPage?: boolean;
}

export interface ScreenshotResult {
  /** Page height in CSS pixels (document.scrollHeight). */
  pageHeight: number;
  /** Inline SVG charts on the page and how many of them were laid out with a non-zero size. */
  svgCount: number;
  visibleSvgs: number;
  /** Requests the page made to anything but the file itself (a self-contained report makes none). */
  externalRequests: string[];
}

/** Open `htmlPath` in a fresh headless Chromium profile and save a PNG to `pngPath`. */
export async function screenshotReport(
  htmlPath: string,
  pngPath: string,
  opts: ScreenshotOptions = {},
): Promise<ScreenshotResult> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `no Chromium at ${CHROMIUM_PATH}: install it (apt-get install -y chromium) or set CHROMIUM`,
    );
  }
  const profile = await mkdtemp(join(tmpdir(), "msor-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 },
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const url = pathToFileURL(resolve(htmlPath)).href;
    const externalRequests: string[] = [];
    page.on("request", (r) => {
      if (r.url() !== url) externalRequests.push(r.url());
    });
    await page.goto(url, { waitUntil: "load" });
    const info = await page.evaluate(() => {
      const svgs = Array.from(document.querySelectorAll("figure svg"));
      return {
        pageHeight: document.documentElement.scrollHeight,
        svgCount: svgs.length,
        visibleSvgs: svgs.filter((s) => {
          const b = s.getBoundingClientRect();
          return b.width > 50 && b.height > 50;
        }).length,
      };
    });
    await page.screenshot({ path: pngPath, fullPage: opts.fullPage ?? false });
    return { ...info, externalRequests };
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const i = args.indexOf(name);
    if (i < 0) return undefined;
    const v = args[i + 1];
    args.splice(i, 2);
    return v;
  };
  const fullPage = args.includes("--full-page");
  if (fullPage) args.splice(args.indexOf("--full-page"), 1);
  const width = Number(flag("--width") ?? 1280);
  const height = Number(flag("--height") ?? 800);
  const [html, png] = args;
  if (!html || !png || !(width > 0) || !(height > 0)) {
    process.stderr.write(
      "usage: node --import tsx scripts/report-screenshot.ts REPORT.html OUT.png [--width 1280] [--height 800] [--full-page]\n",
    );
    process.exit(2);
  }
  try {
    const r = await screenshotReport(html, png, { width, height, fullPage });
    process.stdout.write(
      `${png}: ${r.svgCount} charts (${r.visibleSvgs} laid out), page ${r.pageHeight} px tall, ${r.externalRequests.length} external requests\n`,
    );
  } catch (e) {
    process.stderr.write(`report-screenshot: ${(e as Error).message.split("\n")[0]}\n`);
    process.exit(1);
  }
}
