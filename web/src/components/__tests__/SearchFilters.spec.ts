import { enableAutoUnmount, mount } from "@vue/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import type { Facets } from "../../api";
import SearchFilters from "../SearchFilters.vue";

enableAutoUnmount(afterEach);

const facets: Facets = {
  category: [
    { value: "Women", count: 12 },
    { value: "Women/Tops", count: 7 },
  ],
  brand: [{ value: "Luma", count: 9 }],
  site: [
    { value: "73e500182d2f", count: 12 },
    { value: "0b1c2d3e4f5a", count: 1 },
  ],
  price: [
    { value: "25-50", count: 4 },
    { value: "100+", count: 2 },
  ],
};

type Filters = ReturnType<typeof mount<typeof SearchFilters>>;
const labelled = (filters: Filters, text: string) => {
  const label = filters.findAll("label").find((candidate) => candidate.text() === text);
  if (!label) throw new Error(`no label ${text}`);
  const input = label.element.querySelector("input") ?? document.getElementById(label.attributes("for")!);
  return filters.get(`#${input!.id || label.attributes("for")}`);
};
const optionTexts = (filters: Filters, text: string) =>
  labelled(filters, text)
    .findAll("option")
    .map((option) => option.text());

describe("SearchFilters", () => {
  it("lists facet values with their counts, and shops by name where the page knows it", () => {
    const filters = mount(SearchFilters, {
      props: { filters: {}, facets, shopNames: { "73e500182d2f": "shop.example" } },
      attachTo: document.body,
    });

    expect(optionTexts(filters, "Category")).toEqual(["All categories", "Women (12)", "Women/Tops (7)"]);
    expect(optionTexts(filters, "Brand")).toEqual(["All brands", "Luma (9)"]);
    expect(optionTexts(filters, "Shop")).toEqual(["All shops", "shop.example (12)", "0b1c2d3e4f5a (1)"]);
  });

  it("applies text and filters together, leaving empty ones out", async () => {
    const filters = mount(SearchFilters, { props: { filters: {}, facets }, attachTo: document.body });

    await labelled(filters, "Search text").setValue(" hoodie ");
    await labelled(filters, "Category").setValue("Women/Tops");
    await labelled(filters, "Maximum price").setValue("60");
    await filters.get('input[type="checkbox"]').setValue(true);
    await filters.get("form").trigger("submit");

    expect(filters.get('button[type="submit"]').text()).toBe("Apply filters");
    expect(filters.emitted("apply")).toEqual([
      [
        {
          q: "hoodie",
          category: "Women/Tops",
          brand: undefined,
          site: undefined,
          min_price: undefined,
          max_price: 60,
          in_stock: true,
        },
      ],
    ]);
  });

  it("fills the form from the URL's search and keeps a chosen value no facet has", () => {
    const filters = mount(SearchFilters, {
      props: { filters: { q: "tee", brand: "Gone", min_price: 5, in_stock: true }, facets },
      attachTo: document.body,
    });

    expect((labelled(filters, "Search text").element as HTMLInputElement).value).toBe("tee");
    expect((labelled(filters, "Brand").element as HTMLSelectElement).value).toBe("Gone");
    expect(optionTexts(filters, "Brand")).toEqual(["All brands", "Gone", "Luma (9)"]);
    expect((labelled(filters, "Minimum price").element as HTMLInputElement).value).toBe("5");
    expect((filters.get('input[type="checkbox"]').element as HTMLInputElement).checked).toBe(true);
    expect(filters.get(".checkbox").text()).toBe("In stock only");
  });

  it("turns a price bucket into a price range and applies it", async () => {
    const filters = mount(SearchFilters, { props: { filters: { brand: "Luma" }, facets }, attachTo: document.body });
    const buckets = filters.findAll('[aria-label="Price ranges"] button');

    expect(buckets.map((bucket) => bucket.text())).toEqual(["25-50 (4)", "100+ (2)"]);
    await buckets[0]!.trigger("click");
    await buckets[1]!.trigger("click");

    const applied = filters.emitted<[Record<string, unknown>]>("apply")!.map(([value]) => value);
    expect(applied.map(({ brand, min_price, max_price }) => [brand, min_price, max_price])).toEqual([
      ["Luma", 25, 50],
      ["Luma", 100, undefined],
    ]);
  });

  it("asks to clear the filters", async () => {
    const filters = mount(SearchFilters, { props: { filters: { brand: "Luma" }, facets } });
    const clear = filters.findAll("button").find((button) => button.text() === "Clear filters")!;

    await clear.trigger("click");

    expect(filters.emitted("clear")).toEqual([[]]);
  });

  it("folds the filters behind a Filters button that tells how many are chosen", async () => {
    const filters = mount(SearchFilters, {
      props: { filters: { q: "tee", brand: "Luma", min_price: 5, max_price: 50 }, facets },
      attachTo: document.body,
    });
    const toggle = filters.get("button.filters-toggle");
    const fields = filters.get("#filter-fields");

    expect(toggle.text()).toBe("Filters (2 chosen)"); // the brand, and the price range
    expect(toggle.attributes("aria-controls")).toBe("filter-fields");
    expect(toggle.attributes("aria-expanded")).toBe("false");
    expect(fields.classes()).not.toContain("filter-fields-open");
    expect(fields.find("#filter-brand").exists()).toBe(true);
    expect(fields.find("#search-text").exists()).toBe(false); // the text search stays in sight

    await toggle.trigger("click");
    expect(toggle.attributes("aria-expanded")).toBe("true");
    expect(fields.classes()).toContain("filter-fields-open");

    await filters.setProps({ filters: {} });
    expect(toggle.text()).toBe("Filters");
  });
});
