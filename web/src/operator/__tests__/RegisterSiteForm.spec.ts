import { flushPromises, mount } from "@vue/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createOperatorClient } from "../api";
import RegisterSiteForm from "../RegisterSiteForm.vue";
import { fakeServer, json, siteView } from "./fakeServer";

const preview = {
  url: "http://shop.test/p/jacket",
  product: {
    name: "Storm Jacket",
    price: "59.00",
    currency: "EUR",
    sku: "MJ-01",
    brand: "Luma",
    description: null,
    availability: "InStock",
    regular_price: null,
    images: ["http://shop.test/a.jpg", "http://shop.test/b.jpg"],
    categories: ["Jackets"],
  },
  sources: { name: "rules", price: "json-ld", sku: "template" },
  links: 12,
};

function mountForm() {
  return mount(RegisterSiteForm, { props: { client: createOperatorClient("k") } });
}

describe("RegisterSiteForm", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("previews the sample page once the rules stop changing, and shows each field with its source", async () => {
    const server = fakeServer({ "POST /api/v1/sites/preview": () => json(preview) });
    const wrapper = mountForm();

    await wrapper.get("#sample-url").setValue("http://shop.test/p/jacket");
    await wrapper.get("#rules-yaml").setValue("name: h1");
    await vi.advanceTimersByTimeAsync(300);
    await wrapper.get("#rules-yaml").setValue("name: h1.title");
    await vi.advanceTimersByTimeAsync(600);
    await flushPromises();

    const previews = server.calls.filter((call) => call.path === "/api/v1/sites/preview");
    expect(previews).toHaveLength(1);
    expect(previews[0]?.body).toEqual({ url: "http://shop.test/p/jacket", rules_yaml: "name: h1.title" });
    const output = wrapper.get("[aria-label='Extraction preview']");
    expect(output.text()).toContain("Storm Jacket");
    expect(output.text()).toContain("from rules");
    expect(output.text()).toContain("59.00 EUR");
    expect(output.text()).toContain("12 links found");
    const sku = output.findAll(".preview-field").find((field) => field.get("dt").text() === "SKU");
    expect([sku?.get(".preview-value").text(), sku?.get(".preview-source").text()]).toEqual(["MJ-01", "from template"]);
  });

  it("shows the rules error of a 422 as an alert in the preview", async () => {
    fakeServer({ "POST /api/v1/sites/preview": () => json({ detail: "rules: invalid CSS selector 'h1[' for name" }, 422) });
    const wrapper = mountForm();
    await wrapper.get("#sample-url").setValue("http://shop.test/p/jacket");

    await wrapper.findAll("button").find((button) => button.text() === "Preview")!.trigger("click");
    await flushPromises();

    expect(wrapper.get("[aria-label='Extraction preview'] [role=alert]").text()).toBe(
      "rules: invalid CSS selector 'h1[' for name",
    );
  });

  it("registers the site with its rules and reports the new site", async () => {
    const server = fakeServer({ "POST /api/v1/sites": () => json(siteView, 201) });
    const wrapper = mountForm();

    await wrapper.get("#shop-url").setValue(" http://shop.test/ ");
    await wrapper.get("#rules-yaml").setValue("name: h1");
    await wrapper.get("form").trigger("submit");
    await flushPromises();

    expect(server.calls[0]?.body).toEqual({ root_url: "http://shop.test/", rules_yaml: "name: h1" });
    expect(wrapper.emitted("registered")?.[0]?.[0]).toEqual(siteView);
    expect(wrapper.get("[role=status]").text()).toBe("Registered http://shop.test/; its crawl is active.");
  });

  it("sends no rules when the box is empty and shows a refusal as an alert", async () => {
    const server = fakeServer({ "POST /api/v1/sites": () => json({ detail: "root_url must be http(s)" }, 422) });
    const wrapper = mountForm();

    await wrapper.get("#shop-url").setValue("ftp://shop.test/");
    await wrapper.get("form").trigger("submit");
    await flushPromises();

    expect(server.calls[0]?.body).toEqual({ root_url: "ftp://shop.test/" });
    expect(wrapper.get("[role=alert]").text()).toBe("root_url must be http(s)");
    expect(wrapper.emitted("registered")).toBeUndefined();
  });

  it("sends the shop's name when one is typed, and shows why the server refuses the address", async () => {
    const refusal =
      "the crawler cannot fetch this address: 127.0.0.1 is a loopback address (this machine itself). The crawler" +
      " fetches public addresses only (a server's administrator can allow a local shop with crawl.allow_hosts)";
    const server = fakeServer({ "POST /api/v1/sites": () => json({ detail: refusal }, 422) });
    const wrapper = mountForm();

    await wrapper.get("#shop-url").setValue("http://127.0.0.1:22/");
    await wrapper.get("#shop-name").setValue("  Corner Shop ");
    await wrapper.get("form").trigger("submit");
    await flushPromises();

    expect(server.calls[0]?.body).toEqual({ root_url: "http://127.0.0.1:22/", name: "Corner Shop" });
    expect(wrapper.get("[role=alert]").text()).toBe(refusal);
  });
});
