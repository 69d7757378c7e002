/**
 * Typed client for the operator routes of the SnapMode API (`/api/v1/sites…`, `/api/v1/auth/whoami`).
 *
 * Every call sends the operator's key as `Authorization: Bearer`; failures become an
 * `OperatorApiError` whose message a person can act on.
 */

import type { Schemas, Sent } from "../api/sent";
import { detailOf, retryAfterSeconds, statusText } from "../http";

// The schemas of web/openapi.json, answers as sent (../api/sent.ts).

export type Identity = Sent<Schemas["WhoAmI"]>;
export type Role = Identity["role"];
/** `name`: given at registration, else learned from the shop's home page once crawled. */
export type SiteView = Sent<Schemas["SiteView"]>;
export type SiteState = SiteView["state"];
export type NewSite = Schemas["SiteCreate"];
type PreviewRequest = Schemas["PreviewRequest"];
/** `problem`: what holds the whole crawl back, in plain words; `vectors` null when the store cannot count per site. */
export type CrawlStatus = Sent<Schemas["CrawlStatus"]>;
/** `message`: what failed, why and what happens next, in plain words. */
export type CrawlError = Sent<Schemas["CrawlError"]>;
/** Per field, the share of the site's products that have it and, per extraction source, the share it supplied. */
export type SiteCoverage = Sent<Schemas["SiteCoverage"]>;
export type FieldCoverage = SiteCoverage["fields"][number];

/**
 * The product fields a preview shows (snapmode/pipeline/operators.py PREVIEW_FIELDS); the schema only says
 * "an object", so the page narrows it to those fields of a product.
 */
export type PreviewProduct = Pick<
  Sent<Schemas["Product"]>,
  "name" | "price" | "currency" | "sku" | "brand" | "description" | "availability" | "regular_price" | "images" | "categories"
>;

/** `sources`: field → json-ld | microdata | rdfa | opengraph | twitter-card | rules | heuristics | template. */
export type Preview = Omit<Sent<Schemas["ExtractionPreview"]>, "product"> & { product: PreviewProduct | null };

/** A failed call. `status` is 0 when the server could not be reached. */
export class OperatorApiError extends Error {
  readonly status: number;
  readonly retryAfter: number | null; // seconds, from the Retry-After header of 429 and 503

  constructor(status: number, message: string, retryAfter: number | null = null) {
    super(message);
    this.name = "OperatorApiError";
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

export interface OperatorClient {
  whoami(signal?: AbortSignal): Promise<Identity>;
  listSites(signal?: AbortSignal): Promise<SiteView[]>;
  registerSite(site: NewSite): Promise<SiteView>;
  preview(url: string, rulesYaml: string | null, signal?: AbortSignal): Promise<Preview>;
  start(siteId: string): Promise<SiteView>;
  pause(siteId: string): Promise<SiteView>;
  resume(siteId: string): Promise<SiteView>;
  status(siteId: string, signal?: AbortSignal): Promise<CrawlStatus>;
  errors(siteId: string, limit?: number, signal?: AbortSignal): Promise<CrawlError[]>;
  coverage(siteId: string, signal?: AbortSignal): Promise<SiteCoverage>;
}

const API_ROOT = `${import.meta.env.BASE_URL}api/v1`;

/** `onUnauthorized` runs on every 401 so the page can drop a key the server no longer accepts. */
export function createOperatorClient(key: string, onUnauthorized: (error: OperatorApiError) => void = () => {}): OperatorClient {
  async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
    const headers = new Headers({ Accept: "application/json", Authorization: `Bearer ${key}` });
    if (init.body !== undefined) headers.set("Content-Type", "application/json");
    let response: Response;
    try {
      response = await fetch(`${API_ROOT}${path}`, { ...init, headers });
    } catch (error) {
      if ((error as { name?: unknown } | null)?.name === "AbortError") throw error; // the caller cancelled it
      throw new OperatorApiError(0, "Cannot reach the SnapMode server. Check your connection and try again.");
    }
    if (!response.ok) {
      const failure = await errorOf(response);
      if (failure.status === 401) onUnauthorized(failure);
      throw failure;
    }
    return (await response.json()) as T;
  }

  const site = (id: string) => `/sites/${encodeURIComponent(id)}`;
  const post = (body?: unknown): RequestInit => ({
    method: "POST",
    body: body === undefined ? undefined : JSON.stringify(body),
  });

  return {
    whoami: (signal) => call("/auth/whoami", { signal }),
    listSites: (signal) => call("/sites", { signal }),
    registerSite: (newSite) => call("/sites", post(newSite)),
    preview: (url, rulesYaml, signal) =>
      call("/sites/preview", { ...post({ url, rules_yaml: rulesYaml } satisfies PreviewRequest), signal }),
    start: (id) => call(`${site(id)}/start`, post()),
    pause: (id) => call(`${site(id)}/pause`, post()),
    resume: (id) => call(`${site(id)}/resume`, post()),
    status: (id, signal) => call(`${site(id)}/status`, { signal }),
    errors: (id, limit = 50, signal) => call(`${site(id)}/errors?limit=${limit}`, { signal }),
    coverage: (id, signal) => call(`${site(id)}/coverage`, { signal }),
  };
}

async function errorOf(response: Response): Promise<OperatorApiError> {
  const detail = await detailOf(response);
  const retryAfter = retryAfterSeconds(response.headers.get("Retry-After"));
  switch (response.status) {
    case 401:
      return new OperatorApiError(401, "The API key was not accepted: it is unknown or has been revoked.");
    case 403:
      return new OperatorApiError(403, `This API key may not do that${detail ? `: ${detail}` : "."}`);
    case 429:
      return new OperatorApiError(
        429,
        `Too many requests. Try again ${retryAfter === null ? "shortly" : `in ${retryAfter} s`}.`,
        retryAfter,
      );
    case 503:
      return new OperatorApiError(
        503,
        `The server is temporarily unavailable${detail ? `: ${sentence(detail)}` : "."} Try again ${
          retryAfter === null ? "shortly" : `in ${retryAfter} s`
        }.`,
        retryAfter,
      );
    default:
      return new OperatorApiError(
        response.status,
        detail ?? statusText(response),
      );
  }
}

/** Ends `text` with a full stop unless it already ends a sentence. */
function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

