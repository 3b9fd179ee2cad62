#!/usr/bin/env node
// The web UI in Firefox: Debian's firefox-esr driven over WebDriver BiDi by puppeteer-core
// (no browser download), against a real `painel serve` with demo data.
//
// Why not run.mjs's playwright-core: its Firefox support needs Playwright's own patched
// Firefox (a download), and its BiDi path ('moz-firefox' channel) sends
// emulation.setMediaFeaturesOverride on every new page, which firefox-esr 153 rejects
// ("unknown command"). Puppeteer's BiDi client works with it, so this is a smaller suite
// of the same checks in the second engine (Gecko): sign-in for the four roles, every
// page of both areas draws with its data and no script error, charts, the language
// switch, one session across tabs with logout in one ending both (BroadcastChannel and
// Web Locks in Gecko), and the 375 px layout.
//
//   node web/e2e/firefox.mjs        # from the repository root, after `make build`
//
// Environment: PAINEL_SRC, PAINEL_BIN, PAINEL_WEB_DIR (as run.mjs), FIREFOX (default
// /usr/bin/firefox-esr), E2E_ONLY (comma-separated scenario names). Screenshots land in
// build/screenshots/firefox-*.png. A failure also prints the last page call and the URL of
// each open page, and saves their screenshots and text under web/e2e/failures/firefox-*/.

import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { errorLines, resetFailures, saveFailure, stepTracker } from './diagnose.mjs';
import { PASSWORD, startPainel } from './server.mjs';

const SRC = resolve(process.env.PAINEL_SRC || join(dirname(fileURLToPath(import.meta.url)), '..', '..'));
const BIN = resolve(SRC, process.env.PAINEL_BIN || 'build/painel');
const WEB_DIR = resolve(SRC, process.env.PAINEL_WEB_DIR || 'web/dist');
const FIREFOX = process.env.FIREFOX || '/usr/bin/firefox-esr';
const SHOTS = join(SRC, 'build', 'screenshots');
const ONLY = (process.env.E2E_ONLY || '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 375, height: 740 };
const STEP_MS = 20_000;
const SCENARIO_MS = 120_000;

const started = Date.now();
const log = (line) => process.stdout.write(line + '\n');
const tid = (id) => `[data-testid="${id}"]`;
function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

let painel = null;
let browser = null;
const errors = []; // script errors of every page, drained after each scenario
const openPages = []; // every page prepared, for the failure report
const steps = stepTracker(); // the last page call of the running scenario
const TRACKED = ['goto', 'reload', 'click', 'type', 'select', 'waitForSelector', 'waitForFunction', '$', '$eval'];
/** Every call of these page methods records the page and its first argument. */
function trackCalls(page) {
  for (const m of TRACKED) {
    const orig = page[m].bind(page);
    page[m] = (...args) => {
      const a = typeof args[0] === 'string' ? args[0] : typeof args[0] === 'function' ? 'fn' : String(args[0] ?? '');
      steps.touch(page, `${m}(${a.slice(0, 160)})`);
      return orig(...args);
    };
  }
}

async function newContextPage(viewport = DESKTOP) {
  const ctx = await browser.createBrowserContext();
  const page = await ctx.newPage();
  await prepare(page, viewport);
  return page;
}

async function prepare(page, viewport = DESKTOP) {
  trackCalls(page);
  openPages.push(page);
  page.setDefaultTimeout(STEP_MS);
  await page.setViewport(viewport);
  await page.evaluateOnNewDocument(() => {
    try {
      if (!localStorage.getItem('painel.lang')) localStorage.setItem('painel.lang', 'pt');
    } catch {
      /* no storage */
    }
  });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of (401|403|412)|NetworkError/.test(m.text()))
      errors.push(`console error: ${m.text()}`);
  });
}

const pathOf = (page) => new URL(page.url()).pathname;

/** Waits until the page's path is `want` (a string) or matches it (a RegExp). */
async function waitPath(page, want, what) {
  const re = want instanceof RegExp ? want.source : null;
  await page
    .waitForFunction(
      (w, r) => (r ? new RegExp(r).test(location.pathname) : location.pathname === w),
      { timeout: STEP_MS },
      String(want),
      re,
    )
    .catch(() => {
      throw new Error(`${what}: still at ${page.url()}`);
    });
}

/** A page (by its data-testid) drawn with its data: no spinner left. */
async function settled(page, testId) {
  await page.waitForSelector(tid(testId), { visible: true });
  await page.waitForFunction(() => !document.querySelector('[data-testid="loading"], [aria-busy="true"]'), {
    timeout: STEP_MS,
  });
}

async function login(page, email) {
  await page.goto(`${painel.base}/app/login`);
  await page.waitForSelector(tid('page-login'), { visible: true });
  await page.type(tid('login-email'), email);
  await page.type(tid('login-password'), PASSWORD);
  await page.click(tid('login-submit'));
}

async function shot(page, name) {
  await page.screenshot({ path: join(SHOTS, `firefox-${name}.png`) });
}

