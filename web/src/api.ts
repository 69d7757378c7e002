/**
 * Typed client for the SnapMode REST API (api/ in the repository).
 *
 * URLs are relative to the page's base so one build works behind any host.
 */

import { detailOf, retryAfterSeconds, statusText } from "./http";

/** x1, y1, x2, y2 in pixels of the uploaded image. */
export type Box = [number, number, number, number];

export type Availability = "InStock" | "OutOfStock";

export interface Region {
  box: Box;
  label: string; // detector class, or "image" for the whole photo
  score: number;
}

export interface SearchResult {
  product_id: string;
  name: string | null;
  price: string | null; // decimal string, the price paid now
  regular_price: string | null; // set when on sale
  currency: string | null; // ISO 4217
  brand: string | null;
  availability: Availability | null;
  url: string; // the shop's product page
  image_url: string; // the matched photo
  score: number; // ranking score, mostly cosine similarity of the vectors and of the colours; higher is closer
  box: Box;
  label: string;
}

export interface QueryCategory {
  label: string; // the classifier's product category for the searched region
  score: number;
  narrowed: boolean; // results were limited to that category
}

export interface ImageSearchResponse {
  regions: Region[]; // by score, the whole image always last
  region: number; // index of the searched region, -1 for a manual crop
  width: number;
  height: number;
  category?: QueryCategory;
  results: SearchResult[];
}

export interface SimilarResponse {
  results: SearchResult[];
}

export interface Product {
  id: string;
  url: string;
  name: string | null;
  price: string | null;
  regular_price: string | null;
  currency: string | null;
  brand: string | null;
  availability: Availability | null;
  images: string[];
  categories: string[];
  description: string | null;
  site?: string; // the registered shop's id
  discount_percent?: number | null;
  fetched_at?: number; // unix seconds
}

/** One point of a product's price history: recorded each time a crawl saw the price or stock change. */
export interface PricePoint {
  observed_at: number; // unix seconds
  price: string | null;
  regular_price: string | null;
  currency: string | null;
  availability: Availability | null;
}

export interface FacetValue {
  value: string;
  count: number;
}

/** Facet counts over the filtered set; "price" values are bucket labels such as "25-50" or "100+". */
export type FacetName = "brand" | "category" | "price" | "site";
export type Facets = Partial<Record<FacetName, FacetValue[]>>;

export interface CatalogSearchResponse {
  total: number;
  items: Product[];
  facets: Facets;
}

/** What a result card shows; image search hits carry a score, catalogue items do not. */
export interface ProductCardData {
  product_id: string;
  name: string | null;
  price: string | null;
  regular_price: string | null;
  currency: string | null;
  brand: string | null;
  availability: Availability | null;
  url: string;
  image_url: string;
  score?: number;
}

export function productCard(product: Product): ProductCardData {
  return {
    product_id: product.id,
    name: product.name,
    price: product.price,
    regular_price: product.regular_price,
    currency: product.currency,
    brand: product.brand,
    availability: product.availability,
    url: product.url,
    image_url: product.images[0] ?? "",
  };
}

/** A failed API call; `message` is the server's `detail` when it sent one. */
export class ApiError extends Error {
  readonly status: number; // 0 when the server could not be reached
  readonly retryAfter: number | null; // seconds, from the Retry-After header of a 429 or 503

  constructor(status: number, message: string, retryAfter: number | null = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.retryAfter = retryAfter;
  }

  get rateLimited(): boolean {
    return this.status === 429;
  }
}

const API_ROOT = `${import.meta.env.BASE_URL}api/v1`;

/** Text and filters shared by text search and photo search; empty ones are left out of the request. */
export interface SearchFilters {
  q?: string;
  category?: string;
  brand?: string;
  site?: string;
  min_price?: number;
  max_price?: number;
  in_stock?: boolean;
}

/** The photo to search with: an upload, or an http(s) URL the server fetches. */
export type PhotoSource = { file: Blob } | { url: string };

export interface ImageSearchOptions extends SearchFilters {
  k?: number;
  region?: number; // index into the regions of a previous answer for the same photo
  box?: Box; // a manual crop; the server prefers it over `region`
}

export function searchImage(
  source: PhotoSource,
  options: ImageSearchOptions = {},
  signal?: AbortSignal,
): Promise<ImageSearchResponse> {
  const form = new FormData();
  if ("file" in source) form.append("file", source.file, source.file instanceof File ? source.file.name : "photo");
  else form.append("url", source.url);
  const { box, ...rest } = options;
  for (const [name, value] of definedEntries(rest)) form.append(name, String(value));
  if (box !== undefined) form.append("box", box.map(Math.round).join(","));
  return request<ImageSearchResponse>(`${API_ROOT}/search/image`, { method: "POST", body: form, signal });
}

export function getProduct(productId: string, signal?: AbortSignal): Promise<Product> {
  return request<Product>(`${API_ROOT}/products/${encodeURIComponent(productId)}`, { signal });
}

export function priceHistory(productId: string, signal?: AbortSignal): Promise<PricePoint[]> {
  return request<PricePoint[]>(`${API_ROOT}/products/${encodeURIComponent(productId)}/history`, { signal });
}

export function similarProducts(productId: string, k = 12, signal?: AbortSignal): Promise<SimilarResponse> {
  const query = new URLSearchParams({ k: String(k) });
  return request<SimilarResponse>(`${API_ROOT}/products/${encodeURIComponent(productId)}/similar?${query}`, {
    signal,
  });
}

export interface CatalogQuery extends SearchFilters {
  offset?: number;
  limit?: number;
}

export function searchCatalog(query: CatalogQuery, signal?: AbortSignal): Promise<CatalogSearchResponse> {
  const params = new URLSearchParams();
  for (const [name, value] of definedEntries(query)) params.set(name, String(value));
  return request<CatalogSearchResponse>(`${API_ROOT}/search?${params}`, { signal });
}

// Empty filters are left out so the server applies its defaults.
function definedEntries(fields: object): [string, string | number | boolean][] {
  return Object.entries(fields).filter(
    (entry): entry is [string, string | number | boolean] => entry[1] !== undefined && entry[1] !== "",
  );
}

async function request<T>(url: string, init: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, headers: { Accept: "application/json" } });
  } catch (error) {
    if ((error as { name?: unknown } | null)?.name === "AbortError") throw error; // the caller cancelled it
    throw new ApiError(0, "Cannot reach the SnapMode server. Check your connection and try again.");
  }
  if (!response.ok) {
    const retryAfter = retryAfterSeconds(response.headers.get("Retry-After"));
    let message = (await detailOf(response)) ?? statusText(response);
    if (response.status === 429) {
      message = `Too many searches right now. ${retryAfter === null ? "Wait a moment" : `Try again in ${retryAfter} s`}.`;
    }
    throw new ApiError(response.status, message, retryAfter);
  }
  return (await response.json()) as T;
}

