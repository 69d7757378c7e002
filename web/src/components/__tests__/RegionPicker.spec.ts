import { mount } from "@vue/test-utils";
import { describe, expect, it } from "vitest";
import type { Region } from "../../api";
import RegionPicker from "../RegionPicker.vue";

// API order: by score, the whole image last.
const regions: Region[] = [
  { box: [100, 50, 500, 300], label: "top", score: 0.91 },
  { box: [150, 280, 450, 500], label: "trousers", score: 0.77 },
  { box: [0, 0, 1000, 500], label: "image", score: 1.0 },
];

function mountPicker(props: Partial<InstanceType<typeof RegionPicker>["$props"]> = {}) {
  return mount(RegionPicker, {
    props: { src: "blob:photo", width: 1000, height: 500, regions, selected: 0, ...props },
  });
}

/** Lay the overlay out as a browser would with the photo displayed at 500 x 250 CSS pixels. */
function displayAt(picker: ReturnType<typeof mountPicker>, left: number, top: number, width: number, height: number) {
  const svg = picker.get("svg").element;
  svg.getBoundingClientRect = () => new DOMRect(left, top, width, height);
}

describe("RegionPicker", () => {
  it("draws every box in the photo's pixel space so the overlay scales with the displayed photo", () => {
    const picker = mountPicker();
    const svg = picker.get("svg");

    expect(svg.attributes("viewBox")).toBe("0 0 1000 500");
    expect(svg.attributes("preserveAspectRatio")).toBe("none");
    expect(svg.classes()).toContain("region-overlay");
    const top = picker.get('[aria-label="Search with top, 91% confidence"] .region-line');
    expect([top.attributes("x"), top.attributes("y"), top.attributes("width"), top.attributes("height")]).toEqual([
      "100",
      "50",
      "400",
      "250",
    ]);
  });

  it("draws larger boxes first so smaller ones stay clickable on top", () => {
    const labels = mountPicker()
      .findAll("g.region")
      .map((group) => group.attributes("aria-label"));

    expect(labels).toEqual([
      "Search with Whole photo",
      "Search with top, 91% confidence",
      "Search with trousers, 77% confidence",
    ]);
  });

  it("emits the API index of the clicked region", async () => {
    const picker = mountPicker();

    await picker.get('[aria-label="Search with trousers, 77% confidence"]').trigger("click");
    await picker.get('[aria-label="Search with Whole photo"]').trigger("click");

    expect(picker.emitted("select")).toEqual([[1], [2]]);
  });

  it("lets keyboard users focus a box and pick it with Enter or Space", async () => {
    const picker = mountPicker();
    const trousers = picker.get('[aria-label="Search with trousers, 77% confidence"]');

    expect(trousers.attributes("role")).toBe("button");
    expect(trousers.attributes("tabindex")).toBe("0");
    await trousers.trigger("keydown", { key: "Enter" });
    await trousers.trigger("keydown", { key: " " });

    expect(picker.emitted("select")).toEqual([[1], [1]]);
  });

  it("highlights the searched region", () => {
    const picker = mountPicker({ selected: 1 });
    const pressed = picker.findAll('g.region[aria-pressed="true"]');

    expect(pressed.map((group) => group.attributes("aria-label"))).toEqual(["Search with trousers, 77% confidence"]);
    expect(pressed[0]!.classes()).toContain("region-selected");
    expect(picker.get("figcaption").text()).toContain("Searched with: trousers");
  });

  it("turns a drag across the displayed photo into a crop in the photo's pixels", async () => {
    const picker = mountPicker();
    displayAt(picker, 20, 10, 500, 250); // displayed at half size
    const svg = picker.get("svg");

    await svg.trigger("pointerdown", { button: 0, clientX: 70, clientY: 35, pointerId: 1 });
    await svg.trigger("pointermove", { clientX: 120, clientY: 85, pointerId: 1 });
    await svg.trigger("pointermove", { clientX: 170, clientY: 135, pointerId: 1 });
    await svg.trigger("pointerup", { clientX: 170, clientY: 135, pointerId: 1 });
    // The click that ends the drag lands on a region but must not select it.
    await picker.get('[aria-label="Search with top, 91% confidence"]').trigger("click");

    expect(picker.emitted("crop")).toEqual([[[100, 50, 300, 250]]]);
    expect(picker.emitted("select")).toBeUndefined();
  });

  it("treats a tiny pointer movement as a click, not a crop", async () => {
    const picker = mountPicker();
    displayAt(picker, 0, 0, 500, 250);
    const top = picker.get('[aria-label="Search with top, 91% confidence"]');

    await top.trigger("pointerdown", { button: 0, clientX: 100, clientY: 100, pointerId: 1 });
    await top.trigger("pointermove", { clientX: 103, clientY: 102, pointerId: 1 });
    await top.trigger("pointerup", { clientX: 103, clientY: 102, pointerId: 1 });
    await top.trigger("click");

    expect(picker.emitted("crop")).toBeUndefined();
    expect(picker.emitted("select")).toEqual([[0]]);
  });

  it("shows a searched crop instead of a region highlight", () => {
    const picker = mountPicker({ selected: null, crop: [10, 20, 110, 220] });
    const crop = picker.get("rect.region-crop");

    expect([crop.attributes("x"), crop.attributes("y"), crop.attributes("width"), crop.attributes("height")]).toEqual([
      "10",
      "20",
      "100",
      "200",
    ]);
    expect(picker.findAll('g.region[aria-pressed="true"]')).toHaveLength(0);
    expect(picker.get("figcaption").text()).toContain("Searched with: your selection");
  });
});
