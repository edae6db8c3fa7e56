/**
 * Opens the HTML report in a real headless Chromium (Debian `chromium`, driven by playwright-core): the page loads
 * with no console errors and no network request, and each chart is an SVG with drawn marks; at a phone width (420 px)
 * the page does not scroll sideways (charts scale down, wide tables scroll inside their own box).
 * Chromium is required: a missing browser fails this test (CI installs it; locally `apt-get install -y chromium`).
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderHtml } from "../../chargeback/reports/renderers.js";
import { fixtureReport } from "../fixtures/chargeback-report.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Launches Chromium once; a missing browser fails the test that needs it (never a skip). */
function launcher(): () => Promise<Browser> {
  let launched: Promise<Browser> | undefined;
  return () => {
    launched ??= (async () => {
      if (!existsSync(CHROMIUM))
        throw new Error(
          `Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium) or set CHROMIUM_PATH.`,
        );
      return chromium.launch({
        executablePath: CHROMIUM,
        args: [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
        ],
      });
    })();
    return launched;
  };
}

describe("HTML report in a real browser", () => {
  const browser = launcher();
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "smcb-html-"));
  });

  afterAll(async () => {
    await (await browser().catch(() => undefined))?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("does not scroll sideways at a phone width (420 px): charts scale, tables scroll in their own box", async () => {
    const file = path.join(dir, "report-phone.html");
    await writeFile(file, await renderHtml(fixtureReport()));
    const page = await (await browser()).newPage({ viewport: { width: 420, height: 900 } });
    await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
    // Evaluated in the page (a string: the project's TypeScript has no DOM types).
    const widths = (await page.evaluate(`(() => ({
      viewport: document.documentElement.clientWidth,
      page: document.documentElement.scrollWidth,
      body: document.body.scrollWidth,
      svgs: [...document.querySelectorAll("figure > svg")].map((s) => s.getBoundingClientRect().right),
      boxes: [...document.querySelectorAll(".scroll")].map((b) => ({
        right: b.getBoundingClientRect().right,
        scrolls: b.scrollWidth > b.clientWidth,
      })),
    }))()`)) as {
      viewport: number;
      page: number;
      body: number;
      svgs: number[];
      boxes: { right: number; scrolls: boolean }[];
    };
    expect(widths.viewport).toBeLessThanOrEqual(420);
    expect(widths.page).toBeLessThanOrEqual(widths.viewport);
    expect(widths.body).toBeLessThanOrEqual(widths.viewport);
    expect(widths.svgs).toHaveLength(3);
    for (const right of widths.svgs) expect(right).toBeLessThanOrEqual(widths.viewport);
    for (const b of widths.boxes) expect(b.right).toBeLessThanOrEqual(widths.viewport);
    // The shared-endpoint table is wider than a phone: it scrolls inside its box, not the page.
    expect(widths.boxes.some((b) => b.scrolls)).toBe(true);
    if (process.env.SMCB_SCREENSHOT)
      await page.screenshot({ path: `${process.env.SMCB_SCREENSHOT}-phone.png`, fullPage: true });
    await page.close();
  });

  for (const estimated of [false, true]) {
    it(`renders with no console errors, no network and three charts (estimated: ${estimated})`, async () => {
      const file = path.join(dir, `report-${estimated}.html`);
      await writeFile(file, await renderHtml(fixtureReport(estimated)));
      const url = pathToFileURL(file).href;

      const page = await (await browser()).newPage({ viewport: { width: 1200, height: 900 } });
      const errors: string[] = [];
      const requests: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") errors.push(`${m.type()}: ${m.text()}`);
      });
      page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
      page.on("request", (r) => requests.push(r.url()));
      await page.goto(url, { waitUntil: "load" });

      expect(errors).toEqual([]);
      expect(requests).toEqual([url]);
      expect(await page.title()).toBe(`Chargeback 2026-10${estimated ? " (estimated)" : ""}`);

      for (const id of ["chart-lob-cost", "chart-utilization", "chart-price-per-token"]) {
        const svg = page.locator(`#${id} > svg`);
        await expect.poll(() => svg.count()).toBe(1);
        const box = await svg.boundingBox();
        expect(box?.width ?? 0).toBeGreaterThan(200);
        expect(box?.height ?? 0).toBeGreaterThan(40);
        const bars = await page.locator(`#${id} g.mark-rect path`).count();
        expect(bars).toBeGreaterThan(0);
      }
      // Non-zero parts: insurance 3, retail 4, wealth 3, __idle__ 1, Unallocated 2 (usage, central credit);
      // 2 endpoints × (used, idle); 2 endpoints × 2 prices.
      expect(await page.locator("#chart-lob-cost g.mark-rect path").count()).toBe(13);
      expect(await page.locator("#chart-utilization g.mark-rect path").count()).toBe(4);
      expect(await page.locator("#chart-price-per-token g.mark-rect path").count()).toBe(4);
      expect(await page.locator("table").count()).toBe(8);
      expect(await page.locator(".banner").count()).toBe(estimated ? 1 : 0);

      if (process.env.SMCB_SCREENSHOT)
        await page.screenshot({ path: `${process.env.SMCB_SCREENSHOT}-${estimated}.png`, fullPage: true });
      await page.close();
    });
  }
});
