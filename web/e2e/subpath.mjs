#!/usr/bin/env node
// The web UI under a sub-path (issue 18): `painel serve --public-url http://127.0.0.1/painel`
// with demo data, Debian's Chromium through playwright-core. Signs in at /painel/app/login,
// lands on /painel/app/company and sees the overview's chart drawn; every request the page
// made stayed under /painel/ (assets, API, refresh cookie), and none failed.
//
//   node web/e2e/subpath.mjs        # from the repository root, after `make build`
//
// Environment as run.mjs: PAINEL_SRC, PAINEL_BIN, PAINEL_WEB_DIR, CHROMIUM.

import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { PASSWORD, startPainel } from './server.mjs';

const SRC = resolve(process.env.PAINEL_SRC || join(dirname(fileURLToPath(import.meta.url)), '..', '..'));
const BIN = resolve(SRC, process.env.PAINEL_BIN || 'build/painel');
const WEB_DIR = resolve(SRC, process.env.PAINEL_WEB_DIR || 'web/dist');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const STEP_MS = 20_000;
const tid = (id) => `[data-testid="${id}"]`;

let painel = null;
let browser = null;
let failed = false;
try {
  painel = await startPainel({
    bin: BIN,
    webDir: WEB_DIR,
    tenants: 4,
    days: 14,
    serveArgs: ['--public-url', 'http://127.0.0.1/painel'],
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-dev-shm-usage',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const origin = new URL(painel.base).origin;
  const outside = [];
  const bad = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.origin === origin && !u.pathname.startsWith('/painel/')) outside.push(u.pathname);
  });
  page.on('response', (r) => {
    // The login page's first refresh finds no session yet: that 401 is expected.
    const path = new URL(r.url()).pathname;
    if (r.status() >= 400 && !(r.status() === 401 && path === '/painel/auth/refresh'))
      bad.push(`${r.status()} ${path}`);
  });
  const root = await fetch(`${painel.base}/app/login`);
  if (root.status !== 404) throw new Error(`/app/login outside the prefix answered ${root.status}, not 404`);

  await page.goto(`${painel.base}/painel/app/login`);
  await page.locator(tid('page-login')).waitFor({ timeout: STEP_MS });
  await page.fill(tid('login-email'), painel.logins.INTERNAL_ADMIN);
  await page.fill(tid('login-password'), PASSWORD);
  await page.click(tid('login-submit'));
  await page.waitForURL(/\/painel\/app\/company(\?|$)/, { timeout: STEP_MS });
  await page.locator(tid('page-company')).waitFor({ timeout: STEP_MS });
  await page
    .waitForFunction(
      () =>
        [...document.querySelectorAll('canvas')].some((c) => {
          if (!c.width || !c.height) return false;
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) return true;
          return false;
        }),
      null,
      { timeout: STEP_MS },
    )
    .catch(() => {
      throw new Error('/painel/app/company: no drawn chart');
    });
  // A reload keeps the session: the refresh cookie (Path=/painel/auth) goes to the prefixed API.
  await page.reload();
  await page.locator(tid('page-company')).waitFor({ timeout: STEP_MS });
  if (!new URL(page.url()).pathname.startsWith('/painel/app/company')) throw new Error(`after reload at ${page.url()}`);
  if (outside.length) throw new Error(`requests outside /painel/: ${[...new Set(outside)].join(', ')}`);
  if (bad.length) throw new Error(`failed requests: ${bad.join(', ')}`);
  console.log('ok   sub-path: login under /painel/, overview drawn, session kept on reload');
} catch (e) {
  failed = true;
  console.log(`FAIL sub-path: ${e.message}`);
} finally {
  if (browser) await browser.close().catch(() => {});
  if (painel) await painel.stop();
}
process.exit(failed ? 1 : 0);
