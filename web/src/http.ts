/**
 * Reading the API's error answers, shared by the shopper and operator clients.
 */

/** The server's message: FastAPI sends `detail` as a string, or as a list of field errors (422). */
export async function detailOf(response: Response): Promise<string | null> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return null; // not JSON, e.g. a proxy's HTML error page
  }
  const detail = (body as { detail?: unknown } | null)?.detail;
  if (typeof detail === "string" && detail) return detail;
  if (Array.isArray(detail)) {
    const messages = detail
      .map((item) => {
        const { msg, loc } = (item ?? {}) as { msg?: unknown; loc?: unknown };
        if (typeof msg !== "string") return null;
        const field = Array.isArray(loc) ? loc.filter((part) => part !== "body").join(".") : "";
        return field ? `${field}: ${msg}` : msg;
      })
      .filter((message): message is string => message !== null);
    if (messages.length) return messages.join("; ");
  }
  return null;
}

/** What to say when the server gave no message of its own. */
export function statusText(response: Response): string {
  return `The server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ""}.`;
}

/** Retry-After in whole seconds: the header is either seconds or an HTTP date. */
export function retryAfterSeconds(header: string | null): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}
