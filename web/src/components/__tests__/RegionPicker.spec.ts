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
    attachTo: document.body,
  });
}

type Picker = ReturnType<typeof mountPicker>;

/** Lay the overlay out as a browser would with the photo displayed at the given CSS pixels. */
function displayAt(picker: Picker, left: number, top: number, width: number, height: number) {
  const svg = picker.get("svg").element;
  svg.getBoundingClientRect = () => new DOMRect(left, top, width, height);
}

const button = (picker: Picker, name: string) => {
  const found = picker.findAll("button").find((candidate) => candidate.text() === name);
  if (!found) throw new Error(`no button ${name}`);
  return found;
};
const box = (picker: Picker, index: number) => picker.get(`g[data-region="${index}"]`);
const geometry = (rect: ReturnType<Picker["get"]>) =>
  ["x", "y", "width", "height"].map((name) => Number(rect.attributes(name)));

describe("RegionPicker", () => {
  it("names one button per region in API order by number, not by the detector's guess, and emits its index", async () => {
    const picker = mountPicker({ regions: [{ box: [100, 50, 500, 300], label: "accessory", score: 0.9 }, ...regions] });

    const names = picker.findAll(".region-list button").map((found) => found.text());
    expect(names).toEqual(["Region 1", "Region 2", "Region 3", "Whole photo", "Crop manually"]);
    expect(picker.text()).not.toContain("accessory");
    expect(picker.get("svg").text()).not.toMatch(/top|trousers/);
    await button(picker, "Region 3").trigger("click");
    await button(picker, "Whole photo").trigger("click");

    expect(picker.emitted("select")).toEqual([[2], [3]]);
  });

  it("draws boxes in the photo's pixel space, larger first so smaller ones stay clickable", async () => {
    const picker = mountPicker();

    expect(picker.get("svg").attributes("viewBox")).toBe("0 0 1000 500");
    expect(picker.findAll("g.region").map((group) => group.attributes("data-region"))).toEqual(["2", "0", "1"]);
    expect(geometry(box(picker, 0).get(".region-line"))).toEqual([100, 50, 400, 250]);
    await box(picker, 1).trigger("click");
    expect(picker.emitted("select")).toEqual([[1]]);
  });

  it("marks the searched region pressed and highlights a region's box while its button has focus", async () => {
    const picker = mountPicker({ selected: 1 });

    expect(button(picker, "Region 2").attributes("aria-pressed")).toBe("true");
    expect(button(picker, "Region 1").attributes("aria-pressed")).toBe("false");
    expect(box(picker, 1).classes()).toContain("region-selected");
    expect(picker.get("figcaption").text()).toContain("Searched with: Region 2");

    await button(picker, "Region 1").trigger("focus");
    expect(box(picker, 0).classes()).toContain("region-highlighted");
  });

  it("dims the photo around the searched region, not around the whole photo", async () => {
    const picker = mountPicker({ selected: 1 });

    // The photo's outline, then the region's box: the even-odd fill leaves the box clear.
    expect(picker.get("path.region-dim").attributes("d")).toBe("M0 0H1000V500H0Z M150 280V500H450V280Z");
    expect(picker.get("path.region-dim").attributes("fill-rule")).toBe("evenodd");

    await picker.setProps({ selected: 2 });
    expect(picker.find("path.region-dim").exists()).toBe(false);
    await picker.setProps({ selected: null, crop: [10, 20, 110, 220] });
    expect(picker.get("path.region-dim").attributes("d")).toBe("M0 0H1000V500H0Z M10 20V220H110V20Z");
  });

  it("says it is searching with the picked region until the answer comes", async () => {
    const picker = mountPicker({ selected: 0, busy: true });

    expect(picker.get("figcaption").text()).toContain("Searching with: Region 1");
    expect(picker.get(".region-stage").classes()).toContain("region-stage-busy");
    await picker.setProps({ busy: false });
    expect(picker.get("figcaption").text()).toContain("Searched with: Region 1");
  });

  it("keeps the photo's shape before it loads, so nothing below it moves", () => {
    const picker = mountPicker();

    expect(picker.get(".region-photo").attributes("style")).toContain("aspect-ratio: 1000 / 500");
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
    await box(picker, 0).trigger("click");

    expect(picker.emitted("crop")).toEqual([[[100, 50, 300, 250]]]);
    expect(picker.emitted("select")).toBeUndefined();
  });

  it("treats a tiny pointer movement as a click, not a crop", async () => {
    const picker = mountPicker();
    displayAt(picker, 0, 0, 500, 250);
    const top = box(picker, 0);

    await top.trigger("pointerdown", { button: 0, clientX: 100, clientY: 100, pointerId: 1 });
    await top.trigger("pointermove", { clientX: 103, clientY: 102, pointerId: 1 });
    await top.trigger("pointerup", { clientX: 103, clientY: 102, pointerId: 1 });
    await top.trigger("click");

    expect(picker.emitted("crop")).toBeUndefined();
    expect(picker.emitted("select")).toEqual([[0]]);
  });

  it("crops with the keyboard: arrows move the box, Shift+arrows resize it, Enter searches", async () => {
    const picker = mountPicker();

    await button(picker, "Crop manually").trigger("click");
    const stage = picker.get('[aria-label="Crop area"]');
    expect(document.activeElement).toBe(stage.element);
    expect(geometry(picker.get("rect.region-crop"))).toEqual([250, 125, 500, 250]); // the middle half

    await stage.trigger("keydown", { key: "ArrowRight" }); // 2% of 1000 px
    await stage.trigger("keydown", { key: "ArrowDown", shiftKey: true }); // 2% of 500 px taller
    await stage.trigger("keydown", { key: "Enter" });

    expect(picker.emitted("crop")).toEqual([[[270, 125, 770, 385]]]);
    expect(picker.find('[aria-label="Crop area"]').exists()).toBe(false);
  });

  it("keeps a keyboard crop inside the photo and drops it on Escape", async () => {
    const picker = mountPicker();
    await button(picker, "Crop manually").trigger("click");
    const stage = picker.get('[aria-label="Crop area"]');

    for (let press = 0; press < 40; press++) await stage.trigger("keydown", { key: "ArrowLeft" });
    expect(geometry(picker.get("rect.region-crop"))).toEqual([0, 125, 500, 250]);
    await stage.trigger("keydown", { key: "Escape" });

    expect(picker.find("rect.region-crop").exists()).toBe(false);
    expect(picker.emitted("crop")).toBeUndefined();
  });

  it("shows a searched crop instead of a region highlight", () => {
    const picker = mountPicker({ selected: null, crop: [10, 20, 110, 220] });

    expect(geometry(picker.get("rect.region-crop"))).toEqual([10, 20, 100, 200]);
    expect(picker.findAll('.region-list button[aria-pressed="true"]').map((found) => found.text())).toEqual([
      "Crop manually",
    ]);
    expect(picker.get("figcaption").text()).toContain("Searched with: your selection");
  });
});
