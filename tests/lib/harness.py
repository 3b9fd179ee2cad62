"""Test harness for API suites: starts the real `painel serve` binary on a free loopback
port against a fresh temporary store, and talks HTTP to it (stdlib only).

The store is SQLite unless PAINEL_TEST_BACKEND=postgres: then each Painel gets a fresh
database in the cluster named by PAINEL_TEST_PG_URL (or the file PAINEL_TEST_PG_URL_FILE;
ctest's api-pg.* entries start one with scripts/pg-test-cluster.sh), and p.sql() runs
through psql."""
import json
import os
import re
import shutil
import signal
import socket
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
BACKEND = os.environ.get("PAINEL_TEST_BACKEND", "sqlite")


def pg_cluster_url():
    url = os.environ.get("PAINEL_TEST_PG_URL", "")
    if not url and os.environ.get("PAINEL_TEST_PG_URL_FILE"):
        with open(os.environ["PAINEL_TEST_PG_URL_FILE"]) as f:
            url = f.read().strip()
    if not url:
        raise AssertionError("PAINEL_TEST_BACKEND=postgres needs PAINEL_TEST_PG_URL (scripts/pg-test-cluster.sh)")
    return url


def served_routes():
    """The route table of the binary under test (`painel routes`, JSON): method, path
    pattern, access, groups, body limit."""
    r = subprocess.run([BIN, "routes"], capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, PAINEL_MASTER_KEY="test-master-key"))
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def db_url(db):
    """The --database value for a store: a postgresql:// URL as is, a path as sqlite:PATH."""
    return db if db.startswith(("postgresql://", "postgres://")) else "sqlite:" + db


# --- PostgreSQL through psql (no driver needed) ---
_FS, _RS, _NULL, _MARK = "\x1f", "\x1e", "\x1d", "--painel-rows--"


