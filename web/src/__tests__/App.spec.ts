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
    sku: null,
    variants: [],
    site: "s-1",
    discount_percent: null,
    fetched_at: 1_700_000_000,
    field_sources: {},
  };
}

function hit(id: string, name: string): SearchResult {
  const { url, price, regular_price, currency, brand, availability } = product(id, name);
  return {
    product_id: id, name, url, price, regular_price, currency, brand, availability,
    image_url: `https://shop.example/${id}.jpg`, score: 0.8, box: [0, 0, 10, 10], label: "top",
    site: "s-1", category: null, article_type: "Sweatshirts",
  };
}

// A tiny JPEG as the server sends its fetched copy of a photo given by URL.
const FETCHED_COPY = "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQ==";

function photoAnswer(region: number, overrides: Partial<ImageSearchResponse> = {}): ImageSearchResponse {
  return {
    regions: [
      { box: [100, 50, 500, 300], label: "top", score: 0.91 },
      { box: [0, 0, 1000, 500], label: "image", score: 1.0 },
    ],
    region,
    width: 1000,
    height: 500,
    category: { label: "tops", score: 0.7, narrowed: false },
    kind: { label: "Sweatshirts", score: 0.81 },
    notice: null,
    photo: null,
    results: region === 0 ? [hit("p-1", "Mona Pullover"), hit("p-2", "Ina Sweater")] : [hit("p-3", "Cargo Pant")],
    ...overrides,
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
      const photo = form.has("url") ? FETCHED_COPY : null;
      return json(photoAnswer(form.has("region") ? Number(form.get("region")) : 0, { photo }));
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
const searches = (server: ReturnType<typeof stubServer>) =>
  server.mock.calls.map(([url]) => String(url)).filter((url) => url.startsWith("/api/v1/search?"));
const imageSources = (page: Page) => page.findAll("img").map((image) => image.attributes("src"));

async function upload(page: Page) {
  const input = page.get("#photo-input");
  Object.defineProperty(input.element, "files", { configurable: true, value: [new File(["jpeg"], "look.jpg", { type: "image/jpeg" })] });
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
    // The operator console is loaded on demand: its first import is compiled then, seconds on a busy machine.
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe("/operators"), { timeout: 10_000 });
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
    expect(searches(server).map((url) => searchParams(url).q)).toEqual(["tee", "hoodie", "tee"]);
    expect((page.get("#search-text").element as HTMLInputElement).value).toBe("tee");
  });

  it("searches an uploaded photo with the text and filters, then the region a shopper picks", async () => {
    const server = standardServer();
    const { page } = await openPage("/?q=soft&brand=Luma");

    await upload(page);

    const imageCalls = () => server.mock.calls.filter(([url]) => url === "/api/v1/search/image");
    expect(formOf(imageCalls()[0]![1])).toMatchObject({ q: "soft", brand: "Luma" });
    expect((formOf(imageCalls()[0]![1]).file as File).name).toBe("look.jpg");
    expect(names(page)).toEqual(["Mona Pullover", "Ina Sweater"]);

    await button(page, "Whole photo").trigger("click");
    await flushPromises();

    expect(formOf(imageCalls()[1]![1])).toMatchObject({ region: "1", brand: "Luma" });
    expect(names(page)).toEqual(["Cargo Pant"]);
    expect(button(page, "Whole photo").attributes("aria-pressed")).toBe("true");
    // How many results a photo search gives is the server's setting, not the page's.
    expect(imageCalls().map(([, init]) => formOf(init)).filter((form) => "k" in form)).toEqual([]);
  });

  it("searches by an image URL that the page URL keeps, so the search can be shared", async () => {
    const server = standardServer();
    const { page, router } = await openPage("/");

    await page.get("#image-url").setValue("https://img.example/look.jpg");
    await page.get(".image-url-form").trigger("submit");
    await flushPromises();

    expect(router.currentRoute.value.query).toEqual({ image_url: "https://img.example/look.jpg" });
    const [, init] = server.mock.calls.find(([url]) => url === "/api/v1/search/image")!;
    expect(formOf(init)).toEqual({ url: "https://img.example/look.jpg" });
    // The server's fetched copy, never the typed URL, which the browser would fetch itself.
    expect(page.get(".region-photo").attributes("src")).toBe(FETCHED_COPY);
    expect(imageSources(page)).not.toContain("https://img.example/look.jpg");

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

  it("names the photo's kind of garment, never the classifier's category, and nothing when unsure", async () => {
    const answers = [
      photoAnswer(1, {
        kind: { label: "Casual Shoes", score: 0.93 },
        notice: "No casual shoes in this index: these are the closest other products.",
        category: { label: "bag", score: 0.7, narrowed: false },
      }),
      photoAnswer(1, { kind: { label: "Tshirts", score: 0.88 } }),
      photoAnswer(1, { kind: null, category: { label: "accessory", score: 0.9, narrowed: false } }),
    ];
    stubServer([
      ["/api/v1/search/image", () => json(answers.shift())],
      ["/api/v1/search?", () => json(catalog)],
    ]);
    const { page } = await openPage("/");

    await upload(page);

    expect(page.get(".query-kind").text()).toBe("Detected in your photo: Casual Shoes");
    const notice = page.get(".notice");
    expect(notice.text()).toBe("No casual shoes in this index: these are the closest other products.");
    expect(notice.attributes("role")).toBe("status");
    // Said before the results, which are of other kinds.
    const list = page.get('[aria-label="Results"]').element;
    expect(notice.element.compareDocumentPosition(list) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(page.text()).not.toMatch(/\bbag\b/);

    await upload(page);
    expect(page.get(".query-kind").text()).toBe("Detected in your photo: T-shirt");
    expect(page.find(".notice").exists()).toBe(false);

    await upload(page);
    expect(page.find(".query-kind").exists()).toBe(false);
    expect(page.text()).not.toContain("accessory");
  });

  it("shows the server's plain reason beside a refused image URL and never loads that URL itself", async () => {
    const reason = "That address can't be used: it points to a private or local network.";
    stubServer([
      ["/api/v1/search/image", () => json({ detail: reason }, 400)],
      ["/api/v1/search?", () => json(catalog)],
    ]);
    const { page, router } = await openPage("/");

    await page.get("#image-url").setValue("http://169.254.169.254/");
    await page.get(".image-url-form").trigger("submit");
    expect(imageSources(page)).not.toContain("http://169.254.169.254/"); // not even while the server fetches
    await flushPromises();

    expect(page.get("#image-url-problem").text()).toBe(reason);
    expect(page.get("#image-url-problem").attributes("role")).toBe("alert");
    expect(page.get("#image-url").attributes("aria-invalid")).toBe("true");
    expect(imageSources(page)).not.toContain("http://169.254.169.254/");
    expect(page.find(".region-photo").exists()).toBe(false);
    expect(page.find('.results-panel [role="alert"]').exists()).toBe(false);

    await button(page, "Clear image URL").trigger("click"); // no photo to remove
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({});
    expect(names(page)).toEqual(["Mona Pullover", "Ina Sweater"]);
  });

  it("names shops by the names the API gives, on cards and in the Shop filter, else by host", async () => {
    stubServer([
      ["/api/v1/shops", () => json([{ id: "s-1", name: "Luma Outlet", url: "https://shop.example/" }])],
      ["/api/v1/search/image", () => json(photoAnswer(0, { results: [{ ...hit("p-3", "Cargo Pant"), site: "s-9" }] }))],
      ["/api/v1/search?", () => json({ ...catalog, facets: { site: [{ value: "s-1", count: 2 }] } })],
    ]);
    const { page } = await openPage("/");

    expect(page.findAll(".card-shop").map((shop) => shop.text())).toEqual(["Luma Outlet", "Luma Outlet"]);
    expect(page.get("#filter-site").findAll("option").map((option) => option.text())).toEqual([
      "All shops",
      "Luma Outlet (2)",
    ]);

    await upload(page);
    expect(page.findAll(".card-shop").map((shop) => shop.text())).toEqual(["shop.example"]); // s-9: not listed
  });

  it("brings the results into view after the shopper's search when they are off screen, as on a phone", async () => {
    standardServer();
    const scrolled = vi.fn();
    Element.prototype.scrollIntoView = scrolled;
    let reduceMotion = false;
    vi.stubGlobal("matchMedia", (query: string) => ({ matches: query === "(prefers-reduced-motion: reduce)" && reduceMotion }));
    const { page } = await openPage("/");
    const panel = page.get(".results-panel").element;
    let top = 1651; // under the photo and the filters on a 390 × 844 screen
    panel.getBoundingClientRect = () => new DOMRect(0, top, 390, 900);
    vi.stubGlobal("innerHeight", 844);
    expect(scrolled).not.toHaveBeenCalled(); // not on opening the page

    await upload(page);
    expect(scrolled.mock.contexts).toEqual([panel]);
    expect(scrolled).toHaveBeenLastCalledWith({ behavior: "smooth", block: "start" });

    reduceMotion = true;
    await button(page, "Whole photo").trigger("click");
    await flushPromises();
    expect(scrolled).toHaveBeenLastCalledWith({ behavior: "auto", block: "start" });

    top = 120; // beside the photo on a wide screen
    await button(page, "Region 1").trigger("click");
    await flushPromises();
    expect(scrolled).toHaveBeenCalledTimes(2);
  });

  it("shows the picked region and a busy state at once, while the search with it runs", async () => {
    let answer!: (response: Response) => void;
    const server = stubServer([
      ["/api/v1/search/image", (init) =>
        (init!.body as FormData).has("region")
          ? new Promise<Response>((resolve) => (answer = resolve))
          : json(photoAnswer(1))],
      ["/api/v1/search?", () => json(catalog)],
    ]);
    const { page } = await openPage("/");
    await upload(page);
    expect(button(page, "Whole photo").attributes("aria-pressed")).toBe("true");
    expect(page.find(".region-dim").exists()).toBe(false);

    await button(page, "Region 1").trigger("click");
    await flushPromises();

    expect(server.mock.calls.filter(([url]) => url === "/api/v1/search/image")).toHaveLength(2);
    expect(button(page, "Region 1").attributes("aria-pressed")).toBe("true");
    expect(page.get("g[data-region='0']").classes()).toContain("region-selected");
    expect(page.find(".region-dim").exists()).toBe(true); // the rest of the photo dimmed
    expect(page.get(".region-caption").text()).toContain("Searching with: Region 1");
    expect(page.get(".results-panel").attributes("aria-busy")).toBe("true");
    expect(page.get('[aria-label="Results"]').classes()).toContain("stale");
    expect(status(page)).toBe("Searching…");

    answer(json(photoAnswer(0)));
    await flushPromises();
    expect(names(page)).toEqual(["Mona Pullover", "Ina Sweater"]);
    expect(page.get(".region-caption").text()).toContain("Searched with: Region 1");
    expect(page.get(".results-panel").attributes("aria-busy")).toBe("false");
  });
});

describe("unknown paths", () => {
  it("show a page-not-found view with a way back to the search", async () => {
    standardServer();
    const { page, router } = await openPage("/no-such-page");

    expect(page.get("h1").text()).toBe("Page not found");
    expect(page.text()).toContain("/no-such-page");
    expect(page.find('[aria-label="Results"]').exists()).toBe(false);
    const home = page.findAll("a").find((link) => link.text() === "Go to the search page")!;
    expect(home.attributes("href")).toBe("/");

    await home.trigger("click");
    await flushPromises();
    expect(router.currentRoute.value.path).toBe("/");
    expect(names(page)).toEqual(["Mona Pullover", "Ina Sweater"]);
  });
});
