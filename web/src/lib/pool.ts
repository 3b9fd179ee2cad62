/**
 * Runs `fn` over `items` with at most `limit` calls in flight, keeping the input order in
 * the results. A failed item gives `{ ok: false }` instead of failing the whole run.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  onSettled?: (done: number, total: number) => void,
  isCancelled: () => boolean = () => false,
): Promise<({ ok: true; value: R } | { ok: false; error: unknown })[]> {
  const results: ({ ok: true; value: R } | { ok: false; error: unknown })[] = new Array(items.length);
  let next = 0;
  let done = 0;
  async function worker() {
    while (next < items.length && !isCancelled()) {
      const i = next++;
      try {
        results[i] = { ok: true, value: await fn(items[i], i) };
      } catch (error) {
        results[i] = { ok: false, error };
      }
      done++;
      onSettled?.(done, items.length);
    }
  }
  const n = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({ length: n }, worker));
  return results;
}
