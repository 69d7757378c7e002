import { enableAutoUnmount, flushPromises, mount } from "@vue/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ImageSearchResponse, SearchResult } from "../api";
import App from "../App.vue";

enableAutoUnmount(afterEach);

function hit(productId: string, name: string): SearchResult {
  return {
    product_id: productId,
    name,
    price: "42.00",
    regular_price: null,
    currency: "USD",
    brand: "Luma",
    availability: "InStock",
    url: `https://shop.example/${productId}.html`,
    image_url: `https://shop.example/${productId}.jpg`,
    score: 0.8,
    box: [0, 0, 10, 10],
    label: "top",
  };
}

function photoAnswer(region: number): ImageSearchResponse {
  return {
    regions: [
      { box: [100, 50, 500, 300], label: "top", score: 0.91 },
      { box: [150, 280, 450, 500], label: "trousers", score: 0.77 },
      { box: [0, 0, 1000, 500], label: "image", score: 1.0 },
    ],
    region,
    width: 1000,
    height: 500,
    results: region === 0 ? [hit("p-1", "Mona Pullover"), hit("p-2", "Ina Sweater")] : [hit("p-3", "Cargo Pant")],
  };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

/** A stand-in server: answers by route, like the FastAPI app would. */
function stubServer(imageSearch: (form: FormData) => Response) {
  const fetchStub = vi.fn<typeof fetch>(async (input, init) => {
    const url = String(input);
    if (url === "/api/v1/search/image") return imageSearch(init!.body as FormData);
    if (url.startsWith("/api/v1/products/p-2/similar")) return json({ results: [hit("p-7", "Nadia Jacket")] });
    if (url.startsWith("/api/v1/search?")) return json({ total: 0, items: [], facets: {} });
    return json({ detail: "Not Found" }, 404);
  });
  vi.stubGlobal("fetch", fetchStub);
  return fetchStub;
}

async function uploadPhoto(app: ReturnType<typeof mount>) {
  const input = app.get('input[type="file"]');
  Object.defineProperty(input.element, "files", {
    value: [new File(["jpeg"], "look.jpg", { type: "image/jpeg" })],
  });
  await input.trigger("change");
  await flushPromises();
}

const cardNames = (app: ReturnType<typeof mount>) => app.findAll(".card-name").map((name) => name.text().split(" (")[0]);

beforeEach(() => {
  // jsdom has no object URLs; the page only needs a string to show the photo.
  URL.createObjectURL = () => "blob:look";
  URL.revokeObjectURL = () => undefined;
});

describe("App", () => {
  it("searches with an uploaded photo, then re-searches with the region a shopper clicks", async () => {
    const fetchStub = stubServer((form) => json(photoAnswer(form.has("region") ? Number(form.get("region")) : 0)));
    const app = mount(App);

    await uploadPhoto(app);

    expect(app.get("h1").text()).toBe("SnapMode");
    expect(cardNames(app)).toEqual(["Mona Pullover", "Ina Sweater"]);
    expect(app.get('g.region[aria-pressed="true"]').attributes("aria-label")).toBe("Search with top, 91% confidence");

    await app.get('[aria-label="Search with trousers, 77% confidence"]').trigger("click");
    await flushPromises();

    const form = fetchStub.mock.calls[1]![1]!.body as FormData;
    expect(form.get("region")).toBe("1");
    expect(form.get("k")).toBe("12");
    expect(cardNames(app)).toEqual(["Cargo Pant"]);
    expect(app.get('g.region[aria-pressed="true"]').attributes("aria-label")).toBe(
      "Search with trousers, 77% confidence",
    );
  });

  it("shows the API's detail when the photo is refused", async () => {
    stubServer(() => json({ detail: "The file is not an image the server can read." }, 415));
    const app = mount(App);

    await uploadPhoto(app);

    expect(app.get('[role="alert"]').text()).toBe("The file is not an image the server can read.");
    expect(app.find(".results-grid").exists()).toBe(false);
    expect(app.get("img.photo-preview").attributes("alt")).toBe("Your photo");
  });

  it("replaces the results with more like the chosen product", async () => {
    stubServer(() => json(photoAnswer(0)));
    const app = mount(App);
    await uploadPhoto(app);

    await app.findAll(".card button")[1]!.trigger("click");
    await flushPromises();

    expect(app.get("#results-heading").text()).toBe("More like “Ina Sweater”");
    expect(cardNames(app)).toEqual(["Nadia Jacket"]);
  });

  it("says so when a text search finds nothing", async () => {
    const fetchStub = stubServer(() => json(photoAnswer(0)));
    const app = mount(App);

    await app.get("#text-query").setValue("velvet cape");
    await app.get('form[role="search"]').trigger("submit");
    await flushPromises();

    expect(String(fetchStub.mock.calls[0]![0])).toBe("/api/v1/search?q=velvet+cape&offset=0&limit=24");
    expect(app.get(".empty").text()).toBe("No products match “velvet cape”.");
  });
});
