import { enableAutoUnmount, mount } from "@vue/test-utils";
import { afterEach, describe, expect, it } from "vitest";
import UploadZone from "../UploadZone.vue";

const photo = new File(["jpeg bytes"], "look.jpg", { type: "image/jpeg" });
const notes = new File(["hello"], "notes.txt", { type: "text/plain" });

function pasteEvent(files: File[]): Event {
  const event = new Event("paste", { cancelable: true });
  Object.defineProperty(event, "clipboardData", { value: { files } });
  return event;
}

enableAutoUnmount(afterEach); // the zone listens on window for pastes

describe("UploadZone", () => {
  it("hands over the photo chosen in the file dialog", async () => {
    const zone = mount(UploadZone);
    const input = zone.get('input[type="file"]');
    Object.defineProperty(input.element, "files", { value: [photo] });

    await input.trigger("change");

    expect(zone.emitted("select")).toEqual([[photo]]);
    expect(zone.get(`label[for="${input.attributes("id")}"]`).text()).toContain("Choose a photo");
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

    window.dispatchEvent(pasteEvent([]));
    window.dispatchEvent(withImage);

    expect(zone.emitted("select")).toEqual([[photo]]);
    expect(withImage.defaultPrevented).toBe(true);
  });
});
