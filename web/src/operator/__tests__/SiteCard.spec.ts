import { flushPromises, mount } from "@vue/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createOperatorClient } from "../api";
import SiteCard from "../SiteCard.vue";
import { crawlStatus, fakeServer, json, siteCoverage, siteView } from "./fakeServer";

function figures(wrapper: ReturnType<typeof mount>): Record<string, string> {
  return Object.fromEntries(
    wrapper.findAll(".site-figure").map((figure) => [figure.get("dt").text(), figure.get("dd").text()]),
  );
}

describe("SiteCard", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("polls the status every 2 s, shows the latest figures and charts the series", async () => {
    let fetched = 10;
    const server = fakeServer({
      "GET /api/v1/sites/s1/status": () => {
        fetched += 5;
        return json(crawlStatus({ pages: { queued: 3, fetched }, products: fetched / 5, vectors: null }));
      },
      "GET /api/v1/sites/s1/errors": () => json([]),
      "GET /api/v1/sites/s1/coverage": () => json(siteCoverage()),
    });
    const wrapper = mount(SiteCard, { props: { site: siteView, client: createOperatorClient("k") } });
    await flushPromises();
    expect(figures(wrapper)).toMatchObject({ Fetched: "15", Queued: "3", Products: "3", Vectors: "not counted" });

    await vi.advanceTimersByTimeAsync(2000);
    await vi.advanceTimersByTimeAsync(2000);

    expect(figures(wrapper)).toMatchObject({ Fetched: "25", Products: "5", "Pages/s": "0.50" });
    const statusCalls = server.calls.filter((call) => call.path.endsWith("/status"));
    expect(statusCalls).toHaveLength(3);
    const charts = wrapper.findAll("svg[role=img]");
    expect(charts).toHaveLength(2);
    expect(charts[1]!.get("title").text()).toBe("Products over the last 3 samples: latest 5, peak 5");
    expect(charts[1]!.get("polyline").attributes("points")!.split(" ")).toHaveLength(3);
    wrapper.unmount();
  });

  it("lists recent errors when the error count changes, with their URL and kind", async () => {
    let errors: Record<string, number> = {};
    const server = fakeServer({
      "GET /api/v1/sites/s1/status": () => json(crawlStatus({ errors })),
      "GET /api/v1/sites/s1/errors": () =>
        json(Object.keys(errors).length ? [{ url: "http://shop.test/gone", kind: "http_404", message: "Not Found", at: 1_700_000_050 }] : []),
      "GET /api/v1/sites/s1/coverage": () => json(siteCoverage()),
    });
    const wrapper = mount(SiteCard, { props: { site: siteView, client: createOperatorClient("k") } });
    await flushPromises();
    expect(wrapper.get("table.recent-errors").text()).toContain("No errors so far.");

    errors = { http_404: 1 };
    await vi.advanceTimersByTimeAsync(2000);
    await vi.advanceTimersByTimeAsync(2000); // unchanged count: the list is not fetched again

    const row = wrapper.findAll(".recent-errors tbody tr")[0]!;
    expect(row.findAll("td").map((cell) => cell.text()).slice(0, 3)).toEqual(["http://shop.test/gone", "http_404", "Not Found"]);
    expect(row.get("a").attributes("href")).toBe("http://shop.test/gone");
    expect(figures(wrapper).Errors).toBe("1");
    expect(server.calls.filter((call) => call.path.endsWith("/errors"))).toHaveLength(2);
    wrapper.unmount();
  });

  it("says in plain words why the crawl is held back, and stops saying it once it is not", async () => {
    const why =
      "robots.txt could not be fetched: the server did not answer, or answered with an error; until it can be read," +
      " nothing else is fetched from it. Attempt 1 failed; next try in 10 min.";
    let problem: string | null = why;
    fakeServer({
      "GET /api/v1/sites/s1/status": () => json(crawlStatus({ problem, errors: problem ? { robots_unreachable: 2 } : {} })),
      "GET /api/v1/sites/s1/errors": () =>
        json(problem ? [{ url: "http://shop.test/", kind: "robots_unreachable", message: why, at: 1_700_000_050 }] : []),
      "GET /api/v1/sites/s1/coverage": () => json(siteCoverage()),
    });
    const wrapper = mount(SiteCard, { props: { site: siteView, client: createOperatorClient("k") } });
    await flushPromises();

    expect(wrapper.get(".site-problem").text()).toBe(`Not crawling: ${why}`);
    expect(wrapper.findAll(".recent-errors tbody tr")[0]!.findAll("td")[2]!.text()).toBe(why);

    problem = null;
    await vi.advanceTimersByTimeAsync(2000);
    expect(wrapper.find(".site-problem").exists()).toBe(false);
    wrapper.unmount();
  });

  it("shows the name shoppers see under the shop's address, once the site has one", async () => {
    fakeServer({
      "GET /api/v1/sites/s1/status": () => json(crawlStatus()),
      "GET /api/v1/sites/s1/errors": () => json([]),
      "GET /api/v1/sites/s1/coverage": () => json(siteCoverage()),
    });
    const named = mount(SiteCard, {
      props: { site: { ...siteView, name: "Corner Shop" }, client: createOperatorClient("k") },
    });
    const unnamed = mount(SiteCard, { props: { site: siteView, client: createOperatorClient("k") } });
    await flushPromises();

    expect(named.get("h3").text()).toBe("Site http://shop.test/");
    expect(named.get(".site-name").text()).toBe("Shoppers see it as Corner Shop");
    expect(unnamed.find(".site-name").exists()).toBe(false);
    named.unmount();
    unnamed.unmount();
  });

  it("pauses and resumes the crawl and reflects the new state", async () => {
    const server = fakeServer({
      "GET /api/v1/sites/s1/status": () => json(crawlStatus()),
      "GET /api/v1/sites/s1/errors": () => json([]),
      "GET /api/v1/sites/s1/coverage": () => json(siteCoverage()),
      "POST /api/v1/sites/s1/pause": () => json({ ...siteView, state: "paused" }),
    });
    const wrapper = mount(SiteCard, { props: { site: siteView, client: createOperatorClient("k") } });
    await flushPromises();
    const button = (name: string) => wrapper.findAll("button").find((candidate) => candidate.text() === name)!;
    expect(button("Resume").attributes("disabled")).toBeDefined();

    await button("Pause").trigger("click");
    await flushPromises();

    expect(server.calls.some((call) => call.method === "POST" && call.path === "/api/v1/sites/s1/pause")).toBe(true);
    expect(wrapper.get(".site-state").text()).toBe("State: paused");
    expect(button("Resume").attributes("disabled")).toBeUndefined();
    expect(wrapper.emitted("changed")?.[0]?.[0]).toMatchObject({ state: "paused" });
    wrapper.unmount();
  });

  it("shows the field coverage, fetched again when the product count changes or after 30 s", async () => {
    let products = 4;
    let priceShare = 0.25;
    const server = fakeServer({
      "GET /api/v1/sites/s1/status": () => json(crawlStatus({ products })),
      "GET /api/v1/sites/s1/errors": () => json([]),
      "GET /api/v1/sites/s1/coverage": () =>
        json(siteCoverage(products, { name: [1, { "json-ld": 1 }], price: [priceShare, { heuristics: priceShare }] })),
    });
    const wrapper = mount(SiteCard, { props: { site: siteView, client: createOperatorClient("k") } });
    await flushPromises();
    const price = () => wrapper.findAll(".field-coverage tbody tr")[1]!;
    expect(price().get("th").text()).toBe("Price (gap)");
    expect(price().get(".coverage-sources").text()).toBe("heuristics 25 %");
    const coverageCalls = () => server.calls.filter((call) => call.path.endsWith("/coverage")).length;

    await vi.advanceTimersByTimeAsync(2000); // same product count: not fetched again
    expect(coverageCalls()).toBe(1);

    products = 8;
    priceShare = 1;
    await vi.advanceTimersByTimeAsync(2000);
    expect(coverageCalls()).toBe(2);
    expect(price().get("th").text()).toBe("Price");
    expect(price().get(".coverage-share").text()).toBe("100 % (8 of 8)");

    await vi.advanceTimersByTimeAsync(14 * 2000);
    expect(coverageCalls()).toBe(2);
    await vi.advanceTimersByTimeAsync(2000); // the 15th poll since the last fetch: fetched whatever the count
    expect(coverageCalls()).toBe(3);
    wrapper.unmount();
  });

  it("backs off for Retry-After seconds when rate limited, and says so", async () => {
    let limited = true;
    const server = fakeServer({
      "GET /api/v1/sites/s1/status": () =>
        limited ? json({ detail: "rate limited" }, 429, { "Retry-After": "10" }) : json(crawlStatus()),
      "GET /api/v1/sites/s1/errors": () => json([]),
      "GET /api/v1/sites/s1/coverage": () => json(siteCoverage()),
    });
    const wrapper = mount(SiteCard, { props: { site: siteView, client: createOperatorClient("k") } });
    await flushPromises();
    expect(wrapper.get("[role=alert]").text()).toBe("Too many requests. Try again in 10 s.");
    limited = false;

    await vi.advanceTimersByTimeAsync(8000);
    expect(server.calls.filter((call) => call.path.endsWith("/status"))).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2000);

    expect(server.calls.filter((call) => call.path.endsWith("/status"))).toHaveLength(2);
    expect(wrapper.find("[role=alert]").exists()).toBe(false);
    wrapper.unmount();
  });
});
