/**
 * Typed client for the SnapMode REST API (api/ in the repository).
 *
 * URLs are relative to the page's base so one build works behind any host.
 */

import type { Given, Schemas, Sent, paths } from "./api/sent";
import { detailOf, retryAfterSeconds, statusText } from "./http";

// Answers: the schemas of web/openapi.json, as sent (./api/sent.ts).

export type Region = Sent<Schemas["Region"]>; // label: the detector class, or "image" for the whole photo
/** x1, y1, x2, y2 in pixels of the uploaded image. */
export type Box = Region["box"];
export type SearchResult = Sent<Schemas["SearchResult"]>;
export type Availability = NonNullable<SearchResult["availability"]>;
/** The classifier's product category of the searched region; never shown to shoppers. */
export type QueryCategory = Sent<Schemas["QueryCategory"]>;
/** The searched region's kind of product, when the model is confident of it. */
export type QueryKind = Sent<Schemas["QueryKind"]>;
/** `regions` by score, the whole image always last; `region` -1 for a manual crop; `photo` for a photo given by URL. */
export type ImageSearchResponse = Sent<Schemas["ImageSearch"]>;
/** A registered shop as shoppers know it: `name` is its own name, else its host. */
export type Shop = Sent<Schemas["Shop"]>;
export type SimilarResponse = Sent<Schemas["SimilarResults"]>;
export type Product = Sent<Schemas["Product"]>;
/** One point of a product's price history: recorded each time a crawl saw the price or stock change. */
export type PricePoint = Sent<Schemas["PricePoint"]>;
export type FacetValue = Sent<Schemas["FacetCount"]>;
export type CatalogSearchResponse = Sent<Schemas["ProductPage"]>;
/**
 * Facet counts over the filtered set; "price" values are bucket labels such as "25-50" or "100+". The schema names
 * no facets (ProductPage.facets is a dict by name), so neither does the page: it reads the names it shows.
 */
export type FacetName = Extract<keyof CatalogSearchResponse["facets"], string>;
/** The facets shown; none before the first answer. */
export type Facets = Partial<CatalogSearchResponse["facets"]>;

/** What a result card shows; image search hits carry a score, catalogue items do not. */
export type ProductCardData = Pick<
  SearchResult,
  "product_id" | "name" | "price" | "regular_price" | "currency" | "brand" | "availability" | "url" | "image_url"
> &
  Partial<Pick<SearchResult, "score" | "site">>;

export function productCard(product: Product): ProductCardData {
  return {
    product_id: product.id,
    site: product.site,
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

// Requests: the parameters of web/openapi.json's operations.
type CatalogParameters = NonNullable<paths["/api/v1/search"]["get"]["parameters"]["query"]>;
type ImageSearchForm = NonNullable<
  paths["/api/v1/search/image"]["post"]["requestBody"]
>["content"]["multipart/form-data"];

/** Text and filters shared by text search and photo search; empty ones are left out of the request. */
export type SearchFilters = Given<Pick<CatalogParameters, keyof CatalogParameters & keyof ImageSearchForm>>;

/** The photo to search with: an upload, or an http(s) URL the server fetches. */
export type PhotoSource = { file: Blob } | { url: string };

/** `k` left out, the server's setting decides; `region` indexes the regions of a previous answer for the same photo. */
export type ImageSearchOptions = SearchFilters &
  Given<Pick<ImageSearchForm, "k" | "region">> & {
    box?: Box; // a manual crop, sent as "x1,y1,x2,y2"; the server prefers it over `region`
  };

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

/** `k` left out, the server's setting decides how many. */
export function similarProducts(productId: string, k?: number, signal?: AbortSignal): Promise<SimilarResponse> {
  const query = k === undefined ? "" : `?${new URLSearchParams({ k: String(k) })}`;
  return request<SimilarResponse>(`${API_ROOT}/products/${encodeURIComponent(productId)}/similar${query}`, {
    signal,
  });
}

export function listShops(signal?: AbortSignal): Promise<Shop[]> {
  return request<Shop[]>(`${API_ROOT}/shops`, { signal });
}

export type CatalogQuery = Given<CatalogParameters>;

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

