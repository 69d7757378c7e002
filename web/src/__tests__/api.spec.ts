import { describe, expect, it, vi } from "vitest";
import {
  ApiError,
  getProduct,
  listShops,
  priceHistory,
  productCard,
  searchCatalog,
  searchImage,
  similarProducts,
  type Product,
} from "../api";

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

/** Stands in for the network: records each request and answers with `reply`. */
function stubFetch(reply: () => Response | Promise<Response>) {
  const fetchStub = vi.fn<typeof fetch>(async () => reply());
  vi.stubGlobal("fetch", fetchStub);
  return fetchStub;
}

const answer = { regions: [], region: 0, width: 10, height: 10, results: [] };
const photo = new File([new Uint8Array([0xff, 0xd8, 0xff])], "look.jpg", { type: "image/jpeg" });

describe("searchImage", () => {
  it("posts the photo and options as multipart form data to a relative URL", async () => {
    const fetchStub = stubFetch(() => jsonResponse(answer));

    await expect(searchImage({ file: photo }, { k: 8, region: 2, box: [10.4, 20, 110.6, 220] })).resolves.toEqual(answer);

    const [url, init] = fetchStub.mock.calls[0]!;
    expect(url).toBe("/api/v1/search/image");
    expect(init?.method).toBe("POST");
    const form = init?.body as FormData;
    expect(form).toBeInstanceOf(FormData);
    const file = form.get("file") as File;
    expect(file.name).toBe("look.jpg");
    expect(file.type).toBe("image/jpeg");
    expect(file.size).toBe(3);
    expect(form.get("k")).toBe("8");
    expect(form.get("region")).toBe("2");
    expect(form.get("box")).toBe("10,20,111,220");
    // The browser must set the multipart boundary itself.
    expect(new Headers(init?.headers).has("Content-Type")).toBe(false);
  });

  it("sends an image URL and the hybrid text and filters instead of a file", async () => {
    const fetchStub = stubFetch(() => jsonResponse(answer));

    await searchImage(
      { url: "https://img.example/look.jpg" },
      { q: "red dress", brand: "Luma", site: "", min_price: 0, max_price: 80, in_stock: true, category: undefined },
    );

    const form = fetchStub.mock.calls[0]![1]!.body as FormData;
    expect(Object.fromEntries(form)).toEqual({
      url: "https://img.example/look.jpg",
      q: "red dress",
      brand: "Luma",
      min_price: "0",
      max_price: "80",
      in_stock: "true",
    });
  });

  it("sends only the photo when no options are given, so the server defaults apply", async () => {
    const fetchStub = stubFetch(() => jsonResponse(answer));

    await searchImage({ file: photo });

    const form = fetchStub.mock.calls[0]![1]!.body as FormData;
    expect([...form.keys()]).toEqual(["file"]);
  });

  it("surfaces the server's detail message with the status", async () => {
    stubFetch(() => jsonResponse({ detail: "The image is larger than 10 MB." }, 413));

    const failure = await searchImage({ file: photo }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).status).toBe(413);
    expect((failure as ApiError).message).toBe("The image is larger than 10 MB.");
  });

  it("tells a rate-limited shopper how long to wait, from Retry-After", async () => {
    stubFetch(
      () =>
        new Response(JSON.stringify({ detail: "rate limit exceeded" }), {
          status: 429,
          headers: { "Content-Type": "application/json", "Retry-After": "7" },
        }),
    );

    const failure = (await searchImage({ file: photo }).catch((error: unknown) => error)) as ApiError;

    expect(failure).toBeInstanceOf(ApiError);
    expect(failure.rateLimited).toBe(true);
    expect(failure.retryAfter).toBe(7);
    expect(failure.message).toBe("Too many searches right now. Try again in 7 s.");
  });

  it("keeps Retry-After of a 503 and reads it as an HTTP date too", async () => {
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    stubFetch(
      () =>
        new Response(JSON.stringify({ detail: "The vector store is unavailable." }), {
          status: 503,
          headers: { "Retry-After": inTenSeconds },
        }),
    );

    const failure = (await similarProducts("p-1").catch((error: unknown) => error)) as ApiError;

    expect(failure.rateLimited).toBe(false);
    expect(failure.retryAfter).toBeGreaterThanOrEqual(9);
    expect(failure.retryAfter).toBeLessThanOrEqual(10);
    expect(failure.message).toBe("The vector store is unavailable.");
  });

  it("joins FastAPI's validation errors into one message naming each field", async () => {
    stubFetch(() =>
      jsonResponse(
        {
          detail: [
            { loc: ["body", "region"], msg: "Input should be a valid integer", type: "int_parsing" },
            { loc: ["body", "k"], msg: "Input should be greater than 0", type: "greater_than" },
          ],
        },
        422,
      ),
    );

    await expect(searchImage({ file: photo })).rejects.toThrow(
      "region: Input should be a valid integer; k: Input should be greater than 0",
    );
  });

  it("explains a non-JSON error page by its status", async () => {
    stubFetch(() => new Response("<html>Bad gateway</html>", { status: 502, statusText: "Bad Gateway" }));

    await expect(searchImage({ file: photo })).rejects.toThrow("The server answered 502 Bad Gateway.");
  });

  it("reports an unreachable server as status 0", async () => {
    stubFetch(() => Promise.reject(new TypeError("Failed to fetch")));

    const failure = await searchImage({ file: photo }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).status).toBe(0);
    expect((failure as ApiError).message).toMatch(/Cannot reach the SnapMode server/);
  });

  it("lets a cancelled request reject as an abort, not as an API error", async () => {
    const controller = new AbortController();
    vi.stubGlobal("fetch", (_url: string, init: RequestInit) => {
      return new Promise((_resolve, reject) =>
        init.signal!.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError"))),
      );
    });

    const pending = searchImage({ file: photo }, {}, controller.signal);
    controller.abort();

    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
  });
});

