import { enableAutoUnmount, mount } from "@vue/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import UploadZone from "../UploadZone.vue";

const photo = new File(["jpeg bytes"], "look.jpg", { type: "image/jpeg" });
const notes = new File(["hello"], "notes.txt", { type: "text/plain" });

function pasteEvent(files: File[], text = ""): Event {
  const event = new Event("paste", { cancelable: true, bubbles: true });
  Object.defineProperty(event, "clipboardData", { value: { files, getData: () => text } });
  return event;
}

enableAutoUnmount(afterEach); // the zone listens on window for pastes

describe("UploadZone", () => {
  it("hands over the photo chosen in the file dialog", async () => {
    const zone = mount(UploadZone);
    const input = zone.get("#photo-input");
    Object.defineProperty(input.element, "files", { value: [photo] });

    await input.trigger("change");

    expect(zone.emitted("select")).toEqual([[photo]]);
    expect(zone.get(`label[for="photo-input"]`).text()).toBe("Upload a photo");
  });

  it("opens the back camera from the Use camera button and hands over the shot", async () => {
    const zone = mount(UploadZone, { attachTo: document.body });
    const camera = zone.get('input[capture="environment"]');
    let opened = false;
    camera.element.addEventListener("click", () => (opened = true));

    await zone.get("button").trigger("click");
    Object.defineProperty(camera.element, "files", { value: [photo] });
    await camera.trigger("change");

    expect(zone.get("button").text()).toBe("Use camera");
    expect(opened).toBe(true);
    expect(zone.emitted("select")).toEqual([[photo]]);
  });

  it("takes the first image of a drop and rejects a drop without one", async () => {
    const zone = mount(UploadZone);

    await zone.trigger("drop", { dataTransfer: { files: [notes, photo] } });
    await zone.trigger("drop", { dataTransfer: { files: [notes] } });

    expect(zone.emitted("select")).toEqual([[photo]]);
    expect(zone.emitted("reject")).toEqual([["That file is not an image. Choose a JPEG, PNG or WebP photo."]]);
  });

  it("accepts an image pasted anywhere on the page and ignores pasted text", () => {
    const zone = mount(UploadZone);
    const withImage = pasteEvent([photo]);

    window.dispatchEvent(pasteEvent([], "just words"));
    window.dispatchEvent(withImage);

    expect(zone.emitted("select")).toEqual([[photo]]);
    expect(zone.emitted("url")).toBeUndefined();
    expect(withImage.defaultPrevented).toBe(true);
  });

  it("takes a pasted image address as a search by URL, except when pasted into a form field", () => {
    const zone = mount(UploadZone);
    const field = document.body.appendChild(document.createElement("input"));

    field.dispatchEvent(pasteEvent([], "https://img.example/in-a-field.jpg"));
    window.dispatchEvent(pasteEvent([], " https://img.example/look.jpg "));

    expect(zone.emitted("url")).toEqual([["https://img.example/look.jpg"]]);
    field.remove();
  });
});
