'use strict';
// Benchmark peer for painel's GET /tenant/agents: Fastify + pg on the same PostgreSQL
// database, verifying painel's access tokens against the JWKS painel publishes. A
// measuring tool, not part of the product (see README.md).
//
// Environment:
//   DATABASE_URL      postgresql://… (required): the database painel serves
//   PAINEL_URL        painel's base URL, for /.well-known/jwks.json (required)
//   PORT              listen port (default 18490), HOST (default 127.0.0.1)
//   PEER_WORKERS      node cluster workers (default 2; 1 = no cluster, one process)
//   PG_POOL_SIZE      pg.Pool size per worker (default 10)
//   PAINEL_ISSUER     expected "iss" (default as painel's: http://127.0.0.1:8080)
//   PAINEL_CLIENT_ID  expected "client_id" (default as painel's: painel-web)
//   PEER_TOKEN_CACHE  1 (default): remember verified tokens until exp, as painel does; 0: verify
//                     the Ed25519 signature on every request
//   PEER_PARALLEL_QUERIES  1 (default): the route's two statements run concurrently on two
//                     pooled connections; 0: one after the other on one connection, as painel
const cluster = require('node:cluster');
const crypto = require('node:crypto');

const WORKERS = Math.max(1, parseInt(process.env.PEER_WORKERS || '2', 10));

if (cluster.isPrimary && WORKERS > 1) {
  for (let i = 0; i < WORKERS; i++) cluster.fork();
  let ready = 0;
  cluster.on('message', (w, msg) => {
    if (msg === 'ready' && ++ready === WORKERS)
      console.log(`peer: ${WORKERS} workers listening on ${process.env.HOST || '127.0.0.1'}:${process.env.PORT || 18490}`);
  });
  cluster.on('exit', (w, code, signal) => {
    console.error(`peer: worker ${w.process.pid} exited (${signal || code})`);
    process.exitCode = 1;
    for (const id in cluster.workers) cluster.workers[id].kill();
  });
  const stop = () => { for (const id in cluster.workers) cluster.workers[id].kill(); };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return;
}

const fastify = require('fastify');
const pg = require('pg');

const DATABASE_URL = process.env.DATABASE_URL;
const PAINEL_URL = (process.env.PAINEL_URL || '').replace(/\/$/, '');
if (!DATABASE_URL || !PAINEL_URL) {
  console.error('peer: DATABASE_URL and PAINEL_URL are required');
  process.exit(2);
}
const ISSUER = process.env.PAINEL_ISSUER || 'http://127.0.0.1:8080';
const CLIENT_ID = process.env.PAINEL_CLIENT_ID || 'painel-web';
const TOKEN_CACHE = process.env.PEER_TOKEN_CACHE !== '0';
const PARALLEL = process.env.PEER_PARALLEL_QUERIES !== '0';
const LEEWAY_S = 30;           // painel: VerifierConfig::leeway_s
const MAX_TOKEN_BYTES = 8192;  // painel: VerifierConfig::max_token_bytes
const STATUS_TTL_MS = 2000;    // painel: TokenService kStatusTtlMs
const GROUPS = { INTERNAL_ADMIN: 1, INTERNAL_SUPPORT: 2, TENANT_ADMIN: 10, TENANT_USER: 20 };

// --- PostgreSQL: text results converted as painel's backend converts them ------------------

// timestamptz "2026-11-28 12:00:00.123456+00" → "2026-11-28T12:00:00.123Z" (painel's pg_text.cpp
// timestamp_text, for a UTC session: milliseconds truncated, always three digits).
function timestampText(t) {
  if (t.length < 19 || t[4] !== '-' || t[10] !== ' ') return t;
  let i = 19, ms = 0, scale = 100;
  if (t[i] === '.') {
    for (i++; i < t.length && t[i] >= '0' && t[i] <= '9'; i++) { ms += (t.charCodeAt(i) - 48) * scale; scale = Math.floor(scale / 10); }
  }
  const zone = t.slice(i);
  if (zone !== '+00' && zone !== '+00:00' && zone !== '') return new Date(t).toISOString();
  return t.slice(0, 10) + 'T' + t.slice(11, 19) + '.' + String(ms).padStart(3, '0') + 'Z';
}
pg.types.setTypeParser(1184, timestampText);  // timestamptz
pg.types.setTypeParser(1700, (v) => v);       // numeric (sum of bigint): keep the exact text