describe("similarProducts", () => {
  it("asks for k neighbours of an URL-escaped product id", async () => {
    const fetchStub = stubFetch(() => jsonResponse({ results: [] }));

    await similarProducts("abc/1 2", 5);

    expect(fetchStub.mock.calls[0]![0]).toBe("/api/v1/products/abc%2F1%202/similar?k=5");
  });

  it("leaves k out unless asked, so the server's setting decides how many", async () => {
    const fetchStub = stubFetch(() => jsonResponse({ results: [] }));

    await similarProducts("p-1");

    expect(fetchStub.mock.calls[0]![0]).toBe("/api/v1/products/p-1/similar");
  });

  it("surfaces 503 detail when a backend is down", async () => {
    stubFetch(() => jsonResponse({ detail: "The vector store is unavailable." }, 503));

    await expect(similarProducts("p-1")).rejects.toMatchObject({
      status: 503,
      message: "The vector store is unavailable.",
    });
  });
});

describe("listShops", () => {
  it("reads the registered shops' names", async () => {
    const shops = [{ id: "73e500182d2f", name: "Luma", url: "https://shop.example/" }];
    const fetchStub = stubFetch(() => jsonResponse(shops));

    await expect(listShops()).resolves.toEqual(shops);
    expect(fetchStub.mock.calls[0]![0]).toBe("/api/v1/shops");
  });
});

describe("product details", () => {
  it("reads a product and its price history by URL-escaped id", async () => {
    const fetchStub = stubFetch(() => jsonResponse([]));

    await getProduct("a/b");
    await priceHistory("a/b");

    expect(fetchStub.mock.calls.map(([url]) => url)).toEqual([
      "/api/v1/products/a%2Fb",
      "/api/v1/products/a%2Fb/history",
    ]);
  });
});

describe("searchCatalog", () => {
  it("builds the query string and leaves out empty filters", async () => {
    const fetchStub = stubFetch(() => jsonResponse({ total: 0, items: [], facets: {} }));

    await searchCatalog({
      q: "hoodie & top",
      brand: "",
      site: "shop-1",
      in_stock: true,
      min_price: 10,
      offset: 24,
      limit: 24,
    });

    const url = new URL(fetchStub.mock.calls[0]![0] as string, "http://host");
    expect(url.pathname).toBe("/api/v1/search");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      q: "hoodie & top",
      site: "shop-1",
      in_stock: "true",
      min_price: "10",
      offset: "24",
      limit: "24",
    });
  });
});

describe("productCard", () => {
  it("shows a catalogue product with its first photo and no score", () => {
    const product: Product = {
      id: "p-9",
      url: "https://shop.example/p9.html",
      name: "Argus All-Weather Tank",
      price: "22.00",
      regular_price: null,
      currency: "USD",
      brand: null,
      availability: "InStock",
      images: ["https://shop.example/a.jpg", "https://shop.example/b.jpg"],
      categories: ["Men", "Tops"],
      description: null,
      sku: null,
      variants: [],
      site: "73e500182d2f",
      discount_percent: null,
      fetched_at: 1_700_000_000,
      field_sources: {},
    };

    const card = productCard(product);

    expect(card).toMatchObject({
      product_id: "p-9",
      image_url: "https://shop.example/a.jpg",
      price: "22.00",
      site: "73e500182d2f",
    });
    expect(card.score).toBeUndefined();
    expect(productCard({ ...product, images: [] }).image_url).toBe("");
  });
});
