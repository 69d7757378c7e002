/**
 * The shopper's search as it lives in the page URL, so a search can be shared, bookmarked and walked with
 * back and forward. An uploaded photo cannot live in a URL; a photo found on the web can (`image_url`).
 */
import type { LocationQuery, LocationQueryRaw } from "vue-router";
import type { SearchFilters } from "../api";

export interface SearchQuery extends SearchFilters {
  image_url?: string;
}

const TEXT_KEYS = ["q", "category", "brand", "site", "image_url"] as const;
const PRICE_KEYS = ["min_price", "max_price"] as const;

function first(value: LocationQuery[string] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text?.trim() || undefined;
}

/** Reads a URL query; values that make no sense (a price of "abc", a non-http image URL) are dropped. */
export function parseSearchQuery(query: LocationQuery): SearchQuery {
  const search: SearchQuery = {};
  for (const key of TEXT_KEYS) {
    const value = first(query[key]);
    if (value !== undefined) search[key] = value;
  }
  for (const key of PRICE_KEYS) {
    const value = Number(first(query[key]) ?? Number.NaN);
    if (Number.isFinite(value) && value >= 0) search[key] = value;
  }
  const inStock = first(query.in_stock);
  if (inStock === "true" || inStock === "1") search.in_stock = true;
  if (search.image_url !== undefined && !isHttpUrl(search.image_url)) delete search.image_url;
  return search;
}

/** The URL query for a search: only the keys that are set, in a fixed order so equal searches give equal URLs. */
export function toLocationQuery(search: SearchQuery): LocationQueryRaw {
  const query: Record<string, string> = {};
  for (const key of ["q", "category", "brand", "site", "min_price", "max_price", "in_stock", "image_url"] as const) {
    const value = search[key];
    if (value === undefined || value === "" || value === false) continue;
    query[key] = String(value);
  }
  return query;
}

export function filtersOf(search: SearchQuery): SearchFilters {
  const { image_url: _imageUrl, ...filters } = search;
  return filters;
}

export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}
