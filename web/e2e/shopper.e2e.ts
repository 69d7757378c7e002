/**
 * The shopper page in Chromium: search by photo and by photo URL, pick a region, filter by price, open a
 * product, at desktop and phone sizes. E2E_PHOTO is a photo of the product E2E_PRODUCT_NAME (price
 * E2E_PRODUCT_PRICE) of the indexed shop, whose name is E2E_SHOP_NAME; E2E_PHOTO_URL is the web address of
 * one of its photos; E2E_OTHER_KIND_PHOTO a photo of a kind of product the shop does not sell.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env, launch, openPage, PHONE, screenshot } from "./browser";

const SEARCH_TIMEOUT_MS = 60_000; // the first search loads the detector and embedder on a CPU
const SCROLL_TIMEOUT_MS = 5_000;

let browser: Browser;
const photo = env("E2E_PHOTO");
const productName = env("E2E_PRODUCT_NAME");
const productPrice = Number(env("E2E_PRODUCT_PRICE"));
const shopName = env("E2E_SHOP_NAME");
const photoUrl = env("E2E_PHOTO_URL");
const otherKindPhoto = env("E2E_OTHER_KIND_PHOTO");

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

async function uploadPhoto(page: Page, file = photo) {
  const response = await searching(page, () => page.getByLabel("Upload a photo").setInputFiles(file), PHOTO_SEARCH);
  expect(response.status()).toBe(200);
  return response;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Waits until the page has scrolled the results to the top of the screen, the first one in sight. */
function resultsBroughtIntoView(page: Page) {
  return page.waitForFunction(
    () => {
      const panel = document.querySelector(".results-panel")!.getBoundingClientRect().top;
      const first = document.querySelector('[aria-label="Results"] li')?.getBoundingClientRect().top;
      return Math.abs(panel) <= 1 && first !== undefined && first < window.innerHeight;
    },
    undefined,
    { timeout: SCROLL_TIMEOUT_MS },
  );
}

