// A list's filters and page kept in the URL's query string, so a view can be shared,
// reloaded or gone back to. Defaults stay out of the URL; a changed filter starts again
// at the first page.

export type Filters<K extends string> = Record<K, string>;

/** The filters the URL holds, defaults for the others; `offset` a number ≥ 0. */
export function readFilters<K extends string>(
  params: URLSearchParams,
  defaults: Filters<K>,
): Filters<K> & { offset: number } {
  const out = {} as Filters<K>;
  for (const k of Object.keys(defaults) as K[]) out[k] = (params.get(k) ?? defaults[k]).slice(0, 200);
  const o = Number(params.get('offset'));
  return { ...out, offset: Number.isInteger(o) && o > 0 ? o : 0 };
}

/**
 * The query string after a change: filters equal to their default are dropped, other
 * parameters of the page are kept, and any filter change resets the offset.
 */
export function writeFilters<K extends string>(
  params: URLSearchParams,
  defaults: Filters<K>,
  patch: Partial<Filters<NoInfer<K>>> & { offset?: number },
): URLSearchParams {
  const next = new URLSearchParams(params);
  let filterChanged = false;
  for (const [k, v] of Object.entries(patch) as [string, string | number | undefined][]) {
    if (k === 'offset' || v === undefined) continue;
    filterChanged = true;
    if (v === '' || v === defaults[k as K]) next.delete(k);
    else next.set(k, String(v));
  }
  const offset = filterChanged ? 0 : (patch.offset ?? Number(next.get('offset') ?? 0));
  if (offset > 0) next.set('offset', String(offset));
  else next.delete('offset');
  return next;
}

/**
 * The query string the browser shows now. The router applies a navigation as a React
 * transition, so under load a second change (two filters picked in quick succession) can
 * run before the page re-renders with the first: patching the `params` of the last render
 * would drop the first change. Patch what the address bar holds instead.
 */
export function currentParams(): URLSearchParams {
  return new URLSearchParams(window.location.search);
}
