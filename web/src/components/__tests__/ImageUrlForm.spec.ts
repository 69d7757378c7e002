import { mount } from "@vue/test-utils";
import { describe, expect, it } from "vitest";
import ImageUrlForm from "../ImageUrlForm.vue";

describe("ImageUrlForm", () => {
  it("submits an http(s) image URL from the labelled field", async () => {
    const form = mount(ImageUrlForm);

    expect(form.get('label[for="image-url"]').text()).toBe("Image URL");
    await form.get("#image-url").setValue("  https://img.example/look.jpg ");
    await form.get("form").trigger("submit");

    expect(form.get('button[type="submit"]').text()).toBe("Search by URL");
    expect(form.emitted("submit")).toEqual([["https://img.example/look.jpg"]]);
  });

  it("explains what is wrong with anything that is not a web address", async () => {
    const form = mount(ImageUrlForm);

    await form.get("#image-url").setValue("file:///etc/passwd");
    await form.get("form").trigger("submit");

    expect(form.emitted("submit")).toBeUndefined();
    expect(form.get("#image-url").attributes("aria-invalid")).toBe("true");
    expect(form.get("#image-url-problem").text()).toMatch(/starting with http:\/\/ or https:\/\//);
  });

  it("shows the image URL of the search in the page URL", async () => {
    const form = mount(ImageUrlForm, { props: { url: "https://img.example/a.jpg" } });
    expect((form.get("#image-url").element as HTMLInputElement).value).toBe("https://img.example/a.jpg");

    await form.setProps({ url: "https://img.example/b.jpg" });
    expect((form.get("#image-url").element as HTMLInputElement).value).toBe("https://img.example/b.jpg");
  });

  it("shows why the server could not use the URL until the shopper mistypes another", async () => {
    const reason = "The photo could not be downloaded (HTTP 404).";
    const form = mount(ImageUrlForm, { props: { url: "https://img.example/gone.jpg", error: reason } });

    expect(form.get("#image-url-problem").text()).toBe(reason);
    expect(form.get("#image-url-problem").attributes("role")).toBe("alert");
    expect(form.get("#image-url").attributes("aria-describedby")).toBe("image-url-problem");

    await form.get("#image-url").setValue("not a url");
    await form.get("form").trigger("submit");
    expect(form.get("#image-url-problem").text()).toMatch(/starting with http:\/\/ or https:\/\//);

    await form.setProps({ error: null });
    await form.get("#image-url").setValue("https://img.example/other.jpg");
    await form.get("form").trigger("submit");
    expect(form.find("#image-url-problem").exists()).toBe(false);
  });
});