const pool = new pg.Pool({
  connectionString: DATABASE_URL,
  max: parseInt(process.env.PG_POOL_SIZE || '10', 10),
  options: '-c TimeZone=UTC -c DateStyle=ISO,YMD',
  application_name: 'fastify-pg-peer',
});

// The SQL painel runs for GET /tenant/agents (src/store/usage_reads.cpp tenant_usage_by_agent,
// src/api/routes_tenant.cpp kTenantAgents), with painel's `?` rewritten to $n as its backend
// does. Named, so each pooled connection prepares them once, as painel's connections do.
const Q_USAGE = {
  name: 'tenant_usage_by_agent',
  text: 'SELECT d.agent_id, a.name, coalesce(sum(total_requests),0), coalesce(sum(successful_requests),0), ' +
    'coalesce(sum(failed_requests),0), coalesce(sum(sum_response_time_ms),0), coalesce(sum(total_tokens),0), ' +
    'coalesce(sum(cost_cents),0), max(d.last_request_at) FROM tenant_usage_daily d JOIN agents a ON a.id = ' +
    'd.agent_id WHERE d.tenant_id = $1 AND d.day BETWEEN $2 AND $3 GROUP BY d.agent_id, a.name ' +
    'ORDER BY sum(d.total_requests) DESC, d.agent_id',
  rowMode: 'array',
};
const Q_AGENTS = {
  name: 'tenant_agents',
  text: 'SELECT a.id, a.name, a.segment, a.subnucleus, ta.status, ta.activated_at, ta.deactivated_at ' +
    'FROM tenant_agents ta JOIN agents a ON a.id = ta.agent_id WHERE ta.tenant_id = $1 ' +
    "AND ($2 = 'all' OR ta.status = $3) ORDER BY a.name, a.id",
  rowMode: 'array',
};
const Q_STATUS = { name: 'tenant_status', text: 'SELECT status FROM tenants WHERE id = $1', rowMode: 'array' };

// --- Access tokens: the checks of painel's JwtVerifier + TokenService::authenticate ---------

let keys = new Map();  // kid → KeyObject
let lastReloadMs = 0;

async function loadJwks() {
  const res = await fetch(PAINEL_URL + '/.well-known/jwks.json');
  if (!res.ok) throw new Error(`JWKS: HTTP ${res.status}`);
  const next = new Map();
  for (const jwk of (await res.json()).keys || []) {
    if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || !jwk.kid || next.has(jwk.kid)) continue;
    next.set(jwk.kid, crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' }));
  }
  if (next.size === 0) throw new Error('JWKS has no Ed25519 keys');
  keys = next;
  verified.clear();
}

const verified = new Map();  // sha256(token) → claims (signature, iss and aud checked)
const MAX_CACHED = 100000;

class HttpError extends Error {
  constructor(status, title, detail) { super(detail); this.status = status; this.title = title; }
}
const unauthorized = (why) => new HttpError(401, 'Unauthorized', why);
const forbidden = (why) => new HttpError(403, 'Forbidden', why);

function parseObject(buf) {
  let v;
  try { v = JSON.parse(buf.toString('utf8')); } catch { return null; }
  return v && typeof v === 'object' && !Array.isArray(v) ? v : null;
}
const B64URL = /^[A-Za-z0-9_-]*$/;
const isStr = (v) => typeof v === 'string';
const isInt = (v) => Number.isSafeInteger(v);

