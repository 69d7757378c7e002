import { enableAutoUnmount, flushPromises, mount } from "@vue/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createMemoryHistory } from "vue-router";
import type { ImageSearchResponse, Product, SearchResult } from "../api";
import App from "../App.vue";
import { createAppRouter } from "../router";
import { installDialogMethods, json, stubServer } from "./support";

enableAutoUnmount(afterEach);

function product(id: string, name: string): Product {
  return {
    id,
    url: `https://shop.example/${id}.html`,
    name,
    price: "42.00",
    regular_price: null,
    currency: "USD",
    brand: "Luma",
    availability: "InStock",
    images: [`https://shop.example/${id}.jpg`],
    categories: ["Women/Tops"],
    description: null,
  };
}

function hit(id: string, name: string): SearchResult {
  const { url, price, regular_price, currency, brand, availability } = product(id, name);
  return { product_id: id, name, url, price, regular_price, currency, brand, availability, image_url: `https://shop.example/${id}.jpg`, score: 0.8, box: [0, 0, 10, 10], label: "top" };
}

function photoAnswer(region: number): ImageSearchResponse {
  return {
    regions: [
      { box: [100, 50, 500, 300], label: "top", score: 0.91 },
      { box: [0, 0, 1000, 500], label: "image", score: 1.0 },
    ],
    region,
    width: 1000,
    height: 500,
    results: region === 0 ? [hit("p-1", "Mona Pullover"), hit("p-2", "Ina Sweater")] : [hit("p-3", "Cargo Pant")],
  };
}

const catalog = {
  total: 2,
  items: [product("p-1", "Mona Pullover"), product("p-2", "Ina Sweater")],
  facets: { brand: [{ value: "Luma", count: 2 }], category: [{ value: "Women/Tops", count: 2 }] },
};

const searchParams = (url: string) => Object.fromEntries(new URL(url, "http://page").searchParams);
const formOf = (init: RequestInit | undefined) => Object.fromEntries(init!.body as FormData);

function standardServer() {
  return stubServer([
    ["/api/v1/search/image", (init) => {
      const form = init!.body as FormData;
      return json(photoAnswer(form.has("region") ? Number(form.get("region")) : 0));
    }],
    ["/api/v1/search?", () => json(catalog)],
    ["/api/v1/products/p-2/similar", () => json({ results: [hit("p-7", "Nadia Jacket")] })],
    ["/api/v1/products/p-1/history", () => json([])],
    ["/api/v1/products/p-1", () => json(product("p-1", "Mona Pullover"))],
  ]);
}

async function openPage(path: string) {
  const router = createAppRouter(createMemoryHistory());
  await router.push(path);
  const page = mount(App, { global: { plugins: [router] }, attachTo: document.body });
  await flushPromises();
  return { page, router };
}

type Page = Awaited<ReturnType<typeof openPage>>["page"];

const names = (page: Page) => page.findAll('[aria-label="Results"] li .card-name').map((name) => name.text());
const button = (page: Page, name: string) => {
  const found = page.findAll("button").find((candidate) => candidate.text() === name);
  if (!found) throw new Error(`no button ${name}`);
  return found;
};
const status = (page: Page) => page.get('[role="status"]').text();

async function upload(page: Page) {
  const input = page.get("#photo-input");
  Object.defineProperty(input.element, "files", { value: [new File(["jpeg"], "look.jpg", { type: "image/jpeg" })] });
  await input.trigger("change");
  await flushPromises();
}

beforeEach(() => {
  installDialogMethods();
  // jsdom has no object URLs; the page only needs a string to show the photo.
  URL.createObjectURL = () => "blob:look";
  URL.revokeObjectURL = () => undefined;
});

