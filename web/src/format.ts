/** Display helpers for values that come from crawled shop pages, so may be missing or odd. */

export function formatPrice(amount: string | null, currency: string | null, locale?: string): string | null {
  if (amount === null || amount === "") return null;
  const value = Number(amount);
  if (!Number.isFinite(value)) return currency ? `${amount} ${currency}` : amount;
  if (!currency) return new Intl.NumberFormat(locale, { minimumFractionDigits: 2 }).format(value);
  try {
    return new Intl.NumberFormat(locale, { style: "currency", currency }).format(value);
  } catch {
    return `${value.toFixed(2)} ${currency}`; // not an ISO 4217 code Intl knows
  }
}

export function isOnSale(price: string | null, regularPrice: string | null): boolean {
  if (!price || !regularPrice) return false;
  return Number(regularPrice) > Number(price);
}

/** Shop links come from crawled pages; only http(s) may become a clickable href. */
export function safeHttpUrl(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url, window.location.href);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/** Whole percent off the regular price, or null when not on sale. */
export function discountPercent(price: string | null, regularPrice: string | null): number | null {
  if (!isOnSale(price, regularPrice)) return null;
  return Math.round((1 - Number(price) / Number(regularPrice)) * 100);
}

/** A photo the server sent inline (its fetched copy of a photo given by URL): only base64 raster images. */
export function isImageDataUrl(url: string | null | undefined): url is string {
  return !!url && /^data:image\/(jpeg|png|webp|gif);base64,[A-Za-z0-9+/]+=*$/.test(url);
}

// Kinds are Myntra's catalogue names: article types, mostly plurals ("Tshirts"), or their families
// ("Topwear", "Shoes", "Sandal"). A shopper reads one garment's kind, so countable types are named in the
// singular; pairs ("Casual Shoes", "Jeans") and names not listed read well as they are.
const KIND_NAMES: Record<string, string> = {
  Sandal: "Sandals",
  Tshirts: "T-shirt",
  Shirts: "Shirt",
  Tops: "Top",
  Kurtas: "Kurta",
  Kurtis: "Kurti",
  "Kurta Sets": "Kurta Set",
  Tunics: "Tunic",
  Sweaters: "Sweater",
  Sweatshirts: "Sweatshirt",
  Jackets: "Jacket",
  Tracksuits: "Tracksuit",
  "Innerwear Vests": "Vest",
  Dresses: "Dress",
  Skirts: "Skirt",
  Sarees: "Saree",
  Handbags: "Handbag",
  Backpacks: "Backpack",
  Rucksacks: "Rucksack",
  Clutches: "Clutch",
  Watches: "Watch",
  Belts: "Belt",
  Wallets: "Wallet",
  Caps: "Cap",
  Ties: "Tie",
  Scarves: "Scarf",
  Mufflers: "Muffler",
  Stoles: "Stole",
  Umbrellas: "Umbrella",
  Footballs: "Football",
  "Necklace and Chains": "Necklace",
};

/** An article type ("Tshirts", "Casual Shoes") as a shopper names the kind of one product. */
export function kindName(articleType: string): string {
  return KIND_NAMES[articleType] ?? articleType;
}

/** The shop a product page belongs to, as a shopper recognises it: its host name without "www.". */
export function shopName(url: string | null | undefined): string | null {
  const href = safeHttpUrl(url);
  return href ? new URL(href).hostname.replace(/^www\./, "") : null;
}

export function formatDate(unixSeconds: number, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium" }).format(new Date(unixSeconds * 1000));
}

export const AVAILABILITY_TEXT = { InStock: "In stock", OutOfStock: "Out of stock" } as const;
