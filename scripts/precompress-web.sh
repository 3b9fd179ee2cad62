#!/usr/bin/env bash
# Writes gzip (.gz) and brotli (.br) twins of the text files of a built web UI (default
# web/dist), so painel serves them with Content-Encoding and no compression per request
# (src/api/static_files.cpp). A twin not smaller than its file is removed: it would never
# be sent. Without the brotli CLI (scripts/setup.sh installs it) only gzip is written.
# Deterministic output (gzip -n: no name or time stamp), so the Debian package is too.
set -euo pipefail
dir=${1:-"$(dirname "$0")/../web/dist"}
[[ -d "$dir" ]] || { echo "precompress: no $dir" >&2; exit 1; }
have_brotli=1
command -v brotli >/dev/null || { have_brotli=0; echo "precompress: brotli not found; gzip only (run make setup)" >&2; }

count=0
while IFS= read -r -d '' f; do
  gzip -9 -n -k -f -- "$f"
  ((have_brotli)) && brotli -q 11 -k -f -- "$f"
  size=$(stat -c %s -- "$f")
  for twin in "$f.gz" "$f.br"; do
    [[ -f "$twin" ]] || continue
    if (($(stat -c %s -- "$twin") >= size)); then rm -f -- "$twin"; fi
  done
  count=$((count + 1))
done < <(find "$dir" -type f \( -name '*.html' -o -name '*.js' -o -name '*.mjs' -o -name '*.css' \
  -o -name '*.svg' -o -name '*.json' -o -name '*.webmanifest' -o -name '*.txt' -o -name '*.ico' \) \
  -size +255c -print0)
echo "precompress: $count file(s) in $dir (gzip$( ((have_brotli)) && echo ", brotli"))"