const text = (page, sel) => page.$eval(sel, (e) => e.textContent.trim());

// ---------------------------------------------------------------- scenarios

const scenarios = [];
const scenario = (name, fn) => scenarios.push({ name, fn });
const signedIn = {}; // role → page

for (const [role, area, testId] of [
  ['INTERNAL_ADMIN', '/app/company', 'page-company'],
  ['INTERNAL_SUPPORT', '/app/company', 'page-company'],
  ['TENANT_ADMIN', '/app/dashboard', 'page-dashboard'],
  ['TENANT_USER', '/app/dashboard', 'page-dashboard'],
]) {
  scenario(`login ${role} → ${area}`, async () => {
    const page = await newContextPage();
    await login(page, painel.logins[role]);
    await waitPath(page, area, `${role} after login`);
    await settled(page, testId);
    assert((await text(page, tid('current-user'))).length > 0, 'no current user shown');
    signedIn[role] = page;
  });
}

const COMPANY_PAGES = [
  ['/app/company', 'page-company'],
  ['/app/company/tenants', 'page-tenants'],
  ['/app/company/agents', 'page-company-agents'],
  ['/app/company/integrations', 'page-company-integrations'],
  ['/app/company/operations', 'page-operations'],
  ['/app/company/billing', 'page-billing'],
  ['/app/company/catalog', 'page-catalog'],
  ['/app/company/incidents', 'page-incidents'],
  ['/app/company/support', 'page-support-queue'],
];
const DASHBOARD_PAGES = [
  ['/app/dashboard', 'page-dashboard'],
  ['/app/dashboard/agents', 'page-agents'],
  ['/app/dashboard/fibonacci', 'page-fibonacci'],
  ['/app/dashboard/integrations', 'page-integrations'],
  ['/app/dashboard/usage', 'page-usage'],
  ['/app/dashboard/support', 'page-support'],
];

async function visitAll(page, list) {
  for (const [path, testId] of list) {
    await page.goto(`${painel.base}${path}`);
    await settled(page, testId);
    assert(pathOf(page) === path, `${path}: landed at ${page.url()}`);
    const failed = await page.$(tid('error-state'));
    assert(!failed, `${path}: shows an error state`);
    await shot(page, testId.replace(/^page-/, ''));
  }
}

scenario('every internal page draws (INTERNAL_ADMIN)', async () => {
  await visitAll(signedIn.INTERNAL_ADMIN ?? (await loginAs('INTERNAL_ADMIN')), COMPANY_PAGES);
});

scenario('every customer page draws (TENANT_ADMIN)', async () => {
  await visitAll(signedIn.TENANT_ADMIN ?? (await loginAs('TENANT_ADMIN')), DASHBOARD_PAGES);
});

async function loginAs(role) {
  const page = await newContextPage();
  await login(page, painel.logins[role]);
  await waitPath(page, /^\/app\/(company|dashboard)/, `${role} after login`);
  signedIn[role] = page;
  return page;
}

scenario('charts are drawn (canvas with pixels) on the overview and usage', async () => {
  for (const [role, path, testId] of [
    ['INTERNAL_ADMIN', '/app/company', 'page-company'],
    ['TENANT_ADMIN', '/app/dashboard/usage', 'page-usage'],
  ]) {
    const page = signedIn[role] ?? (await loginAs(role));
    await page.goto(`${painel.base}${path}`);
    await settled(page, testId);
    await page
      .waitForFunction(
        () =>
          [...document.querySelectorAll('canvas')].some((c) => {
            if (!c.width || !c.height) return false;
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) return true;
            return false;
          }),
        { timeout: STEP_MS },
      )
      .catch(() => {
        throw new Error(`${path}: no drawn chart`);
      });
  }
});

scenario('language switch pt-BR → English → pt-BR', async () => {
  const page = await newContextPage();
  await login(page, painel.logins.INTERNAL_ADMIN);
  await waitPath(page, /^\/app\/company/, 'after login');
  await page.goto(`${painel.base}/app/company/tenants`);
  await settled(page, 'page-tenants');
  assert((await text(page, tid('nav-company'))) === 'Visão geral', 'nav not in pt-BR');
  await page.select(tid('language-switch'), 'en');
  await page.waitForFunction(() => document.documentElement.lang.startsWith('en'));
  assert((await text(page, tid('nav-company'))) === 'Overview', 'nav not in English');
  await page.reload();
  await settled(page, 'page-tenants');
  assert((await text(page, tid('nav-company'))) === 'Overview', 'language not kept after reload');
  await page.select(tid('language-switch'), 'pt');
  await page.waitForFunction(() => document.documentElement.lang === 'pt-BR');
  await page.browserContext().close();
});

