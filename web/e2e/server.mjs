// A real `painel` for the browser tests: a demo store in a temporary directory, its four
// logins, an ingestion key, and `painel serve` on a free loopback port. Used by
// run.mjs (Chromium) and firefox.mjs; stop() always ends the server and removes the
// directory.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PASSWORD = 'demo-painel-2026';
const ROLES = ['INTERNAL_ADMIN', 'INTERNAL_SUPPORT', 'TENANT_ADMIN', 'TENANT_USER'];

export function run(cmd, args, opts = {}) {
  return new Promise((res, rej) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('error', rej);
    p.on('close', (code) => (code === 0 ? res({ out, err }) : rej(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.slice(-2000)}`))));
  });
}

/**
 * Seeds a demo store and starts `painel serve` on it.
 * Returns { base, logins: {ROLE: email}, tenant: {name, slug}, ingestKey, stop() }.
 */
export async function startPainel({ bin, webDir, tenants = 12, days = 30, serveArgs = [] }) {
  if (!existsSync(bin)) throw new Error(`painel binary not found at ${bin} (build it, or set PAINEL_BIN)`);
  if (!existsSync(join(webDir, 'index.html'))) throw new Error(`web UI not built: ${webDir}/index.html missing (run scripts/build-web.sh)`);
  const env = { ...process.env, PAINEL_MASTER_KEY: process.env.PAINEL_MASTER_KEY || 'e2e-master-key-not-secret' };
  const tmp = mkdtempSync(join(tmpdir(), 'painel-e2e-'));
  const db = join(tmp, 'p.db');
  let server = null;
  const stop = async () => {
    if (server && server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      try { process.kill(-server.pid, 'SIGTERM'); } catch { /* already gone */ }
      const t = setTimeout(() => { try { process.kill(-server.pid, 'SIGKILL'); } catch { /* gone */ } }, 5000);
      await exited;
      clearTimeout(t);
    }
    rmSync(tmp, { recursive: true, force: true });
  };
  try {
    const demo = await run(bin, ['demo', '--database', `sqlite:${db}`, '--tenants', String(tenants), '--days', String(days)], { env });
    const text = demo.out + demo.err;
    const logins = {};
    let tenant = { name: '', slug: '' };
    for (const line of text.split('\n')) {
      const m = /^\s*(INTERNAL_ADMIN|INTERNAL_SUPPORT|TENANT_ADMIN|TENANT_USER)\s+(\S+@\S+)(?:\s+\((.+)\))?/.exec(line);
      if (m) {
        logins[m[1]] = m[2];
        if (m[3] && m[1] === 'TENANT_ADMIN') tenant = { name: m[3], slug: m[2].split('@')[1] };
      }
    }
    for (const r of ROLES) if (!logins[r]) throw new Error(`painel demo printed no ${r} login:\n${text.slice(-1500)}`);
    const keyOut = await run(bin, ['keys', 'create', '--database', `sqlite:${db}`, '--name', 'e2e'], { env });
    const ingestKey = keyOut.out.trim().split('\n').pop().trim();
    const base = await new Promise((res, rej) => {
      server = spawn(bin, ['serve', '--database', `sqlite:${db}`, '--listen', '127.0.0.1:0', '--web-dir', webDir, ...serveArgs], {
        stdio: ['ignore', 'ignore', 'pipe'],
        env,
        detached: true, // its own process group, so stop() ends it and anything it started
      });
      let err = '';
      const timer = setTimeout(() => rej(new Error(`painel serve did not say where it listens within 20 s: ${err.slice(-1000)}`)), 20_000);
      server.stderr.on('data', (d) => {
        err += d;
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
        if (m) {
          clearTimeout(timer);
          res(m[1]);
        }
      });
      server.on('exit', (code) => {
        clearTimeout(timer);
        rej(new Error(`painel serve exited (${code}): ${err.slice(-1000)}`));
      });
    });
    return { base, logins, tenant, ingestKey, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
