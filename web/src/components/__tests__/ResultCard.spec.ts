import { mount } from "@vue/test-utils";
import { describe, expect, it } from "vitest";
import { shallowRef } from "vue";
import type { ProductCardData } from "../../api";
import { SHOP_NAMES } from "../../shops";
import ResultCard from "../ResultCard.vue";

function item(overrides: Partial<ProductCardData> = {}): ProductCardData {
  return {
    product_id: "p-1",
    name: "Mona Pullover Hoodlie",
    price: "57.00",
    regular_price: null,
    currency: "USD",
    brand: "Luma",
    availability: "InStock",
    url: "https://shop.example/mona-pullover-hoodlie.html",
    image_url: "https://shop.example/media/wh01-green_main.jpg",
    score: 0.9137,
    ...overrides,
  };
}

describe("ResultCard", () => {
  it("shows photo, name, brand, formatted price, stock, shop and score", () => {
    const card = mount(ResultCard, { props: { item: item() } });

    expect(card.get("img").attributes("src")).toBe("https://shop.example/media/wh01-green_main.jpg");
    expect(card.get(".card-name").text()).toBe("Mona Pullover Hoodlie");
    expect(card.get(".card-brand").text()).toBe("Luma");
    expect(card.get(".card-price").text()).toBe("$57.00");
    expect(card.find("s").exists()).toBe(false);
    expect(card.get(".badge").text()).toBe("In stock");
    expect(card.get(".card-shop").text()).toBe("shop.example");
    expect(card.get(".card-score").text()).toBe("Similarity 0.91");
  });

  it("names the shop by the name its site id has, else by its host", () => {
    const names = shallowRef({ "73e500182d2f": "Luma Outlet" });
    const named = mount(ResultCard, {
      props: { item: item({ site: "73e500182d2f", url: "http://127.0.0.1:8100/mona.html" }) },
      global: { provide: { [SHOP_NAMES]: names } },
    });
    const unnamed = mount(ResultCard, {
      props: { item: item({ site: "0b1c2d3e4f5a", url: "http://127.0.0.1:8100/mona.html" }) },
      global: { provide: { [SHOP_NAMES]: names } },
    });

    expect(named.get(".card-shop").text()).toBe("Luma Outlet");
    expect(unnamed.get(".card-shop").text()).toBe("127.0.0.1");
  });

  it("strikes through the regular price and shows the discount when on sale", () => {
    const card = mount(ResultCard, {
      props: { item: item({ price: "45.60", regular_price: "57.00", currency: "EUR" }) },
    });

    expect(card.get(".price-sale").text()).toContain("€45.60");
    expect(card.get("s.price-regular").text()).toContain("€57.00");
    expect(card.get(".badge-sale").text()).toBe("−20%");
  });

  it("is not on sale when the regular price is below the price", () => {
    const card = mount(ResultCard, { props: { item: item({ price: "57.00", regular_price: "45.00" }) } });

    expect(card.find("s").exists()).toBe(false);
    expect(card.find(".badge-sale").exists()).toBe(false);
  });

  it("marks out-of-stock products and leaves the badge out when stock is unknown", () => {
    const out = mount(ResultCard, { props: { item: item({ availability: "OutOfStock" }) } });
    const unknown = mount(ResultCard, { props: { item: item({ availability: null }) } });

    expect(out.get(".badge").text()).toBe("Out of stock");
    expect(out.get(".badge").classes()).toContain("badge-out");
    expect(unknown.find(".badge").exists()).toBe(false);
  });

  it("links out to the shop page in a new tab with the exact name View in shop", () => {
    const link = mount(ResultCard, { props: { item: item() } }).get("a");

    expect(link.text()).toBe("View in shop");
    expect(link.attributes("href")).toBe("https://shop.example/mona-pullover-hoodlie.html");
    expect(link.attributes("target")).toBe("_blank");
    expect(link.attributes("rel")).toBe("noopener");
  });

  it("never turns a non-http shop URL into a link", () => {
    const card = mount(ResultCard, { props: { item: item({ url: "javascript:alert(1)" }) } });

    expect(card.find("a").exists()).toBe(false);
    expect(card.find(".card-shop").exists()).toBe(false);
  });

  it("leaves the score out for catalogue items, which have none", () => {
    const card = mount(ResultCard, { props: { item: item({ score: undefined }) } });

    expect(card.find(".card-score").exists()).toBe(false);
  });

  it("opens the product from its name or anywhere on the card, but not from its link or Similar items", async () => {
    const card = mount(ResultCard, { props: { item: item() } });
    const similar = card.findAll("button").find((button) => button.text() === "Similar items")!;

    await card.get(".card-name button").trigger("click");
    await card.get("img").trigger("click");
    await card.get("a").trigger("click");
    await similar.trigger("click");

    expect(card.emitted("open")).toEqual([[item()], [item()]]);
    expect(card.emitted("similar")).toEqual([[item()]]);
  });
});