// Signature, header and the claims that do not change with time; null when any fails.
function verifySignedClaims(token) {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => B64URL.test(p))) return 'malformed';
  const header = parseObject(Buffer.from(parts[0], 'base64url'));
  if (!header || 'crit' in header || !isStr(header.alg) || !isStr(header.kid)) return 'malformed';
  if (header.alg !== 'EdDSA') return 'bad_algorithm';
  const key = keys.get(header.kid);
  if (!key) return 'unknown_kid';
  const signingInput = Buffer.from(token.slice(0, parts[0].length + 1 + parts[1].length));
  if (!crypto.verify(null, signingInput, key, Buffer.from(parts[2], 'base64url'))) return 'bad_signature';
  const c = parseObject(Buffer.from(parts[1], 'base64url'));
  if (!c) return 'malformed';
  for (const n of ['sub', 'email', 'token_use', 'iss', 'jti', 'client_id', 'custom:tenant_id', 'name'])
    if (n in c && !isStr(c[n])) return 'malformed';
  for (const n of ['iat', 'exp', 'nbf']) if (n in c && !isInt(c[n])) return 'malformed';
  const groups = c['cognito:groups'];
  if (groups !== undefined && !(Array.isArray(groups) && groups.every(isStr))) return 'malformed';
  if (!c.sub || !isStr(c.token_use) || !isStr(c.iss) || !isInt(c.iat) || !isInt(c.exp)) return 'malformed';
  if (c.token_use !== 'access' && c.token_use !== 'id') return 'wrong_token_use';
  if (c.iss !== ISSUER) return 'wrong_issuer';
  const aud = c.aud === undefined ? [] : Array.isArray(c.aud) ? c.aud : [c.aud];
  if (c.client_id !== CLIENT_ID && !aud.includes(CLIENT_ID)) return 'wrong_audience';
  return c;
}

async function authenticate(authorization) {
  if (!authorization || !authorization.startsWith('Bearer ')) throw unauthorized('missing bearer token');
  const token = authorization.slice(7).trim();
  if (token.length > MAX_TOKEN_BYTES) throw unauthorized('invalid token: too_large');
  const hash = TOKEN_CACHE ? crypto.createHash('sha256').update(token).digest('base64') : null;
  let c = TOKEN_CACHE ? verified.get(hash) : undefined;
  if (!c) {
    c = verifySignedClaims(token);
    if (c === 'unknown_kid' && Date.now() - lastReloadMs > 5000) {  // a rotated key: reload, as painel does
      lastReloadMs = Date.now();
      await loadJwks();
      c = verifySignedClaims(token);
    }
    if (typeof c === 'string') throw unauthorized('invalid token: ' + c);
    if (TOKEN_CACHE) {
      if (verified.size >= MAX_CACHED) verified.clear();
      verified.set(hash, c);
    }
  }
  const now = Math.floor(Date.now() / 1000);
  if (c.exp + LEEWAY_S < now) throw unauthorized('invalid token: expired');
  if (c.iat > now + LEEWAY_S || (c.nbf !== undefined && c.nbf > now + LEEWAY_S))
    throw unauthorized('invalid token: not_yet_valid');
  if (c.token_use !== 'access') throw unauthorized('invalid token: wrong_token_use');
  let group = null;
  for (const g of c['cognito:groups'] || [])
    if (g in GROUPS && (group === null || GROUPS[g] < GROUPS[group])) group = g;
  if (!group) throw unauthorized('token carries no recognised group');
  if (group.startsWith('INTERNAL_')) {
    // painel: tenant_id query parameter + tenant existence check + audit append. Not part of
    // what this peer measures.
    throw forbidden('internal users are not supported by the benchmark peer');
  }
  const tenantId = c['custom:tenant_id'];
  if (!tenantId) throw forbidden('this identity is not linked to any tenant');
  const status = await tenantStatus(tenantId);
  if (status === null) throw forbidden('tenant not found');
  if (status === 'suspended') throw forbidden('tenant suspended');
  if (status === 'inactive') throw forbidden('tenant inactive');
  return tenantId;
}

const statusCache = new Map();  // tenant id → [status, expires ms]
async function tenantStatus(id) {
  const now = Date.now();
  const hit = statusCache.get(id);
  if (hit && hit[1] > now) return hit[0];
  const r = await pool.query({ ...Q_STATUS, values: [id] });
  if (r.rows.length === 0) return null;
  if (statusCache.size > 100000) statusCache.clear();
  statusCache.set(id, [r.rows[0][0], now + STATUS_TTL_MS]);
  return r.rows[0][0];
}