scenario('one session across tabs: the second tab is signed in, logout in one ends both', async () => {
  const page = await newContextPage();
  await login(page, painel.logins.TENANT_ADMIN);
  await waitPath(page, '/app/dashboard', 'after login');
  await settled(page, 'page-dashboard');
  const stored = await page.evaluate(() =>
    JSON.stringify([document.cookie, Object.keys(sessionStorage), Object.keys(localStorage)]),
  );
  assert(!/refresh|token/i.test(stored), `script can see session data: ${stored}`);
  const second = await page.browserContext().newPage();
  await prepare(second);
  await second.goto(`${painel.base}/app/dashboard/agents`);
  await settled(second, 'page-agents');
  assert(pathOf(second) === '/app/dashboard/agents', `second tab at ${second.url()}`);
  await Promise.all([page.reload(), second.reload()]); // refreshes take turns (Web Lock)
  await settled(page, 'page-dashboard');
  await settled(second, 'page-agents');
  await page.click(tid('logout'));
  await waitPath(page, '/app/login', 'first tab after logout');
  await waitPath(second, '/app/login', 'second tab after logout in the first');
  await page.browserContext().close();
});

scenario('375 px: no horizontal scroll, the menu opens and closes', async () => {
  const page = await newContextPage(PHONE);
  await login(page, painel.logins.TENANT_ADMIN);
  await waitPath(page, '/app/dashboard', 'after login');
  for (const path of ['/app/dashboard', '/app/dashboard/usage', '/app/dashboard/agents']) {
    await page.goto(`${painel.base}${path}`);
    await settled(
      page,
      path === '/app/dashboard' ? 'page-dashboard' : path.endsWith('usage') ? 'page-usage' : 'page-agents',
    );
    const sw = await page.evaluate(() => document.documentElement.scrollWidth);
    assert(sw <= PHONE.width, `${path}: document is ${sw}px wide at ${PHONE.width}px`);
  }
  await shot(page, 'phone-agents');
  await page.click(tid('menu-toggle'));
  await page.waitForFunction(
    () => document.querySelector('[data-testid="menu-toggle"]')?.getAttribute('aria-expanded') === 'true',
  );
  await page.click(tid('nav-usage'));
  await waitPath(page, '/app/dashboard/usage', 'after tapping the menu');
  await settled(page, 'page-usage');
  await page.browserContext().close();
});

// ---------------------------------------------------------------- runner

async function main() {
  if (!existsSync(FIREFOX)) throw new Error(`Firefox not found at ${FIREFOX} (scripts/setup.sh installs firefox-esr)`);
  mkdirSync(SHOTS, { recursive: true });
  painel = await startPainel({ bin: BIN, webDir: WEB_DIR });
  browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    extraPrefsFirefox: { 'intl.accept_languages': 'pt-BR', 'browser.cache.disk.enable': false },
  });
  log(`e2e firefox: ${painel.base}, ${await browser.version()}, setup ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const results = [];
  const failuresDir = resetFailures(SRC, 'firefox-');
  for (const s of scenarios) {
    if (ONLY.length && !ONLY.some((o) => s.name.includes(o))) continue;
    const t0 = Date.now();
    steps.start();
    let error = null;
    try {
      let timer;
      await Promise.race([
        s.fn(),
        new Promise((_, rej) => {
          timer = setTimeout(() => rej(new Error(`timed out after ${SCENARIO_MS / 1000} s`)), SCENARIO_MS);
        }),
      ]).finally(() => clearTimeout(timer));
    } catch (e) {
      error = e;
    }
    if (!error && errors.length) error = new Error(errors.join(' | '));
    errors.length = 0;
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    if (error) {
      const [first, ...more] = errorLines(error);
      log(`FAIL ${s.name} (${secs} s): ${first}`);
      for (const l of more) log(`     ${l}`);
      const at = steps.current();
      if (at.call) log(`     last call: ${at.call}`);
      const open = openPages.filter((p) => !p.isClosed());
      const labelOf = (p) => Object.keys(signedIn).find((r) => signedIn[r] === p) || `page ${openPages.indexOf(p) + 1}`;
      const ordered = at.page && open.includes(at.page) ? [at.page, ...open.filter((p) => p !== at.page)] : open;
      try {
        const lines = await saveFailure(
          failuresDir,
          SRC,
          `firefox ${s.name}`,
          ordered.map((p) => ({ label: labelOf(p), page: p })),
        );
        for (const l of lines) log(`     ${l}`);
      } catch (e) {
        log(`     (could not save the pages: ${e.message || e})`);
      }
    } else {
      log(`ok   ${s.name} (${secs} s)`);
    }
    results.push(!error);
  }
  return results;
}

let code = 0;
let results = [];
try {
  results = await main();
} catch (e) {
  log(`FAIL setup: ${e.message || e}`);
  code = 1;
} finally {
  if (browser) await Promise.race([browser.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
  if (painel) await painel.stop();
}
const failed = results.filter((ok) => !ok).length;
if (failed) code = 1;
log(
  `e2e firefox: ${results.length - failed}/${results.length} scenarios passed in ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${SHOTS}/firefox-*.png`,
);
process.exit(code);
