import { flushPromises, mount } from "@vue/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import OperatorConsole from "../OperatorConsole.vue";
import { crawlStatus, fakeServer, json, siteCoverage, siteView } from "./fakeServer";

const operator = { key_id: "k1", name: "ops", role: "operator" };

function acceptingKey(goodKey: string) {
  return fakeServer({
    "GET /api/v1/auth/whoami": ({ headers }) =>
      headers.get("Authorization") === `Bearer ${goodKey}` ? json(operator) : json({ detail: "Unknown API key" }, 401),
    "GET /api/v1/sites": () => json([siteView]),
    "GET /api/v1/sites/s1/status": () => json(crawlStatus()),
    "GET /api/v1/sites/s1/errors": () => json([]),
    "GET /api/v1/sites/s1/coverage": () => json(siteCoverage()),
  });
}

async function signIn(key: string) {
  const wrapper = mount(OperatorConsole, { attachTo: document.body });
  await wrapper.get("input#api-key").setValue(key);
  await wrapper.get("form.sign-in").trigger("submit");
  await flushPromises();
  return wrapper;
}

describe("OperatorConsole", () => {
  beforeEach(() => sessionStorage.clear());
  afterEach(() => {
    document.body.innerHTML = "";
  });

  it("checks the key with whoami, keeps it for the tab and lists the sites with their figures", async () => {
    const server = acceptingKey("good");

    const wrapper = await signIn("good");

    expect(server.calls[0]?.path).toBe("/api/v1/auth/whoami");
    expect(sessionStorage.getItem("snapmode.operatorKey")).toBe("good");
    expect(wrapper.text()).toContain("Signed in as ops (operator)");
    expect(wrapper.find("input#api-key").exists()).toBe(false);
    const card = wrapper.get("section.site-card");
    expect(card.text()).toContain("http://shop.test/");
    expect(card.get(".site-figures").text()).toContain("Fetched10");
    wrapper.unmount();
  });

  it("refuses an unknown key with a clear alert and stores nothing", async () => {
    acceptingKey("good");

    const wrapper = await signIn("wrong");

    expect(wrapper.get("[role=alert]").text()).toMatch(/not accepted/);
    expect(sessionStorage.getItem("snapmode.operatorKey")).toBeNull();
    expect(wrapper.find("section.site-card").exists()).toBe(false);
  });

  it("keeps the stored key when the server is only busy, and says so", async () => {
    fakeServer({ "GET /api/v1/auth/whoami": () => json({ detail: "keys store unavailable" }, 503, { "Retry-After": "3" }) });
    sessionStorage.setItem("snapmode.operatorKey", "good");

    const wrapper = mount(OperatorConsole);
    await flushPromises();

    expect(wrapper.get("[role=alert]").text()).toBe(
      "The server is temporarily unavailable: keys store unavailable. Try again in 3 s.",
    );
    expect(sessionStorage.getItem("snapmode.operatorKey")).toBe("good");
  });

  it("signs in again from the tab's stored key and signs out on request", async () => {
    acceptingKey("good");
    sessionStorage.setItem("snapmode.operatorKey", "good");

    const wrapper = mount(OperatorConsole);
    await flushPromises();
    expect(wrapper.text()).toContain("Signed in as ops");

    const signOut = wrapper.findAll("button").find((button) => button.text() === "Sign out");
    await signOut!.trigger("click");
    expect(sessionStorage.getItem("snapmode.operatorKey")).toBeNull();
    expect(wrapper.find("input#api-key").exists()).toBe(true);
  });

  it("signs out with a message when the key is revoked mid-session", async () => {
    vi.useFakeTimers();
    const server = acceptingKey("good");
    const wrapper = await signIn("good");

    server.routes["GET /api/v1/sites/s1/status"] = () => json({ detail: "revoked" }, 401);
    await vi.advanceTimersByTimeAsync(2000);
    await flushPromises();

    expect(sessionStorage.getItem("snapmode.operatorKey")).toBeNull();
    expect(wrapper.get("[role=alert]").text()).toMatch(/not accepted.*Sign in with a valid key/);
    vi.useRealTimers();
  });
});
