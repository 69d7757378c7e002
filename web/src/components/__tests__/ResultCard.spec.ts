import { mount } from "@vue/test-utils";
import { describe, expect, it } from "vitest";
import type { ProductCardData } from "../../api";
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
  it("shows photo, name, brand, formatted price, stock and score", () => {
    const card = mount(ResultCard, { props: { item: item() } });

    const photo = card.get("img");
    expect(photo.attributes("src")).toBe("https://shop.example/media/wh01-green_main.jpg");
    expect(photo.attributes("alt")).toBe("Mona Pullover Hoodlie");
    expect(card.get(".card-name").text()).toContain("Mona Pullover Hoodlie");
    expect(card.get(".card-brand").text()).toBe("Luma");
    expect(card.get(".card-price").text()).toBe("$57.00");
    expect(card.find("s").exists()).toBe(false);
    expect(card.get(".badge").text()).toBe("In stock");
    expect(card.get(".card-score").text()).toBe("Similarity 0.91");
  });

  it("strikes through the regular price when on sale", () => {
    const card = mount(ResultCard, {
      props: { item: item({ price: "45.60", regular_price: "57.00", currency: "EUR" }) },
    });

    expect(card.get(".price-sale").text()).toContain("€45.60");
    expect(card.get("s.price-regular").text()).toContain("€57.00");
  });

  it("is not on sale when the regular price is below the price", () => {
    const card = mount(ResultCard, { props: { item: item({ price: "57.00", regular_price: "45.00" }) } });

    expect(card.find("s").exists()).toBe(false);
    expect(card.find(".price-sale").exists()).toBe(false);
  });

  it("marks out-of-stock products and leaves the badge out when stock is unknown", () => {
    const out = mount(ResultCard, { props: { item: item({ availability: "OutOfStock" }) } });
    const unknown = mount(ResultCard, { props: { item: item({ availability: null }) } });

    expect(out.get(".badge").text()).toBe("Out of stock");
    expect(out.get(".badge").classes()).toContain("badge-out");
    expect(unknown.find(".badge").exists()).toBe(false);
  });

  it("links out to the shop page in a new tab", () => {
    const link = mount(ResultCard, { props: { item: item() } }).get(".card-name a");

    expect(link.attributes("href")).toBe("https://shop.example/mona-pullover-hoodlie.html");
    expect(link.attributes("target")).toBe("_blank");
    expect(link.attributes("rel")).toBe("noopener");
  });

  it("never turns a non-http shop URL into a link", () => {
    const card = mount(ResultCard, { props: { item: item({ url: "javascript:alert(1)" }) } });

    expect(card.find("a").exists()).toBe(false);
    expect(card.get(".card-name").text()).toBe("Mona Pullover Hoodlie");
  });

  it("leaves the score out for catalogue items, which have none", () => {
    const card = mount(ResultCard, { props: { item: item({ score: undefined }) } });

    expect(card.find(".card-score").exists()).toBe(false);
  });

  it("asks for more like this product", async () => {
    const card = mount(ResultCard, { props: { item: item() } });

    await card.get("button").trigger("click");

    expect(card.emitted("more")).toEqual([["p-1"]]);
  });
});
