// What a failing e2e scenario leaves behind, shared by run.mjs (playwright-core) and
// firefox.mjs (puppeteer-core): the step it was in, the locator it waited for, and a
// screenshot and the visible text of every page it had open, saved under
// web/e2e/failures/<scenario>/ (git-ignored, emptied at the start of each run).
//
// Both drivers' pages have url(), screenshot({ path, fullPage }) and evaluate(fn), which is
// all this module uses.

import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The directory of failure reports under the repository root `src`, with the reports of
 * this runner's last run removed: `prefix` names them ('' for run.mjs, 'firefox-' for
 * firefox.mjs, so one runner does not delete the other's).
 */
export function resetFailures(src, prefix = '') {
  const dir = join(src, 'web', 'e2e', 'failures');
  let names = [];
  try {
    names = readdirSync(dir);
  } catch {
    /* nothing there yet */
  }
  for (const name of names) {
    const mine = prefix ? name.startsWith(prefix) : !name.startsWith('firefox-');
    if (mine) rmSync(join(dir, name), { recursive: true, force: true });
  }
  return dir;
}

/** Tracks the step a scenario is in: `step(label, page)` in scenarios, `current()` on failure. */
export function stepTracker() {
  const fresh = () => ({ label: '(before the first step)', page: null, t0: Date.now(), at: 0, call: '', failed: null });
  let state = fresh();
  return {
    /** A new scenario starts: no step yet. */
    start() {
      state = fresh();
    },
    /** A driver call on `page` failed: keep the page as it was then (the last such one). */
    async failed(page, call) {
      const capture = await capturePage(page);
      state.failed = { call, page, capture };
    },
    /** A labelled step of the scenario, on `page` (optional). */
    step(label, page) {
      state.label = label;
      state.at = Date.now() - state.t0;
      if (page) state.page = page;
      state.call = '';
    },
    /** The last driver call on a page (set by the runner's page wrapper). */
    touch(page, call) {
      state.page = page;
      state.call = call;
      state.failed = null; // a failure caught by the scenario is not the one reported
    },
    current() {
      return state;
    },
  };
}

/**
 * The useful lines of a driver error: its first line and, from Playwright's "Call log:",
 * what it was waiting for and the last thing it saw (e.g. "… intercepts pointer events").
 */
export function errorLines(error) {
  // eslint-disable-next-line no-control-regex
  const text = String(error?.message || error).replace(/\x1b\[[0-9;]*m/g, '');
  const lines = text.split('\n');
  const out = [lines[0].slice(0, 400)];
  const logAt = lines.findIndex((l) => /^\s*Call log:/.test(l));
  if (logAt >= 0) {
    const calls = lines
      .slice(logAt + 1)
      .map((l) => l.replace(/^\s*-\s*/, '').trim())
      .filter(Boolean);
    const waiting = calls.find((l) => /waiting for/.test(l));
    if (waiting) out.push(waiting.slice(0, 400));
    const last = calls[calls.length - 1];
    if (last && last !== waiting) out.push(`last: ${last.slice(0, 300)}`);
  }
  return out;
}

const slug = (s) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);

const withTimeout = (p, ms) =>
  Promise.race([p, new Promise((_, rej) => setTimeout(() => rej(new Error(`no answer in ${ms} ms`)), ms))]);

/**
 * A page as it is now: { url, png (a Buffer, or null), text, notes }. Used when a driver call
 * fails (before the scenario's own cleanup may close the page) and for the report.
 */
export async function capturePage(page) {
  const c = { url: '?', png: null, text: '', notes: [] };
  try {
    c.url = page.url();
  } catch {
    /* closed */
  }
  try {
    c.png = await withTimeout(page.screenshot({ fullPage: true }), 10_000);
  } catch (e) {
    c.notes.push(`no screenshot: ${String(e.message || e).split('\n')[0]}`);
  }
  try {
    c.text = await withTimeout(
      page.evaluate(() => {
        const busy = [...document.querySelectorAll('[data-testid="loading"], [aria-busy="true"]')].length;
        const toasts = [...document.querySelectorAll('.toast')].map((t) => t.innerText.trim());
        return (
          `title: ${document.title}\nbusy elements: ${busy}\ntoasts: ${JSON.stringify(toasts)}\n\n` +
          (document.body ? document.body.innerText : '')
        );
      }),
      5_000,
    );
  } catch (e) {
    c.notes.push(`no text: ${String(e.message || e).split('\n')[0]}`);
  }
  return c;
}

/**
 * Saves a screenshot and the text of each page of a failed scenario: `captured` (taken when
 * the failing call failed: [{ label, capture }], may be empty) and the pages still open
 * ([{ label, page }], the page of the failing step first). Returns the lines to print (one
 * per page and the directory), paths relative to `src`.
 */
export async function saveFailure(dir, src, scenarioName, pages, captured = []) {
  const to = join(dir, slug(scenarioName));
  mkdirSync(to, { recursive: true });
  const out = [];
  let n = 0;
  const all = [
    ...captured.map(({ label, capture }) => ({ label, get: async () => capture })),
    ...pages.map(({ label, page }) => ({ label, get: () => capturePage(page) })),
  ];
  for (const { label, get } of all) {
    n += 1;
    const base = `${n}-${slug(label) || 'page'}`;
    const c = await get();
    if (c.png) writeFileSync(join(to, `${base}.png`), c.png);
    const notes = c.notes.join('; ');
    writeFileSync(join(to, `${base}.txt`), `url: ${c.url}\n${c.notes.map((l) => l + '\n').join('')}${c.text}\n`);
    out.push(`${label}: ${c.url}${notes ? ` (${notes})` : ''}`);
  }
  out.push(`saved: ${relative(src, to) || to}/ (screenshot and text of each page)`);
  return out;
}
