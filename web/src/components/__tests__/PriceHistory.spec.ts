import { mount } from "@vue/test-utils";
import { describe, expect, it } from "vitest";
import type { PricePoint } from "../../api";
import PriceHistory from "../PriceHistory.vue";

const DAY = 86_400;
const points: PricePoint[] = [
  { observed_at: 1_700_000_000, price: "60.00", regular_price: null, currency: "USD", availability: "InStock" },
  { observed_at: 1_700_000_000 + 10 * DAY, price: "45.00", regular_price: "60.00", currency: "USD", availability: "InStock" },
  { observed_at: 1_700_000_000 + 20 * DAY, price: null, regular_price: null, currency: "USD", availability: "OutOfStock" },
];

describe("PriceHistory", () => {
  it("tabulates every point, newest first, under the caption Price history", () => {
    const history = mount(PriceHistory, { props: { points } });

    expect(history.get("caption").text()).toBe("Price history");
    const rows = history.findAll("tbody tr").map((row) => row.findAll("td").map((cell) => cell.text()));
    expect(rows.map((cells) => cells.slice(1))).toEqual([
      ["—", "—", "Out of stock"],
      ["$45.00", "$60.00", "In stock"],
      ["$60.00", "—", "In stock"],
    ]);
  });

  it("draws the price as a step line from the highest to the lowest price, and describes it", () => {
    const history = mount(PriceHistory, { props: { points } });
    const chart = history.get("svg");

    expect(chart.attributes("role")).toBe("img");
    expect(chart.attributes("aria-label")).toMatch(/^Price from \$60\.00 on .+ to no price on .+$/);
    // Two priced points: the higher starts at the top edge, the lower sits on the bottom edge.
    const d = history.get("path").attributes("d")!;
    expect(d).toMatch(/^M8\.0,8\.0 H[\d.]+ L[\d.]+,112\.0 H312\.0$/);
  });

  it("says so when nothing has been recorded", () => {
    const history = mount(PriceHistory, { props: { points: [] } });

    expect(history.text()).toBe("No price history recorded yet.");
    expect(history.find("table").exists()).toBe(false);
  });
});
