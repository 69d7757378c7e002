/**
 * Typed client for the SnapMode REST API (api/ in the repository).
 *
 * URLs are relative to the page's base so one build works behind any host.
 */

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
  score: number; // cosine similarity, higher is closer
  box: Box;
  label: string;
}

export interface ImageSearchResponse {
  regions: Region[]; // by score, the whole image always last
  region: number; // index of the searched region
  width: number;
  height: number;
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
}

export interface FacetValue {
  value: string;
  count: number;
}

export interface CatalogSearchResponse {
  total: number;
  items: Product[];
  facets: Record<string, FacetValue[]>;
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

  constructor(status: number, message: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

const API_ROOT = `${import.meta.env.BASE_URL}api/v1`;

export interface ImageSearchOptions {
  k?: number;
  region?: number; // index into the regions of a previous answer for the same photo
  box?: Box; // a manual crop; the server prefers it over `region`
}

export function searchImage(
  file: Blob,
  options: ImageSearchOptions = {},
  signal?: AbortSignal,
): Promise<ImageSearchResponse> {
  const form = new FormData();
  form.append("file", file, file instanceof File ? file.name : "photo");
  if (options.k !== undefined) form.append("k", String(options.k));
  if (options.region !== undefined) form.append("region", String(options.region));
  if (options.box !== undefined) form.append("box", options.box.map(Math.round).join(","));
  return request<ImageSearchResponse>(`${API_ROOT}/search/image`, { method: "POST", body: form, signal });
}

export function similarProducts(productId: string, k = 12, signal?: AbortSignal): Promise<SimilarResponse> {
  const query = new URLSearchParams({ k: String(k) });
  return request<SimilarResponse>(`${API_ROOT}/products/${encodeURIComponent(productId)}/similar?${query}`, {
    signal,
  });
}

export interface CatalogQuery {
  q?: string;
  category?: string;
  brand?: string;
  min_price?: number;
  max_price?: number;
  in_stock?: boolean;
  offset?: number;
  limit?: number;
}

export function searchCatalog(query: CatalogQuery, signal?: AbortSignal): Promise<CatalogSearchResponse> {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    // Empty filters are left out so the server applies its defaults.
    if (value !== undefined && value !== "") params.set(name, String(value));
  }
  return request<CatalogSearchResponse>(`${API_ROOT}/search?${params}`, { signal });
}

async function request<T>(url: string, init: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, headers: { Accept: "application/json" } });
  } catch (error) {
    if ((error as { name?: unknown } | null)?.name === "AbortError") throw error; // the caller cancelled it
    throw new ApiError(0, "Cannot reach the SnapMode server. Check your connection and try again.");
  }
  if (!response.ok) throw new ApiError(response.status, await errorMessage(response));
  return (await response.json()) as T;
}

/** FastAPI sends `detail` as a string, or as a list of field errors for 422. */
async function errorMessage(response: Response): Promise<string> {
  const fallback = `The server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ""}.`;
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return fallback; // not JSON, e.g. a proxy's HTML error page
  }
  const detail = (body as { detail?: unknown } | null)?.detail;
  if (typeof detail === "string" && detail) return detail;
  if (Array.isArray(detail)) {
    const messages = detail
      .map((item) => (item as { msg?: unknown } | null)?.msg)
      .filter((msg): msg is string => typeof msg === "string");
    if (messages.length) return messages.join("; ");
  }
  return fallback;
}
