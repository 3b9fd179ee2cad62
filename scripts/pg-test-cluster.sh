#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests: nothing assumes a server already running.
#
#   scripts/pg-test-cluster.sh start DIR   initdb in DIR, start on a free loopback port, print
#                                          the postgresql:// URL (also written to DIR/url)
#   scripts/pg-test-cluster.sh stop DIR    stop the server and delete DIR
#
# PostgreSQL refuses to run as root: as root the cluster belongs to the `postgres` system user
# (or `painel-test`, created if neither exists). Authentication is `trust` on loopback and on
# the unix socket, which lives in DIR; durability is switched off (fsync, synchronous_commit):
# the data is thrown away anyway and tests run several times faster.
set -euo pipefail

cmd="${1:-}"
dir="${2:-}"
[[ ( "$cmd" == start || "$cmd" == stop ) && -n "$dir" ]] || {
  echo "usage: $0 start|stop DIR" >&2
  exit 2
}

PGBIN="${PGBIN:-}"
if [[ -z "$PGBIN" ]]; then
  for v in 17 16 15; do
    [[ -x /usr/lib/postgresql/$v/bin/pg_ctl ]] && PGBIN=/usr/lib/postgresql/$v/bin && break
  done
fi
[[ -n "$PGBIN" && -x "$PGBIN/pg_ctl" ]] || {
  echo "$0: PostgreSQL server binaries not found (apt-get install postgresql)" >&2
  exit 1
}

run_as=()
owner="$(id -un)"
if [[ "$(id -u)" == 0 ]]; then
  if id postgres >/dev/null 2>&1; then
    owner=postgres
  else
    id painel-test >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin painel-test
    owner=painel-test
  fi
  run_as=(runuser -u "$owner" --)
fi

if [[ "$cmd" == stop ]]; then
  if [[ -f "$dir/data/postmaster.pid" ]]; then
    "${run_as[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  exit 0
fi

# start
if [[ -f "$dir/data/postmaster.pid" ]]; then  # a leftover from an interrupted run
  "${run_as[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
fi
rm -rf "$dir"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
chown "$owner" "$dir"
chmod 700 "$dir"

"${run_as[@]}" "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
  --no-sync --no-instructions >"$dir/initdb.log" 2>&1 || {
  cat "$dir/initdb.log" >&2
  exit 1
}
cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
max_connections = 400
shared_buffers = 64MB
fsync = off
synchronous_commit = off
full_page_writes = off
logging_collector = off
log_min_messages = warning
EOF

# A free port: bind port 0, read it back, release it; retry if someone takes it meanwhile.
for attempt in 1 2 3 4 5; do
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  if "${run_as[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "-p $port" -w -t 30 \
      start >/dev/null 2>&1; then
    url="postgresql://postgres@127.0.0.1:$port/postgres"
    echo "$url" >"$dir/url"
    chmod 644 "$dir/url"
    echo "$url"
    exit 0
  fi
  sleep 0.2
done
echo "$0: the server did not start:" >&2
tail -20 "$dir/server.log" >&2 || true
exit 1
