/**
 * The path Painel is served under (--public-url https://host/painel → "/painel"; '' at the
 * root): the binary writes it into the page's `<base href="/painel/app/">` at start-up.
 * The API's base URL and the router's basename follow it.
 */
export function basePath(baseHref: string | null | undefined): string {
  const href = baseHref ?? '/app/';
  return href.endsWith('/app/') ? href.slice(0, -'/app/'.length) : '';
}

export const BASE_PATH =
  typeof document === 'undefined' ? '' : basePath(document.querySelector('base')?.getAttribute('href'));
