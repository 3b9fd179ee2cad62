/// <reference types="node" />
// src/api/schema.d.ts is generated from docs/openapi.json (`npm run gen:types`) and checked
// in: this fails when the contract changed and the UI's types were not regenerated.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const web = fileURLToPath(new URL('../..', import.meta.url));
const cli = fileURLToPath(new URL('../../node_modules/openapi-typescript/bin/cli.js', import.meta.url));

describe('schema.d.ts', () => {
  it('is what openapi-typescript makes of docs/openapi.json today', () => {
    const fresh = execFileSync(process.execPath, [cli, '../docs/openapi.json'], { cwd: web, encoding: 'utf8' });
    const checkedIn = readFileSync(new URL('schema.d.ts', import.meta.url), 'utf8');
    expect(checkedIn === fresh, 'src/api/schema.d.ts is stale: run `npm run gen:types` in web/').toBe(true);
  }, 60_000);
});
