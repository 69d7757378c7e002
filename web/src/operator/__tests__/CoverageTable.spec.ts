import { mount } from "@vue/test-utils";
import { describe, expect, it } from "vitest";
import CoverageTable from "../CoverageTable.vue";
import { siteCoverage } from "./fakeServer";

function table(coverage: ReturnType<typeof siteCoverage> | null) {
  const wrapper = mount(CoverageTable, { props: { coverage } });
  return wrapper.findAll("tbody tr").map((row) => row.findAll("th, td").map((cell) => cell.text()));
}

describe("CoverageTable", () => {
  it("lists each field with its share of products and its sources, and marks the gaps", () => {
    const coverage = siteCoverage(200, {
      name: [1, { "json-ld": 0.9, template: 0.1 }],
      price: [0.995, { "json-ld": 0.9, heuristics: 0.05, unrecorded: 0.045 }],
      sku: [0.3, { microdata: 0.3 }],
    });
    const rows = table(coverage);

    expect(rows.map((row) => row[0])).toEqual([
      "Name", "Price", "Currency (gap)", "SKU (gap)", "Brand (gap)", "Availability (gap)", "Images (gap)", "Description (gap)",
    ]);
    expect(rows[0]).toEqual(["Name", "100 % (200 of 200)", "json-ld 90 %, template 10 %"]);
    expect(rows[1]).toEqual(["Price", "100 % (199 of 200)", "json-ld 90 %, heuristics 5 %, not recorded 5 %"]);
    expect(rows[3]).toEqual(["SKU (gap)", "30 % (60 of 200)", "microdata 30 %"]);
    expect(rows[4]).toEqual(["Brand (gap)", "0 % (0 of 200)", "—"]);
  });

  it("draws each share as a bar and flags a gap row for styling", () => {
    const wrapper = mount(CoverageTable, {
      props: { coverage: siteCoverage(10, { name: [0.8, { rules: 0.8 }], price: [0.4, { rules: 0.4 }] }) },
    });
    const [name, price] = wrapper.findAll("tbody tr");
    expect(name!.classes()).not.toContain("coverage-gap");
    expect(name!.get(".coverage-bar > span").attributes("style")).toBe("width: 80%;");
    expect(price!.classes()).toContain("coverage-gap");
  });

  it("says when nothing is counted or indexed yet", () => {
    expect(table(null)).toEqual([["Not counted yet."]]);
    expect(table(siteCoverage(0))).toEqual([["No products indexed yet."]]);
  });
});
