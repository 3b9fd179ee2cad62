#!/usr/bin/env bash
# A throwaway redis-server for tests: nothing assumes a Redis already running.
#
#   scripts/redis-test-server.sh start DIR [PORT]   start on PORT (default: a free loopback
#                                                   port), no persistence; print the
#                                                   redis:// URL (also written to DIR/url)
#   scripts/redis-test-server.sh stop DIR           kill the server at once (no save) and
#                                                   delete DIR
set -euo pipefail

cmd="${1:-}"
dir="${2:-}"
port="${3:-}"
[[ ( "$cmd" == start || "$cmd" == stop ) && -n "$dir" ]] || {
  echo "usage: $0 start DIR [PORT] | stop DIR" >&2
  exit 2
}
command -v redis-server >/dev/null || {
  echo "$0: redis-server not found (apt-get install redis-server)" >&2
  exit 1
}

kill_server() {
  if [[ -f "$dir/redis.pid" ]]; then
    local pid
    pid="$(cat "$dir/redis.pid")"
    # only our server: the pid file is ours and the process must be a redis-server
    if [[ -n "$pid" ]] && grep -q redis-server "/proc/$pid/cmdline" 2>/dev/null; then
      kill -9 "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$dir/redis.pid"
  fi
}

if [[ "$cmd" == stop ]]; then
  kill_server
  rm -rf "$dir"
  exit 0
fi

kill_server  # a leftover from an interrupted run
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

for attempt in 1 2 3 4 5; do
  p="$port"
  [[ -n "$p" ]] || p="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  rm -f "$dir/redis.pid"
  redis-server --port "$p" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
    --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null 2>&1 || true
  for _ in $(seq 50); do
    if [[ -s "$dir/redis.pid" && "$(redis-cli -h 127.0.0.1 -p "$p" ping 2>/dev/null)" == PONG ]]; then
      url="redis://127.0.0.1:$p"
      echo "$url" >"$dir/url"
      echo "$url"
      exit 0
    fi
    sleep 0.1
  done
  kill_server
  [[ -z "$port" ]] || break  # a fixed port that will not come up: give up
done
echo "$0: redis-server did not start:" >&2
tail -20 "$dir/redis.log" >&2 || true
exit 1
