import { enableAutoUnmount, flushPromises, mount } from "@vue/test-utils";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Product, ProductCardData } from "../../api";
import { installDialogMethods, json, stubServer } from "../../__tests__/support";
import ProductDialog from "../ProductDialog.vue";

enableAutoUnmount(afterEach);
beforeEach(installDialogMethods);

const item: ProductCardData = {
  product_id: "p-1",
  name: "Mona Pullover Hoodlie",
  price: "45.60",
  regular_price: "57.00",
  currency: "USD",
  brand: "Luma",
  availability: "InStock",
  url: "https://www.shop.example/mona.html",
  image_url: "https://www.shop.example/mona.jpg",
};

const product: Product = {
  id: "p-1",
  url: item.url,
  name: item.name,
  price: item.price,
  regular_price: item.regular_price,
  currency: "USD",
  brand: "Luma",
  availability: "InStock",
  images: ["https://www.shop.example/mona.jpg", "https://www.shop.example/mona-back.jpg"],
  categories: ["Women/Tops/Hoodies"],
  description: "Soft fleece.",
  sku: null,
  variants: [],
  site: "s-1",
  discount_percent: 20,
  fetched_at: 1_700_864_000,
  field_sources: {},
};

const history = [
  { observed_at: 1_700_000_000, price: "57.00", regular_price: null, currency: "USD", availability: "InStock" },
  { observed_at: 1_700_864_000, price: "45.60", regular_price: "57.00", currency: "USD", availability: "InStock" },
];

describe("ProductDialog", () => {
  it("opens as a modal dialog named by the product, with details and the price history", async () => {
    stubServer([
      ["/api/v1/products/p-1/history", () => json(history)],
      ["/api/v1/products/p-1", () => json(product)],
    ]);
    const panel = mount(ProductDialog, { props: { item }, attachTo: document.body });
    await flushPromises();

    const dialog = panel.get("dialog");
    expect(dialog.attributes("open")).toBeDefined();
    expect(document.getElementById(dialog.attributes("aria-labelledby")!)!.textContent).toBe("Mona Pullover Hoodlie");
    expect(panel.get("s").text()).toContain("$57.00");
    expect(panel.get(".badge-sale").text()).toBe("−20%");
    expect(panel.get(".card-shop").text()).toBe("shop.example");
    expect(panel.text()).toContain("Soft fleece.");
    expect(panel.findAll(".dialog-photos img").map((img) => img.attributes("src"))).toEqual(product.images);
    expect(panel.get("caption").text()).toBe("Price history");
    expect(panel.findAll("tbody tr")).toHaveLength(2);
    expect(panel.get("a").text()).toBe("View in shop");
  });

  it("shows the server's message when the history cannot be loaded, keeping the card's details", async () => {
    stubServer([
      ["/api/v1/products/p-1/history", () => json({ detail: "The product index is unavailable." }, 503)],
      ["/api/v1/products/p-1", () => json(product)],
    ]);
    const panel = mount(ProductDialog, { props: { item }, attachTo: document.body });
    await flushPromises();

    expect(panel.get('[role="alert"]').text()).toBe("The product index is unavailable.");
    expect(panel.get("h2").text()).toBe("Mona Pullover Hoodlie");
  });

  it("closes from its Close button and asks for similar items", async () => {
    stubServer([
      ["/api/v1/products/p-1/history", () => json([])],
      ["/api/v1/products/p-1", () => json(product)],
    ]);
    const panel = mount(ProductDialog, { props: { item }, attachTo: document.body });
    await flushPromises();
    const button = (name: string) => panel.findAll("button").find((found) => found.text() === name)!;

    await button("Similar items").trigger("click");
    await button("Close").trigger("click");

    expect(panel.emitted("similar")).toEqual([[item]]);
    expect(panel.emitted("close")).toEqual([[]]);
    expect(panel.text()).toContain("No price history recorded yet.");
  });
});
