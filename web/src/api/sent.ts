/**
 * The API's types as the page reads them, from `schema.d.ts` (generated from web/openapi.json by openapi-typescript;
 * see web/README.md, "API types").
 */

import type { components } from "./schema";

export type { paths } from "./schema";

export type Schemas = components["schemas"];

/**
 * A response body as the server sends it: FastAPI writes every field of a response model, those with a default
 * included, while OpenAPI lists a field with a default as optional. Nested objects, arrays and tuples too.
 */
export type Sent<T> = T extends object ? { [K in keyof T]-?: Sent<T[K]> } : T;

/** A request field left out is not sent, so the server applies its default; the page never sends null. */
export type Given<T> = { [K in keyof T]?: NonNullable<T[K]> };
