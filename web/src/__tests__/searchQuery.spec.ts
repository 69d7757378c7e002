import { describe, expect, it } from "vitest";
import { filtersOf, parseSearchQuery, toLocationQuery } from "../views/searchQuery";

describe("search state in the URL", () => {
  it("reads every contract key with its type", () => {
    const search = parseSearchQuery({
      q: " red dress ",
      category: "Women/Dresses",
      brand: "Luma",
      site: "s-1",
      min_price: "10",
      max_price: "80.5",
      in_stock: "true",
      image_url: "https://img.example/look.jpg",
    });

    expect(search).toEqual({
      q: "red dress",
      category: "Women/Dresses",
      brand: "Luma",
      site: "s-1",
      min_price: 10,
      max_price: 80.5,
      in_stock: true,
      image_url: "https://img.example/look.jpg",
    });
  });

  it("drops values that make no sense instead of sending them to the server", () => {
    const search = parseSearchQuery({
      q: "",
      min_price: "cheap",
      max_price: "-5",
      in_stock: "no",
      image_url: "javascript:alert(1)",
      brand: ["Luma", "Nike"], // a repeated key: the first wins
    });

    expect(search).toEqual({ brand: "Luma" });
  });

  it("writes only the keys that are set, in one order, so equal searches make equal URLs", () => {
    const query = toLocationQuery({ in_stock: true, q: "hoodie", brand: "", min_price: 0, image_url: undefined });

    expect(Object.entries(query)).toEqual([
      ["q", "hoodie"],
      ["min_price", "0"],
      ["in_stock", "true"],
    ]);
    expect(toLocationQuery({ in_stock: false })).toEqual({});
  });

  it("round-trips a search through the URL", () => {
    const search = { q: "tee", category: "Men/Tops", max_price: 30, in_stock: true, image_url: "http://a.example/x.png" };

    expect(parseSearchQuery(toLocationQuery(search) as Record<string, string>)).toEqual(search);
  });

  it("keeps the image URL out of the filters sent with a search", () => {
    expect(filtersOf({ q: "tee", image_url: "https://a.example/x.png" })).toEqual({ q: "tee" });
  });
});
