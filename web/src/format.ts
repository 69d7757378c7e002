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

/** The shop a product page belongs to, as a shopper recognises it: its host name without "www.". */
export function shopName(url: string | null | undefined): string | null {
  const href = safeHttpUrl(url);
  return href ? new URL(href).hostname.replace(/^www\./, "") : null;
}

export function formatDate(unixSeconds: number, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium" }).format(new Date(unixSeconds * 1000));
}

export const AVAILABILITY_TEXT = { InStock: "In stock", OutOfStock: "Out of stock" } as const;
