/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

// The painel binary serves dist/ under /app/ on the same origin as the API, or under
// /painel/app/ with --public-url https://host/painel: assets are referenced relative to the
// pages' <base href="/app/">, which the binary rewrites at start-up (one build, any path).
// During `npm run dev`, API calls are proxied to a local `painel serve`.
const apiTarget = process.env.PAINEL_API ?? 'http://127.0.0.1:8080';
const apiPrefixes = ['/auth', '/tenant', '/internal', '/healthz', '/readyz', '/.well-known'];

export default defineConfig({
  base: './',
  plugins: [react()],
  build: {
    // The original's promised floor (Chrome/Edge 90+, Firefox 88+, Safari 14+): newer
    // syntax is lowered for them (docs/ui.md, "Browsers").
    target: ['chrome90', 'edge90', 'firefox88', 'safari14'],
    outDir: 'dist',
    assetsDir: 'assets',
    sourcemap: false,
    chunkSizeWarningLimit: 400,
    // Two pages: the UI, and the API docs (served by the binary at /docs; Swagger UI is
    // a chunk of its own, loaded only there).
    rollupOptions: {
      input: {
        main: fileURLToPath(new URL('index.html', import.meta.url)),
        docs: fileURLToPath(new URL('docs.html', import.meta.url)),
      },
    },
  },
  server: {
    proxy: Object.fromEntries(apiPrefixes.map((p) => [p, { target: apiTarget, changeOrigin: false }])),
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
});
