#!/usr/bin/env python3
"""The figures of docs/operations.md, "Install to serving, and restore": how long a built
Debian package takes from `dpkg -x` to a server answering, and how long `painel restore`
takes on the default demo store. Timed here with time.monotonic(), end to end:

  install: `dpkg -x painel_<v>_amd64.deb ROOT` + `ROOT/usr/bin/painel serve` with the
           package's settings (packaging/deb/painel.env, paths moved into a temporary
           directory: fresh SQLite store, first-start migration and master key) until
           GET /healthz and GET /app/ both answer 200 (polled every 10 ms).
  restore: `painel restore --yes BACKUP` of a `painel backup` of `painel demo` (defaults:
           50 tenants) over that same store, as a shell would run it (a new process:
           verification, counts, the kept copy of the replaced store, the restore).

  scripts/measure-deploy.py DEB [RUNS=3]     (no systemd, no dpkg -i: nothing installed)
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request


def ok(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status == 200
    except Exception:
        return False


def install_to_serving(deb, tmp):
    root, var = os.path.join(tmp, "root"), os.path.join(tmp, "var")
    os.makedirs(var, mode=0o700)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAINEL_")}
    env.update(PAINEL_DATABASE=f"sqlite:{var}/painel.db", PAINEL_LOG_FORMAT="json",
               PAINEL_WEB_DIR=f"{root}/usr/share/painel/web", PAINEL_LISTEN="127.0.0.1:0")
    t0 = time.monotonic()
    subprocess.run(["dpkg", "-x", deb, root], check=True)
    p = subprocess.Popen([f"{root}/usr/bin/painel", "serve"], cwd=var, env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        port = None
        for line in p.stderr:
            if "listening on http://" in line:
                port = line.rsplit(":", 1)[1].split()[0]
                break
        if not port:
            raise SystemExit("painel serve did not start")
        base = f"http://127.0.0.1:{port}"
        while not (ok(base + "/healthz") and ok(base + "/app/")):
            time.sleep(0.01)
        return time.monotonic() - t0, f"{root}/usr/bin/painel", env, var
    finally:
        p.terminate()
        p.wait(15)


def restore_demo(binary, env, var):
    db = ["--database", f"sqlite:{var}/painel.db"]
    subprocess.run([binary, "demo", *db], env=env, cwd=var, check=True, capture_output=True)
    backup = os.path.join(var, "demo-backup.db")
    subprocess.run([binary, "backup", backup, *db], env=env, cwd=var, check=True,
                   capture_output=True)
    size = os.path.getsize(backup)
    t0 = time.monotonic()
    subprocess.run([binary, "restore", "--yes", backup, *db], env=env, cwd=var, check=True,
                   capture_output=True)
    return time.monotonic() - t0, size


def main():
    deb = os.path.abspath(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    for i in range(runs):
        tmp = tempfile.mkdtemp(prefix="painel-deploy-")
        try:
            serving, binary, env, var = install_to_serving(deb, tmp)
            restore, size = restore_demo(binary, env, var)
            print(f"run {i + 1}: install to serving {serving:.2f} s; restore of the demo store "
                  f"({size / 1e6:.0f} MB) {restore:.2f} s", flush=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
