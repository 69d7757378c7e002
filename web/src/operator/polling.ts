import { onScopeDispose } from "vue";

/**
 * Runs `tick` now and then every `intervalMs` until the calling component goes away.
 *
 * The next run is scheduled only after the previous one settles, so a slow server never gets
 * overlapping requests; `tick` may return a longer delay (e.g. a 429's Retry-After) to back off.
 */
export function usePolling(tick: (signal: AbortSignal) => Promise<number | void>, intervalMs: number): void {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function run(): Promise<void> {
    let delay = intervalMs;
    try {
      delay = Math.max(intervalMs, (await tick(controller.signal)) ?? 0);
    } finally {
      if (!controller.signal.aborted) timer = setTimeout(run, delay);
    }
  }

  void run();
  onScopeDispose(() => {
    controller.abort();
    clearTimeout(timer);
  });
}
