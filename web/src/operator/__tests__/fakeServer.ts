import { vi } from "vitest";

type Handler = (request: { body: unknown; headers: Headers; url: URL }) => Response | Promise<Response>;

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
}

/**
 * Stands in for the network: answers `METHOD /api/v1/path` from `routes` (a 404 otherwise) and records
 * every request, so tests check both what the page sent and what it shows.
 */
export function fakeServer(routes: Record<string, Handler>) {
  const calls: { method: string; path: string; body: unknown; headers: Headers }[] = [];
  const fetchStub = vi.fn<typeof fetch>(async (input, init) => {
    const url = new URL(String(input), "http://page.test");
    const method = init?.method ?? "GET";
    const headers = new Headers(init?.headers);
    const body = typeof init?.body === "string" ? JSON.parse(init.body) : undefined;
    calls.push({ method, path: url.pathname, body, headers });
    const handler = routes[`${method} ${url.pathname}`];
    return handler ? handler({ body, headers, url }) : json({ detail: "Not Found" }, 404);
  });
  vi.stubGlobal("fetch", fetchStub);
  return { calls, routes };
}

export const siteView = {
  id: "s1",
  root_url: "http://shop.test/",
  name: null,
  state: "active" as const,
  rules_yaml: null,
  include: [],
  exclude: [],
  created_at: 1_700_000_000,
};

export function crawlStatus(overrides: Record<string, unknown> = {}) {
  return {
    site_id: "s1",
    state: "active",
    updated_at: 1_700_000_100,
    problem: null,
    pages: { queued: 5, in_flight: 1, fetched: 10, failed: 0 },
    pages_per_second: 0.5,
    errors: {},
    products: 4,
    images: 8,
    vectors: 20,
    ...overrides,
  };
}

/** A site's coverage: `shares` maps a field to its share and its sources' shares (of `products` products). */
export function siteCoverage(products = 4, shares: Record<string, [number, Record<string, number>]> = {}) {
  const fields = ["name", "price", "currency", "sku", "brand", "availability", "images", "description"];
  return {
    site_id: "s1",
    products,
    fields: fields.map((field) => {
      const [share, sources] = shares[field] ?? [0, {}];
      return {
        field,
        products: Math.round(share * products),
        share,
        sources: Object.entries(sources).map(([source, part]) => ({
          source,
          products: Math.round(part * products),
          share: part,
        })),
      };
    }),
  };
}