// --- The route --------------------------------------------------------------------------

const DAY_MS = 86400000;
const formatDay = (day) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const q = (s) => JSON.stringify(s);
const optStr = (s) => (s === null ? 'null' : JSON.stringify(s));

// Exact integer a / b rounded half up, as painel's int64 arithmetic (a, b ≥ 0, safe integers).
function idiv(a, b) {
  let r = Math.floor(a / b);
  if (r * b > a) r--;
  else if ((r + 1) * b <= a) r++;
  return r;
}
// domain/usage_math.cpp: success rate in tenths, printed "%.1f"; weighted average in whole ms.
function successRate(ok, total) {
  if (total <= 0) return '0.0';
  const tenths = idiv(ok * 2000 + total, 2 * total);
  return Math.floor(tenths / 10) + '.' + (tenths % 10);
}
const weightedAvgMs = (sum, total) => (total <= 0 ? 0 : idiv(sum * 2 + total, 2 * total));

async function renderAgents(tenantId, status) {
  const today = Math.floor(Date.now() / DAY_MS);
  const usageQ = { ...Q_USAGE, values: [tenantId, formatDay(today - 29), formatDay(today)] };
  const agentsQ = { ...Q_AGENTS, values: [tenantId, status, status] };
  let usage, agents;
  if (PARALLEL) {
    [usage, agents] = await Promise.all([pool.query(usageQ), pool.query(agentsQ)]);
  } else {  // painel's way: one connection, one statement after the other
    const client = await pool.connect();
    try {
      usage = await client.query(usageQ);
      agents = await client.query(agentsQ);
    } finally {
      client.release();
    }
  }
  const byAgent = new Map();
  for (const u of usage.rows) byAgent.set(u[0], u);
  let out = '{"agents":[';
  agents.rows.forEach((r, i) => {
    const u = byAgent.get(r[0]);
    const total = u ? Number(u[2]) : 0, ok = u ? Number(u[3]) : 0, sumMs = u ? Number(u[5]) : 0;
    if (i) out += ',';
    out += '{"id":' + q(r[0]) + ',"name":' + q(r[1]) + ',"segment":' + q(r[2]) +
      ',"subnucleus":' + q(r[3]) + ',"status":' + q(r[4]) + ',"activated_at":' + q(r[5]) +
      ',"deactivated_at":' + optStr(r[6]) + ',"usage_last_30_days":{"total_requests":' + total +
      ',"success_rate":' + successRate(ok, total) + ',"avg_response_time_ms":' +
      weightedAvgMs(sumMs, total) + '}}';
  });
  return out + ']}';
}

function problem(reply, status, title, detail) {
  return reply.code(status).type('application/problem+json')
    .send(JSON.stringify({ type: 'about:blank', title, status, detail }));
}

async function main() {
  await loadJwks();
  const app = fastify({ logger: false });
  app.get('/tenant/agents', async (req, reply) => {
    try {
      const tenantId = await authenticate(req.headers.authorization);
      const qs = req.query;
      if (qs.tenant_id !== undefined && qs.tenant_id !== tenantId)
        throw forbidden('tenant_id names another tenant');
      const status = qs.status === undefined ? 'active' : qs.status;
      if (!['active', 'inactive', 'all'].includes(status))
        throw new HttpError(400, 'Bad Request', 'status must be one of active, inactive, all');
      return reply.type('application/json').send(await renderAgents(tenantId, status));
    } catch (e) {
      if (e instanceof HttpError) return problem(reply, e.status, e.title, e.message);
      req.log.error(e);
      console.error('peer:', e);
      return problem(reply, 500, 'Internal Server Error', 'see the peer log');
    }
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  await app.listen({ host: process.env.HOST || '127.0.0.1', port: parseInt(process.env.PORT || '18490', 10) });
  if (process.send) process.send('ready');
  else console.log(`peer: listening on ${process.env.HOST || '127.0.0.1'}:${process.env.PORT || 18490}`);
  const stop = async () => { await app.close(); await pool.end(); process.exit(0); };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e) => { console.error('peer:', e); process.exit(1); });
