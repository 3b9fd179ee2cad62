"""Test harness for API suites: starts the real `painel serve` binary on a free loopback
port against a fresh temporary SQLite store, and talks HTTP to it (stdlib only)."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request
import http.client

BIN = os.environ.get("PAINEL_BIN", os.path.join(os.path.dirname(__file__), "../../build/painel"))
SRC = os.environ.get("PAINEL_SRC", os.path.join(os.path.dirname(__file__), "../.."))


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = {k.lower(): v for k, v in headers}
        self.body = body

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"<{self.status} {self.body[:300]!r}>"


class Painel:
    """A running server with its own data directory."""

    def __init__(self, *extra_args, env=None, db=None):
        self.dir = tempfile.mkdtemp(prefix="painel-test-")
        self.db = db or os.path.join(self.dir, "painel.db")
        self.extra = list(extra_args)
        self.env = dict(os.environ, **(env or {}))
        self.env.setdefault("PAINEL_MASTER_KEY", "test-master-key")
        self.proc = None
        self.port = None

    def cli(self, *args, input=None, check=True):
        r = subprocess.run([BIN, *args, "--database", "sqlite:" + self.db], input=input,
                           capture_output=True, text=True, env=self.env, timeout=300)
        if check and r.returncode != 0:
            raise AssertionError(f"painel {' '.join(args)} failed ({r.returncode}): {r.stderr}")
        return r

    def start(self):
        self.log = open(os.path.join(self.dir, "serve.log"), "w+")
        self.proc = subprocess.Popen(
            [BIN, "serve", "--listen", "127.0.0.1:0", "--database", "sqlite:" + self.db,
             "--log-format", "json", "--web-dir", os.path.join(SRC, "web/dist"), *self.extra],
            stdout=self.log, stderr=subprocess.PIPE, text=True, env=self.env)
        deadline = time.time() + 20
        while time.time() < deadline:
            line = self.proc.stderr.readline()
            if not line:
                if self.proc.poll() is not None:
                    raise AssertionError("painel serve exited: " + open(self.log.name).read()[-2000:])
                continue
            m = re.search(r"listening on http://[\d.]+:(\d+)", line)
            if m:
                self.port = int(m.group(1))
                return self
        raise AssertionError("painel serve did not start")

    def stop(self, sig=signal.SIGTERM, timeout=15):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode if self.proc else None

    def cleanup(self):
        self.stop()
        if self.proc:
            self.proc.stderr.close()
            self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    # --- HTTP ---
    def request(self, method, path, body=None, token=None, headers=None, raw=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        h = dict(headers or {})
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        if token:
            h["Authorization"] = "Bearer " + token
        conn.request(method, path, body=data, headers=h)
        r = conn.getresponse()
        out = Response(r.status, r.getheaders(), r.read().decode("utf-8", "replace"))
        conn.close()
        return out

    def get(self, path, token=None, **kw):
        return self.request("GET", path, token=token, **kw)

    def post(self, path, body=None, token=None, **kw):
        return self.request("POST", path, body=body, token=token, **kw)

    def login(self, email, password):
        r = self.post("/auth/login", {"email": email, "password": password})
        assert r.status == 200, r
        return r.json()

    # --- fixtures through the real CLI ---
    def tenant(self, name, plan="starter", cnpj=None, status="active"):
        args = ["tenants", "create", "--name", name, "--plan", plan, "--status", status]
        if cnpj:
            args += ["--cnpj", cnpj]
        return self.cli(*args).stdout.strip()

    def user(self, email, group, tenant=None, password="password123", name="Test User"):
        args = ["users", "create", "--email", email, "--name", name, "--group", group,
                "--password-stdin", "--fast-hash"]
        if tenant:
            args += ["--tenant", tenant]
        return self.cli(*args, input=password + "\n").stdout.strip()

    def sql(self, statement, params=()):
        import sqlite3
        c = sqlite3.connect(self.db, timeout=10)
        try:
            cur = c.execute(statement, params)
            rows = cur.fetchall()
            c.commit()
            return rows
        finally:
            c.close()


def main():
    unittest.main(verbosity=2)
