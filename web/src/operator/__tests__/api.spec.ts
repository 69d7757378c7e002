import { describe, expect, it, vi } from "vitest";
import { createOperatorClient, OperatorApiError } from "../api";
import { fakeServer, json, siteCoverage, siteView } from "./fakeServer";

describe("createOperatorClient", () => {
  it("sends the key as a Bearer token and JSON bodies to relative URLs", async () => {
    const server = fakeServer({ "POST /api/v1/sites": () => json(siteView, 201) });

    const site = await createOperatorClient("k-123").registerSite({ root_url: "http://shop.test/", rules_yaml: "name: h1" });

    expect(site).toEqual(siteView);
    const [call] = server.calls;
    expect(call?.headers.get("Authorization")).toBe("Bearer k-123");
    expect(call?.headers.get("Content-Type")).toBe("application/json");
    expect(call?.body).toEqual({ root_url: "http://shop.test/", rules_yaml: "name: h1" });
  });

  it("escapes site ids in paths and asks for the error list with a limit", async () => {
    const server = fakeServer({ "GET /api/v1/sites/a%2Fb/errors": () => json([]) });

    await createOperatorClient("k").errors("a/b", 20);

    expect(server.calls[0]?.path).toBe("/api/v1/sites/a%2Fb/errors");
  });

  it("asks for a site's field coverage", async () => {
    const coverage = siteCoverage(3, { name: [1, { "json-ld": 1 }] });
    const server = fakeServer({ "GET /api/v1/sites/a%2Fb/coverage": () => json(coverage) });

    expect(await createOperatorClient("k").coverage("a/b")).toEqual(coverage);
    expect(server.calls[0]?.headers.get("Authorization")).toBe("Bearer k");
  });

  it("reports a 401 to onUnauthorized and explains it", async () => {
    fakeServer({ "GET /api/v1/auth/whoami": () => json({ detail: "Unknown API key" }, 401) });
    const onUnauthorized = vi.fn();

    const failure = await createOperatorClient("bad", onUnauthorized).whoami().catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(OperatorApiError);
    expect((failure as OperatorApiError).status).toBe(401);
    expect((failure as OperatorApiError).message).toMatch(/not accepted/);
    expect(onUnauthorized).toHaveBeenCalledWith(failure);
  });

  it("says when the key lacks the role (403), with the server's reason", async () => {
    fakeServer({ "POST /api/v1/sites/s1/pause": () => json({ detail: "needs role operator" }, 403) });

    await expect(createOperatorClient("k").pause("s1")).rejects.toThrow("This API key may not do that: needs role operator");
  });

  it("keeps Retry-After of a 429 so polling can back off", async () => {
    fakeServer({ "GET /api/v1/sites/s1/status": () => json({ detail: "slow down" }, 429, { "Retry-After": "7" }) });

    const failure = (await createOperatorClient("k").status("s1").catch((error: unknown) => error)) as OperatorApiError;

    expect(failure.retryAfter).toBe(7);
    expect(failure.message).toBe("Too many requests. Try again in 7 s.");
  });

  it("names a 503's failing backend", async () => {
    fakeServer({ "GET /api/v1/sites": () => json({ detail: "frontier unavailable" }, 503, { "Retry-After": "5" }) });

    await expect(createOperatorClient("k").listSites()).rejects.toThrow(
      "The server is temporarily unavailable: frontier unavailable. Try again in 5 s.",
    );
  });

  it("joins FastAPI's field errors of a 422 with their field names", async () => {
    fakeServer({
      "POST /api/v1/sites/preview": () =>
        json({ detail: [{ loc: ["body", "url"], msg: "invalid URL" }, { loc: ["body"], msg: "bad rules" }] }, 422),
    });

    await expect(createOperatorClient("k").preview("x", null)).rejects.toThrow("url: invalid URL; bad rules");
  });

  it("turns a network failure into a status-0 error", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => Promise.reject(new TypeError("Failed to fetch"))));

    const failure = (await createOperatorClient("k").listSites().catch((error: unknown) => error)) as OperatorApiError;

    expect(failure.status).toBe(0);
    expect(failure.message).toMatch(/Cannot reach/);
  });
});
