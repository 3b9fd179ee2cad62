#!/usr/bin/env bash
# Builds the web UI into web/dist. Without npm the API still works (painel serve says
# the UI is not built), so a missing toolchain is a warning, not a failure.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../web"
if [[ ! -f package.json ]]; then echo "web: no package.json yet; skipping UI build"; exit 0; fi
if ! command -v npm >/dev/null; then echo "web: npm not found; the UI will not be served" >&2; exit 0; fi
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run build --silent
# Precompressed twins (gzip, brotli) of the text assets: served by Accept-Encoding.
"$here/precompress-web.sh" dist
