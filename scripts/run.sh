#!/usr/bin/env bash
# `make run`: migrate the embedded store, load demo data the first time, and serve.
set -euo pipefail
cd "$(dirname "$0")/.."
# The store, its backups, master.key and demo-logins.txt (passwords) stay private.
umask 077
DB="${1:-./data/painel.db}"
BIN=./build/painel
mkdir -p -m 700 "$(dirname "$DB")"
$BIN migrate --database "sqlite:$DB"
if [[ ! -f "$(dirname "$DB")/.demo-loaded" ]]; then
  $BIN demo --database "sqlite:$DB" | tee "$(dirname "$DB")/demo-logins.txt"
  touch "$(dirname "$DB")/.demo-loaded"
else
  cat "$(dirname "$DB")/demo-logins.txt" 2>/dev/null || true
fi
LISTEN="${PAINEL_LISTEN:-127.0.0.1:8080}"
echo
echo "Painel is starting: open http://$LISTEN/app/ and log in with one of the accounts above."
echo "(logins are also in $(dirname "$DB")/demo-logins.txt; stop with Ctrl-C)"
exec $BIN serve --database "sqlite:$DB" --listen "$LISTEN" --log-format "${PAINEL_LOG_FORMAT:-text}"
