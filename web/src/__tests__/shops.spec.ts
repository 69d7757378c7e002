import { describe, expect, it } from "vitest";
import { shopLabel, shopNamesById } from "../shops";

describe("shop names", () => {
  it("names each shop by its name, adding the host where two shops share one", () => {
    const names = shopNamesById([
      { id: "a", name: "Luma Demo Shop", url: "http://127.0.0.1:8100/" },
      { id: "b", name: "Luma Demo Shop", url: "http://127.0.0.1:8200/" },
      { id: "c", name: "shop.example", url: "https://www.shop.example/" },
    ]);

    expect(names).toEqual({
      a: "Luma Demo Shop – 127.0.0.1:8100",
      b: "Luma Demo Shop – 127.0.0.1:8200",
      c: "shop.example",
    });
  });

  it("falls back to the product page's host for a shop it cannot name", () => {
    expect(shopLabel({ a: "Luma" }, "a", "http://127.0.0.1:8100/p.html")).toBe("Luma");
    expect(shopLabel({ a: "Luma" }, "z", "https://www.shop.example/p.html")).toBe("shop.example");
    expect(shopLabel({}, undefined, "javascript:alert(1)")).toBeNull();
  });
});
