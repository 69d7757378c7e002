import { describe, expect, it } from "vitest";
import { isImageDataUrl, kindName } from "../format";

describe("kindName", () => {
  it("names one garment's kind as a shopper would, pairs in the plural", () => {
    expect(kindName("Tshirts")).toBe("T-shirt");
    expect(kindName("Dresses")).toBe("Dress");
    expect(kindName("Innerwear Vests")).toBe("Vest");
    expect(kindName("Casual Shoes")).toBe("Casual Shoes");
    expect(kindName("Jeans")).toBe("Jeans");
    expect(kindName("Sandal")).toBe("Sandals"); // families too
    expect(kindName("Topwear")).toBe("Topwear");
    expect(kindName("A Kind Not Listed")).toBe("A Kind Not Listed");
  });
});

describe("isImageDataUrl", () => {
  it("accepts the server's inline raster photos only", () => {
    expect(isImageDataUrl("data:image/jpeg;base64,/9j/4AAQSkZJRgABAQ==")).toBe(true);
    expect(isImageDataUrl("data:image/svg+xml;base64,PHN2Zz4=")).toBe(false);
    expect(isImageDataUrl("data:text/html;base64,PGI+")).toBe(false);
    expect(isImageDataUrl("http://169.254.169.254/")).toBe(false);
    expect(isImageDataUrl(null)).toBe(false);
  });
});