def _pg_literal(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    return "'" + str(v).replace("'", "''") + "'"


def _pg_substitute(statement, params):
    """`?` outside quotes → the next parameter as a SQL literal."""
    out, it, quote = [], iter(params), None
    for ch in statement:
        if quote:
            quote = None if ch == quote else quote
        elif ch in ("'", '"'):
            quote = ch
        elif ch == "?":
            ch = _pg_literal(next(it))
        out.append(ch)
    return "".join(out)


def _pg_value(text, typ):
    if text == _NULL:
        return None
    if typ in ("bigint", "integer", "smallint"):
        return int(text)
    if typ == "boolean":
        return 1 if text == "t" else 0
    if typ in ("double precision", "real"):
        return float(text)
    if typ == "numeric":
        f = float(text)
        return int(f) if f.is_integer() else f
    if typ.startswith("timestamp"):  # as the store reads it back: RFC 3339 UTC, milliseconds
        m = re.match(r"(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d+))?", text)
        if m:
            return f"{m.group(1)}T{m.group(2)}.{(m.group(3) or '').ljust(3, '0')[:3]}Z"
    return text


def psql(url, statement, params=()):
    """Runs one statement; returns its rows as tuples typed like sqlite3's (ints, floats, str)."""
    sql = _pg_substitute(statement, params).strip().rstrip(";")
    script = f"{sql} \\gdesc\n\\echo {_MARK}\n{sql};\n"
    r = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-A", "-t", "-F", _FS, "-R", _RS,
                        "-P", "null=" + _NULL, "-d", url], input=script, capture_output=True, text=True,
                       timeout=60)
    if r.returncode != 0:
        raise AssertionError(f"psql failed: {r.stderr.strip()} in: {sql}")
    desc, _, rows = r.stdout.partition(_MARK + "\n")
    types = [rec.split(_FS)[1] for rec in desc.rstrip("\n").split(_RS) if _FS in rec]
    rows = rows.rstrip("\n")
    if not types or not rows:
        return []
    return [tuple(_pg_value(v, t) for v, t in zip(rec.split(_FS), types)) for rec in rows.split(_RS)]


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

    def __init__(self, *extra_args, env=None, db=None, web_dir=None, bin=None, cwd=None,
                 listen="127.0.0.1:0", log_format="json"):
        self.dir = tempfile.mkdtemp(prefix="painel-test-")
        self.own_pg_db = None
        if db is None and BACKEND == "postgres":  # a fresh database in the test cluster
            cluster = pg_cluster_url()
            self.own_pg_db = "painel_" + os.urandom(8).hex()
            psql(cluster, f"CREATE DATABASE {self.own_pg_db}")
            db = cluster[:cluster.rindex("/") + 1] + self.own_pg_db
        self.db = db or os.path.join(self.dir, "painel.db")
        self.database = db_url(self.db)  # the --database value
        self.extra = list(extra_args)
        self.listen, self.log_format = listen, log_format
        # The UI to serve: web/dist of the checkout by default; "" gives no --web-dir at all
        # (the binary looks for an installed UI beside itself).
        self.web_dir = os.path.join(SRC, "web/dist") if web_dir is None else web_dir
        self.bin = bin or BIN
        self.cwd = cwd
        self.env = dict(os.environ, **(env or {}))
        self.env.setdefault("PAINEL_MASTER_KEY", "test-master-key")
        self.proc = None
        self.port = None

    def cli(self, *args, input=None, check=True):
        r = subprocess.run([BIN, *args, "--database", self.database], input=input,
                           capture_output=True, text=True, env=self.env, timeout=300)
        if check and r.returncode != 0:
            raise AssertionError(f"painel {' '.join(args)} failed ({r.returncode}): {r.stderr}")
        return r

    def start(self):
        self.log = open(os.path.join(self.dir, "serve.log"), "w+")
        self.proc = subprocess.Popen(
            [self.bin, "serve", "--listen", self.listen, "--database", self.database,
             "--log-format", self.log_format, *(["--web-dir", self.web_dir] if self.web_dir else []),
             *self.extra],
            stdout=self.log, stderr=subprocess.PIPE, text=True, env=self.env, cwd=self.cwd)
        deadline = time.time() + 20
        while time.time() < deadline:
            line = self.proc.stderr.readline()
            if not line:
                if self.proc.poll() is not None:
                    raise AssertionError("painel serve exited: " + open(self.log.name).read()[-2000:])
                continue
            m = re.search(r"listening on https?://[\d.]+:(\d+)", line)
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
        if self.own_pg_db:
            try:
                psql(pg_cluster_url(), f"DROP DATABASE IF EXISTS {self.own_pg_db} WITH (FORCE)")
            except AssertionError:
                pass
            self.own_pg_db = None

    # --- HTTP ---
    def request(self, method, path, body=None, token=None, headers=None, raw=None, source_ip=None):
        """source_ip: send from that loopback address (127.0.0.x) to look like another client."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30,
                                          source_address=(source_ip, 0) if source_ip else None)
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

    def user(self, email, group, tenant=None, password="painel-test-pw-1", name="Test User"):
        args = ["users", "create", "--email", email, "--name", name, "--group", group,
                "--password-stdin", "--fast-hash"]
        if tenant:
            args += ["--tenant", tenant]
        return self.cli(*args, input=password + "\n").stdout.strip()

    def sql(self, statement, params=()):
        if self.database.startswith("postgres"):
            return psql(self.db, statement, params)
        import sqlite3
        c = sqlite3.connect(self.db, timeout=10)
        try:
            cur = c.execute(statement, params)
            rows = cur.fetchall()
            c.commit()
            return rows
        finally:
            c.close()


def raw_exchange(port, data, timeout=10):
    """Sends raw bytes; returns everything the server wrote until it closed (or timeout)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(data)
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except (socket.timeout, ConnectionResetError):
                break
            if not chunk:
                break
            out += chunk
        return out
    finally:
        s.close()


def main():
    unittest.main(verbosity=2)
