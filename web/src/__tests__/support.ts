/** Test helpers shared by the page and component tests. */
import { vi } from "vitest";

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });

/** jsdom has <dialog> but not its modal methods; these do what a browser does to `open` and the close event. */
export function installDialogMethods(): void {
  HTMLDialogElement.prototype.showModal = function showModal(this: HTMLDialogElement) {
    this.setAttribute("open", "");
  };
  HTMLDialogElement.prototype.close = function close(this: HTMLDialogElement) {
    if (!this.open) return;
    this.removeAttribute("open");
    this.dispatchEvent(new Event("close"));
  };
}

/** A stand-in API server: the first route whose prefix matches the request URL answers it. */
export function stubServer(
  routes: [prefix: string, answer: (init: RequestInit | undefined) => Response | Promise<Response>][],
) {
  const fetchStub = vi.fn<typeof fetch>(async (input, init) => {
    const url = String(input);
    const route = routes.find(([prefix]) => url.startsWith(prefix));
    return route ? route[1](init) : json({ detail: `no route for ${url}` }, 404);
  });
  vi.stubGlobal("fetch", fetchStub);
  return fetchStub;
}
