/**
 * The operator console in Chromium: sign in with a key, preview and register a shop, watch its crawl
 * progress, pause and resume it. E2E_SHOP_URL is a shop not yet registered on the server under test.
 */
import { readFileSync } from "node:fs";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env, launch, openPage, PHONE, screenshot } from "./browser";

const CRAWL_TIMEOUT_MS = 150_000;

let browser: Browser;
const key = env("E2E_OPERATOR_KEY");
const shopUrl = env("E2E_SHOP_URL");
const sampleUrl = env("E2E_SAMPLE_URL");
const sampleName = env("E2E_SAMPLE_NAME");
const shopProducts = Number(env("E2E_SHOP_PRODUCTS"));
const rules = readFileSync(env("E2E_RULES_FILE"), "utf8"); // the sample page has no structured data

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

async function signIn(page: Page, apiKey: string) {
  await page.getByLabel("API key").fill(apiKey);
  await page.getByRole("button", { name: "Sign in" }).click();
}

function site(page: Page): Locator {
  return page.getByRole("region", { name: `Site ${shopUrl}` });
}

/** The number a site shows for `label` (its <dt>), or null while it shows none yet. */
async function figure(siteRegion: Locator, label: string): Promise<number | null> {
  const text = await siteRegion.locator(`xpath=.//dt[normalize-space(.)="${label}"]/following-sibling::dd[1]`).textContent();
  const value = Number(text?.trim());
  return text?.trim() && Number.isFinite(value) ? value : null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("operator console", () => {
  it("refuses a wrong key, then registers a shop and shows its crawl progressing", async () => {
    const page = await openPage(browser, "/");
    await page.getByRole("link", { name: "Operators" }).click();
    await page.waitForURL("**/operators");

    await signIn(page, "sm_nope_wrong");
    expect(await page.getByRole("alert").textContent()).toMatch(/not accepted/);
    await signIn(page, key);
    await page.getByRole("button", { name: "Sign out" }).waitFor();

    await page.getByLabel("Shop URL").fill(shopUrl);
    await page.getByLabel("Sample page URL").fill(sampleUrl);
    await page.getByRole("button", { name: "Preview" }).click();
    const preview = page.getByRole("region", { name: "Extraction preview" });
    await preview.getByText(sampleName).first().waitFor({ timeout: 30_000 });
    await page.getByLabel("Extraction rules (YAML)").fill(rules); // the preview follows the rules as they change
    await preview.getByText("from rules").first().waitFor({ timeout: 30_000 });

    await page.getByRole("button", { name: "Register site" }).click();
    const shop = site(page);
    await shop.waitFor();
    await shop.getByText("active", { exact: true }).waitFor();

    // Watch the figures the page polls every 2 s until every product is indexed and every photo embedded.
    type Sample = { fetched: number; products: number; images: number; vectors: number | null };
    const samples: Sample[] = [];
    const deadline = Date.now() + CRAWL_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const [fetched, products, images, vectors] = await Promise.all(
        ["Fetched", "Products", "Images", "Vectors"].map((label) => figure(shop, label)),
      );
      if (fetched !== null && products !== null && images !== null) samples.push({ fetched, products, images, vectors });
      const embedded = vectors === null || vectors >= (images ?? 1); // a whole-photo vector each, plus regions
      if ((products ?? 0) >= shopProducts && (images ?? 0) > 0 && embedded) break;
      await sleep(1000);
    }
    console.log(`crawl figures, one sample a second: ${JSON.stringify(samples)}`);
    const total = (sample: Sample) => sample.fetched + sample.products + sample.images + (sample.vectors ?? 0);
    const first = samples[0]!;
    const last = samples.at(-1)!;
    expect(last.products).toBeGreaterThanOrEqual(shopProducts);
    expect(total(last)).toBeGreaterThan(total(first));
    for (const [earlier, later] of samples.slice(0, -1).map((sample, index) => [sample, samples[index + 1]!])) {
      expect(total(later!)).toBeGreaterThanOrEqual(total(earlier!)); // the counts only ever grow
    }
    await shop.locator("svg[role=img]").first().waitFor();
    await shop.getByRole("table", { name: "Recent errors" }).waitFor();
    await screenshot(page, "operators-desktop");

    await shop.getByRole("button", { name: "Pause" }).click();
    await shop.getByText("paused", { exact: true }).waitFor();
    await shop.getByRole("button", { name: "Resume" }).click();
    await shop.getByText("active", { exact: true }).waitFor();
    await page.context().close();
  });

  it("keeps the key for the tab only and fits a phone screen", async () => {
    const page = await openPage(browser, "/", PHONE);
    await page.getByRole("link", { name: "Operators" }).click();
    await signIn(page, key);
    await site(page).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem("snapmode.operatorKey"))).toBe(key);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    await expect.poll(() => figure(site(page), "Fetched"), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, "operators-phone");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("API key").waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem("snapmode.operatorKey"))).toBeNull();
    await page.context().close();
  });

  it("opens from a bookmark or a reload of /operators, still signed in within the tab", async () => {
    const page = await openPage(browser, "/");
    await page.getByRole("link", { name: "Operators" }).click();
    await signIn(page, key);
    await site(page).waitFor();

    const reloaded = await page.reload();

    expect(reloaded?.status(), "the server must answer /operators with the page (history-mode routing)").toBe(200);
    await site(page).waitFor();
    await page.context().close();
  });
});
