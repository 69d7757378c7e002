/**
 * What every browser test shares: Debian's Chromium driven by playwright-core (no browser download),
 * the server under test and its fixtures named by E2E_* environment variables, and screenshots.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContextOptions, type Page } from "playwright-core";

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the browser tests through tests/test_web_e2e.py`);
  return value;
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.E2E_CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

export async function openPage(
  browser: Browser,
  path: string,
  viewport = DESKTOP,
  options: BrowserContextOptions = {},
): Promise<Page> {
  const context = await browser.newContext({ viewport, baseURL: env("E2E_BASE_URL"), ...options });
  const page = await context.newPage();
  await page.goto(path);
  return page;
}

/** Saves `docs/images/ui-<name>.png`-style screenshots when E2E_SCREENSHOT_DIR names a folder. */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  const folder = process.env.E2E_SCREENSHOT_DIR;
  if (!folder) return;
  mkdirSync(folder, { recursive: true });
  await page.screenshot({ path: join(folder, `ui-${name}.png`), fullPage });
}
