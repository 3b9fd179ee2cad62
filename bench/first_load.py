#!/usr/bin/env python3
"""Bytes a browser downloads on the web UI's first load, by Accept-Encoding: /app/ and
every script, stylesheet and modulepreload that index.html names (what loads before the
first screen; the route chunks loaded after it are listed apart). Against a running
painel: bench/first_load.py http://127.0.0.1:8080. See docs/benchmarks.md."""
import http.client
import re
import sys
from urllib.parse import urlsplit

ENCODINGS = [("identity", "identity"), ("gzip", "gzip, deflate"), ("br", "gzip, deflate, br")]


def get(base, path, accept):
    u = urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=30)
    conn.request("GET", path, headers={"Accept-Encoding": accept})
    r = conn.getresponse()
    body = r.read()
    conn.close()
    if r.status != 200:
        raise SystemExit(f"GET {path}: {r.status}")
    return body, r.getheader("Content-Encoding") or "identity"


def main():
    base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080"
    page, _ = get(base, "/app/", "identity")
    refs = re.findall(rb'(?:src|href)="(/app/[^"]+\.(?:js|css))"', page)
    paths = ["/app/"] + sorted({r.decode() for r in refs})
    print(f"first load: {len(paths)} files ({', '.join(paths)})")
    print("| Accept-Encoding | bytes | vs identity |")
    print("|---|---|---|")
    base_total = None
    for name, accept in ENCODINGS:
        total = 0
        for p in paths:
            body, coding = get(base, p, accept)
            total += len(body)
        base_total = base_total or total
        print(f"| `{accept}` ({name}) | {total:,} | {total / base_total:.0%} |")


if __name__ == "__main__":
    main()
