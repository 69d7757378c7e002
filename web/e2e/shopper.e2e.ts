/**
 * The shopper page in Chromium: search by photo, pick a region, filter by price, open a product.
 * E2E_PHOTO is a photo of the product E2E_PRODUCT_NAME (price E2E_PRODUCT_PRICE) of the indexed shop.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env, launch, openPage, PHONE, screenshot } from "./browser";

const SEARCH_TIMEOUT_MS = 60_000; // the first search loads the detector and embedder on a CPU

let browser: Browser;
const photo = env("E2E_PHOTO");
const productName = env("E2E_PRODUCT_NAME");
const productPrice = Number(env("E2E_PRODUCT_PRICE"));

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

function results(page: Page) {
  return page.getByRole("list", { name: "Results" });
}

function productResult(page: Page) {
  return results(page).getByRole("listitem").filter({ hasText: productName }).first();
}

const ANY_SEARCH = /\/api\/v1\/search(\/image)?(\?|$)/;
const PHOTO_SEARCH = /\/api\/v1\/search\/image$/;

/** Runs `action` and waits until the page's next search answer (by photo, or by text too) has arrived. */
async function searching(page: Page, action: () => Promise<void>, answers = ANY_SEARCH) {
  const answer = page.waitForResponse((response) => answers.test(response.url()), { timeout: SEARCH_TIMEOUT_MS });
  await action();
  const response = await answer;
  await page.getByText("Searching…").waitFor({ state: "hidden", timeout: SEARCH_TIMEOUT_MS });
  return response;
}

async function uploadPhoto(page: Page) {
  const response = await searching(page, () => page.getByLabel("Upload a photo").setInputFiles(photo), PHOTO_SEARCH);
  expect(response.status()).toBe(200);
  await productResult(page).waitFor({ timeout: SEARCH_TIMEOUT_MS });
}

describe("shopper page", () => {
  it("finds the product of an uploaded photo first, with its price, brand and shop link", async () => {
    const page = await openPage(browser, "/");
    await page.getByRole("link", { name: "Search" }).waitFor();

    await uploadPhoto(page);

    const first = results(page).getByRole("listitem").first();
    expect(await first.textContent()).toContain(productName);
    await first.getByRole("link", { name: "View in shop" }).waitFor();
    await first.getByRole("button", { name: "Similar items" }).waitFor();
    await screenshot(page, "search-desktop");
    await page.context().close();
  });

  it("searches again with the region the shopper picks", async () => {
    const page = await openPage(browser, "/");
    await uploadPhoto(page);
    const regions = page.getByRole("button", { name: /^Region \d+: / });
    await regions.first().waitFor();
    expect(await regions.count()).toBeGreaterThan(1); // the garment, and the whole photo last

    const picked = page.getByRole("button", { name: /^Region \d+: /, pressed: false }).first();
    const name = (await picked.textContent())!.trim();
    const response = await searching(page, () => picked.click(), PHOTO_SEARCH);

    expect(response.status()).toBe(200);
    expect((await response.json()).region).toBe(Number(/^Region (\d+):/.exec(name)![1]) - 1); // the one picked
    await page.getByRole("button", { name, exact: true, pressed: true }).waitFor();
    await productResult(page).waitFor();
    await page.getByRole("button", { name: "Crop manually" }).waitFor();
    await screenshot(page, "regions-desktop");
    await page.context().close();
  });

  it("filters the photo's results by price and keeps the filters in the URL", async () => {
    const page = await openPage(browser, "/");
    await uploadPhoto(page);

    await page.getByLabel("Maximum price").fill(String(Math.floor(productPrice - 1)));
    await searching(page, () => page.getByRole("button", { name: "Apply filters" }).click());
    await page.waitForFunction(() => new URL(window.location.href).searchParams.has("max_price"));
    expect(await productResult(page).count()).toBe(0);

    await page.getByLabel("Minimum price").fill(String(Math.floor(productPrice - 1)));
    await page.getByLabel("Maximum price").fill(String(Math.ceil(productPrice + 1)));
    await searching(page, () => page.getByRole("button", { name: "Apply filters" }).click());

    await productResult(page).waitFor();
    const query = new URL(page.url()).searchParams;
    expect(Number(query.get("min_price"))).toBe(Math.floor(productPrice - 1));
    expect(Number(query.get("max_price"))).toBe(Math.ceil(productPrice + 1));
    await screenshot(page, "filters-desktop");

    await searching(page, () => page.getByRole("button", { name: "Clear filters" }).click());
    expect(new URL(page.url()).searchParams.has("max_price")).toBe(false);
    await page.context().close();
  });

  it("opens a product panel with its price history", async () => {
    const page = await openPage(browser, "/");
    await uploadPhoto(page);

    await productResult(page).getByText(productName).first().click();

    const panel = page.getByRole("dialog", { name: productName });
    const history = panel.getByRole("table", { name: "Price history" });
    await history.waitFor();
    await history.scrollIntoViewIfNeeded();
    await screenshot(page, "product-desktop", false); // a modal: what the viewport shows
    await page.context().close();
  });

  it("works at phone size", async () => {
    const page = await openPage(browser, "/", PHONE);
    await uploadPhoto(page);

    const first = results(page).getByRole("listitem").first();
    const box = await first.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= PHONE.width).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, "search-phone");
    await page.context().close();
  });
});