describe("shopper page", () => {
  it("lists the catalogue with facet counts and links Search and Operators", async () => {
    const server = standardServer();
    const { page, router } = await openPage("/");

    expect(searchParams(String(server.mock.calls[0]![0]))).toEqual({ limit: "24" });
    expect(names(page)).toEqual(["Mona Pullover", "Ina Sweater"]);
    expect(status(page)).toBe("2 products");
    expect(page.get("#filter-brand").findAll("option").map((option) => option.text())).toEqual(["All brands", "Luma (2)"]);

    const links = page.findAll("nav a");
    expect(links.map((link) => link.text())).toEqual(["Search", "Operators"]);
    await links[1]!.trigger("click");
    // The operator console is loaded on demand.
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe("/operators"));
    await flushPromises();
    expect(page.find('[aria-label="Results"]').exists()).toBe(false);
    expect(page.get('nav a[aria-current="page"]').text()).toBe("Operators");
  });

  it("runs the text search and filters the URL describes, and puts applied filters in the URL", async () => {
    const server = standardServer();
    const { page, router } = await openPage("/?q=tee&brand=Luma&in_stock=true&max_price=50");

    expect(searchParams(String(server.mock.calls[0]![0]))).toEqual({
      q: "tee",
      brand: "Luma",
      max_price: "50",
      in_stock: "true",
      limit: "24",
    });
    expect((page.get("#search-text").element as HTMLInputElement).value).toBe("tee");

    await page.get("#filter-category").setValue("Women/Tops");
    await page.get(".search-filters").trigger("submit");
    await flushPromises();

    expect(router.currentRoute.value.query).toEqual({
      q: "tee",
      category: "Women/Tops",
      brand: "Luma",
      max_price: "50",
      in_stock: "true",
    });
    expect(searchParams(String(server.mock.calls.at(-1)![0]))).toMatchObject({ category: "Women/Tops" });

    await button(page, "Clear filters").trigger("click");
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ q: "tee" });
  });

  it("searches again when the shopper goes back and forward", async () => {
    const server = standardServer();
    const { page, router } = await openPage("/?q=tee");
    await page.get("#search-text").setValue("hoodie");
    await page.get(".search-filters").trigger("submit");
    await flushPromises();

    router.back();
    await flushPromises();

    expect(router.currentRoute.value.query).toEqual({ q: "tee" });
    expect(server.mock.calls.map(([url]) => searchParams(String(url)).q)).toEqual(["tee", "hoodie", "tee"]);
    expect((page.get("#search-text").element as HTMLInputElement).value).toBe("tee");
  });

  it("searches an uploaded photo with the text and filters, then the region a shopper picks", async () => {
    const server = standardServer();
    const { page } = await openPage("/?q=soft&brand=Luma");

    await upload(page);

    const imageCalls = () => server.mock.calls.filter(([url]) => url === "/api/v1/search/image");
    expect(formOf(imageCalls()[0]![1])).toMatchObject({ q: "soft", brand: "Luma", k: "24" });
    expect((formOf(imageCalls()[0]![1]).file as File).name).toBe("look.jpg");
    expect(names(page)).toEqual(["Mona Pullover", "Ina Sweater"]);

    await button(page, "Region 2: image").trigger("click");
    await flushPromises();

    expect(formOf(imageCalls()[1]![1])).toMatchObject({ region: "1", brand: "Luma" });
    expect(names(page)).toEqual(["Cargo Pant"]);
    expect(button(page, "Region 2: image").attributes("aria-pressed")).toBe("true");
  });

  it("searches by an image URL that the page URL keeps, so the search can be shared", async () => {
    const server = standardServer();
    const { page, router } = await openPage("/");

    await page.get("#image-url").setValue("https://img.example/look.jpg");
    await page.get(".image-url-form").trigger("submit");
    await flushPromises();

    expect(router.currentRoute.value.query).toEqual({ image_url: "https://img.example/look.jpg" });
    const [, init] = server.mock.calls.find(([url]) => url === "/api/v1/search/image")!;
    expect(formOf(init)).toEqual({ url: "https://img.example/look.jpg", k: "24" });
    expect(page.get(".region-photo").attributes("src")).toBe("https://img.example/look.jpg");

    await button(page, "Remove photo").trigger("click");
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({});
    expect(page.find(".region-photo").exists()).toBe(false);
  });

  it("says No products match, and replaces the results with the server's error as an alert", async () => {
    stubServer([
      ["/api/v1/search?q=nothing", () => json({ total: 0, items: [], facets: {} })],
      ["/api/v1/search?q=tee", () => json(catalog)],
      ["/api/v1/search?q=busy", () => json({ detail: "slow down" }, 429, { "Retry-After": "30" })],
    ]);
    const { page, router } = await openPage("/?q=nothing");

    expect(status(page)).toBe("No products match");
    expect(page.find('[role="alert"]').exists()).toBe(false);

    await router.push("/?q=tee");
    await flushPromises();
    expect(names(page)).toHaveLength(2);
    await router.push("/?q=busy");
    await flushPromises();

    expect(page.get('[role="alert"]').text()).toBe("Too many searches right now. Try again in 30 s.");
    expect(page.find('[aria-label="Results"]').exists()).toBe(false);
    expect(status(page)).toBe("");
  });

  it("opens a result in a product panel and shows similar items as the new results", async () => {
    const server = standardServer();
    const { page } = await openPage("/");

    await page.get('[aria-label="Results"] li .card-photo').trigger("click");
    await flushPromises();

    const dialog = page.get("dialog");
    expect(dialog.attributes("open")).toBeDefined();
    expect(dialog.get("h2").text()).toBe("Mona Pullover");
    expect(server.mock.calls.map(([url]) => url)).toContain("/api/v1/products/p-1/history");
    await button(page, "Close").trigger("click");
    expect(page.find("dialog").exists()).toBe(false);

    const secondCard = page.findAll('[aria-label="Results"] li')[1]!;
    await secondCard.findAll("button").find((found) => found.text() === "Similar items")!.trigger("click");
    await flushPromises();

    expect(names(page)).toEqual(["Nadia Jacket"]);
    expect(page.get("#results-heading").text()).toBe("Similar to “Ina Sweater”");
  });
});