describe("shopper page", () => {
  it("finds the product of an uploaded photo first, with its price, brand, shop name and shop link", async () => {
    const page = await openPage(browser, "/");
    await page.getByRole("link", { name: "Search" }).waitFor();
    // The Shop filter names the shop, not its host.
    await page
      .getByLabel("Shop", { exact: true })
      .getByRole("option", { name: new RegExp(`^${escapeRegExp(shopName)} \\(\\d+\\)$`) })
      .waitFor({ state: "attached" });

    await uploadPhoto(page);
    await productResult(page).waitFor({ timeout: SEARCH_TIMEOUT_MS });

    const first = results(page).getByRole("listitem").first();
    expect(await first.textContent()).toContain(productName);
    expect(await first.locator(".card-shop").textContent()).toBe(shopName);
    await first.getByRole("link", { name: "View in shop" }).waitFor();
    await first.getByRole("button", { name: "Similar items" }).waitFor();
    // The shop sells this kind of product: no notice that it does not.
    expect(await page.locator(".notice").count()).toBe(0);
    await screenshot(page, "search-desktop");
    await page.context().close();
  });

  it("shows at once which region is searched, and that the results are being refreshed", async () => {
    const page = await openPage(browser, "/");
    await uploadPhoto(page);
    const stage = page.locator(".region-stage");
    await page.getByRole("button", { name: "Whole photo", pressed: true }).waitFor();
    const regions = page.getByRole("button", { name: /^Region \d+$/ });
    expect(await regions.count()).toBeGreaterThan(0); // the detector finds the garment
    const before = await stage.screenshot({ animations: "disabled" });
    // Record the page's busy state as it happens: the answer may come before a check after the click would run.
    await page.evaluate(() => {
      const panel = document.querySelector(".results-panel")!;
      const seen: string[] = [];
      (window as unknown as { busySeen: string[] }).busySeen = seen;
      new MutationObserver(() => {
        if (panel.getAttribute("aria-busy") === "true") seen.push("busy");
        if (panel.querySelector(".results-grid.stale")) seen.push("stale");
      }).observe(panel, { attributes: true, subtree: true, attributeFilter: ["aria-busy", "class"] });
    });

    const response = await searching(page, () => page.getByRole("button", { name: "Region 1" }).click(), PHOTO_SEARCH);

    expect(response.status()).toBe(200);
    expect((await response.json()).region).toBe(0);
    await page.getByRole("button", { name: "Region 1", exact: true, pressed: true }).waitFor();
    expect(await page.locator(".region-caption").textContent()).toContain("Searched with: Region 1");
    const seen = await page.evaluate(() => (window as unknown as { busySeen: string[] }).busySeen);
    expect(new Set(seen)).toEqual(new Set(["busy", "stale"]));
    const after = await stage.screenshot({ animations: "disabled" });
    expect(after.equals(before)).toBe(false); // the region is outlined, the rest of the photo dimmed
    await page.getByRole("button", { name: "Crop manually" }).waitFor();
    await screenshot(page, "regions-desktop");
    await page.context().close();
  });

  it("filters the photo's results by price and keeps the filters in the URL", async () => {
    const page = await openPage(browser, "/");
    await uploadPhoto(page);
    await productResult(page).waitFor({ timeout: SEARCH_TIMEOUT_MS });

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
    await productResult(page).waitFor({ timeout: SEARCH_TIMEOUT_MS });

    await productResult(page).getByText(productName).first().click();

    const panel = page.getByRole("dialog", { name: productName });
    const history = panel.getByRole("table", { name: "Price history" });
    await history.waitFor();
    await history.scrollIntoViewIfNeeded();
    await screenshot(page, "product-desktop", false); // a modal: what the viewport shows
    await page.context().close();
  });

  it("searches by a photo's URL without the browser ever loading that URL, and says plainly why one is refused", async () => {
    const page = await openPage(browser, "/");
    const requested: string[] = [];
    page.on("request", (request) => requested.push(request.url()));

    await page.getByLabel("Image URL").fill(photoUrl);
    const response = await searching(page, () => page.getByRole("button", { name: "Search by URL" }).click(), PHOTO_SEARCH);
    expect(response.status()).toBe(200);
    await productResult(page).waitFor({ timeout: SEARCH_TIMEOUT_MS });
    // The photo shown is the server's fetched copy.
    expect(await page.locator(".region-photo").getAttribute("src")).toMatch(/^data:image\/jpeg;base64,/);
    await page.waitForFunction(() => (document.querySelector(".region-photo") as HTMLImageElement | null)?.naturalWidth);

    const refused = "http://169.254.169.254/latest/meta-data/";
    await page.getByLabel("Image URL").fill(refused);
    const refusal = await searching(page, () => page.getByRole("button", { name: "Search by URL" }).click(), PHOTO_SEARCH);
    expect(refusal.status()).toBe(400);
    const problem = page.locator("#image-url-problem");
    await problem.waitFor();
    const message = (await problem.textContent())!.trim();
    expect(message).toBe((await refusal.json()).detail);
    expect(message).not.toMatch(/169\.254|resolves|link-local/); // words for a shopper, no addresses
    expect(await page.locator(`img[src^="${refused}"], img[src^="${photoUrl}"]`).count()).toBe(0);
    await screenshot(page, "url-refused-desktop");

    expect(requested.filter((url) => url === photoUrl || url.startsWith("http://169.254.169.254"))).toEqual([]);
    await page.context().close();
  });

  it("tells the shopper when nothing of the photo's kind is in the index", async () => {
    const page = await openPage(browser, "/");

    const response = await uploadPhoto(page, otherKindPhoto);

    const answer = await response.json();
    expect(answer.kind).not.toBeNull();
    const notice = page.locator(".notice");
    await notice.waitFor();
    expect((await notice.textContent())!.trim()).toBe(answer.notice);
    // Above the results, which are other kinds of products.
    const noticeBox = (await notice.boundingBox())!;
    const firstBox = (await results(page).getByRole("listitem").first().boundingBox())!;
    expect(noticeBox.y + noticeBox.height).toBeLessThanOrEqual(firstBox.y);
    expect(await page.locator(".query-kind").textContent()).toContain("Detected in your photo:");
    await screenshot(page, "notice-desktop");
    await page.context().close();
  });

  it("shows a page-not-found view, with status 404, for a path the page does not have", async () => {
    const page = await openPage(browser, "/");

    const response = await page.goto("/no-such-page");

    expect(response!.status()).toBe(404);
    await page.getByRole("heading", { name: "Page not found" }).waitFor();
    await page.getByRole("link", { name: "Go to the search page" }).click();
    await page.waitForURL((url) => url.pathname === "/");
    await results(page).waitFor();
    await page.context().close();
  });
});

describe("shopper page on a phone", () => {
  it("brings the results into view after an upload, with the filters folded away", async () => {
    const page = await openPage(browser, "/", PHONE);
    const filtersButton = page.getByRole("button", { name: /^Filters/ });
    expect(await filtersButton.getAttribute("aria-expanded")).toBe("false");
    expect(await page.getByLabel("Brand").isVisible()).toBe(false);

    await uploadPhoto(page);

    await resultsBroughtIntoView(page);
    const first = results(page).getByRole("listitem").first();
    const box = (await first.boundingBox())!;
    expect(box.x >= 0 && box.x + box.width <= PHONE.width).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, "search-phone", false); // what the shopper sees once the answer comes

    await filtersButton.click();
    expect(await filtersButton.getAttribute("aria-expanded")).toBe("true");
    await page.getByLabel("Brand").waitFor();
    await page.getByLabel("Maximum price").scrollIntoViewIfNeeded();
    await screenshot(page, "filters-phone", false);
    await page.context().close();
  });

  it("shows the picked region on the photo, then the refreshed results in view", async () => {
    const page = await openPage(browser, "/", PHONE, { reducedMotion: "reduce" });
    await uploadPhoto(page);
    await resultsBroughtIntoView(page);

    const pick = page.getByRole("button", { name: "Region 1" });
    await pick.scrollIntoViewIfNeeded();
    await searching(page, () => pick.click(), PHOTO_SEARCH);

    await page.getByRole("button", { name: "Region 1", pressed: true }).waitFor();
    await resultsBroughtIntoView(page); // without the smooth scroll: this shopper asked for reduced motion
    await page.locator(".region-stage").scrollIntoViewIfNeeded();
    await screenshot(page, "regions-phone", false);
    await page.context().close();
  });
});
