"""`painel copy`: an embedded (SQLite) deployment moved into PostgreSQL serves the same
answers: row counts match table by table, tokens issued before the copy still work, the
audit chain verifies, new rows get fresh ids. A non-empty target, a missing source and a
source at an old schema version are refused with exit code 2; --force empties the target.

Needs the PostgreSQL test cluster whatever the backend: CMake registers it only as
api-pg.test_copy; run by hand it is skipped unless PAINEL_TEST_PG_URL(_FILE) is set."""
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import harness  # noqa: E402
from harness import BIN, Painel, main, psql  # noqa: E402

HAVE_PG = bool(os.environ.get("PAINEL_TEST_PG_URL") or os.environ.get("PAINEL_TEST_PG_URL_FILE"))
FAST = ["--rate-user-per-min", "1000000", "--rate-user-burst", "100000",
        "--rate-tenant-per-min", "1000000", "--rate-tenant-burst", "100000", "--cache-ttl-ms", "1"]
TERMINAL = {"SUCCESS", "ERROR", "CANCELLED"}


def fresh_pg_db():
    """A new empty database in the test cluster (dropped by the Painel that serves it)."""
    # --metrics-history-days 0: the metric history writes even with --no-jobs (every
    # instance records its own traffic), and would change metric_points under the counts.
    p = Painel(*FAST, "--no-jobs", "--metrics-history-days", "0")  # PAINEL_TEST_BACKEND=postgres: a fresh database
    return p


def copy(source, target, *extra):
    return subprocess.run([BIN, "copy", "--from", source, "--to", target, *extra],
                          capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, PAINEL_MASTER_KEY="test-master-key"))


def counts_table(stdout):
    """The verification table `painel copy` prints: {table: (source, target)}."""
    out = {}
    for line in stdout.splitlines():
        m = re.match(r"^(\w+)\s+(\d+)\s+(\d+)(\s+MISMATCH)?$", line)
        if m:
            out[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    return out


@unittest.skipUnless(HAVE_PG, "needs the PostgreSQL test cluster (PAINEL_TEST_PG_URL or _FILE); "
                              "ctest runs it as api-pg.test_copy")
class Copy(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        harness.BACKEND = "postgres"  # Painel() without db= gets a fresh cluster database
        cls.tmp = tempfile.mkdtemp(prefix="painel-copy-")
        cls.sqlite_path = os.path.join(cls.tmp, "painel.db")
        cls.src = Painel(*FAST, db=cls.sqlite_path)
        out = cls.src.cli("demo", "--tenants", "5", "--days", "7").stdout
        logins = {}
        for line in out.splitlines():
            parts = line.strip().split("\t")
            if line.startswith("  ") and len(parts) >= 2:
                logins.setdefault(parts[0], parts[1])
        cls.password = re.search(r"password for all: (\S+)\)", out).group(1)
        cls.admin_email, cls.tenant_email = logins["INTERNAL_ADMIN"], logins["TENANT_ADMIN"]
        # Life after the demo, with the jobs running: logins (sessions, audit), commands
        # with parameters (jsonb), run by the worker (audit entries of every step).
        cls.src.start()
        cls.admin = cls.src.login(cls.admin_email, cls.password)
        cls.tenant = cls.src.login(cls.tenant_email, cls.password)
        cls.tenant_id = cls.src.get("/tenant/me", token=cls.tenant["access_token"]).json()["id"]
        for body in [{"command_type": "FLUSH_TENANT_CACHE", "tenant_id": cls.tenant_id},
                     {"command_type": "REPROCESS_QUEUE", "tenant_id": cls.tenant_id,
                      "parameters": {"from": "2026-01-01", "to": "2026-01-02"}}]:
            r = cls.src.post("/internal/operations/commands", body, token=cls.admin["access_token"])
            assert r.status == 202, r
            cls.wait_command(r.json()["command_id"])
        cls.src.stop()
        cls.src.proc.stderr.close()
        cls.src.log.close()

        cls.dst = fresh_pg_db()
        cls.first = copy("sqlite:" + cls.sqlite_path, cls.dst.database)
        assert cls.first.returncode == 0, cls.first.stdout + cls.first.stderr
        # Both deployments served side by side, jobs off so that only the requests below
        # change them (in the same way on both).
        cls.src.extra = [*FAST, "--no-jobs", "--metrics-history-days", "0"]
        cls.src.start()
        cls.dst.start()

    @classmethod
    def wait_command(cls, cid):
        deadline = time.time() + 20
        while time.time() < deadline:
            r = cls.src.get(f"/internal/operations/commands/{cid}?wait=5", token=cls.admin["access_token"])
            assert r.status == 200, r
            if r.json()["status"] in TERMINAL:
                return
        raise AssertionError(f"command {cid} did not finish")

    @classmethod
    def tearDownClass(cls):
        for p in ("dst", "src"):
            if hasattr(cls, p):
                getattr(cls, p).cleanup()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def source_tables(self):
        return [n for (n,) in self.src.sql("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                                           "'sqlite%' AND name <> 'schema_migrations' ORDER BY name")]

    def test_row_counts_match_table_by_table(self):
        printed = counts_table(self.first.stdout)
        tables = self.source_tables()
        self.assertEqual(sorted(printed), tables, self.first.stdout)
        self.assertIn("copy verified", self.first.stdout)
        self.assertRegex(self.first.stdout, r"audit chain: source verifies \(\d+ events\), target verifies")
        for t in tables:  # counted again here, independently of the command
            (n_src,), = self.src.sql(f"SELECT count(*) FROM {t}")
            (n_dst,), = self.dst.sql(f"SELECT count(*) FROM {t}")
            self.assertEqual(n_src, n_dst, t)
            self.assertEqual(printed[t], (n_src, n_dst), t)
        self.assertGreater(printed["usage_events"][0], 1000)
        self.assertGreater(printed["operational_events"][0], 5)

    def test_rows_identical(self):
        # Spot checks of converted types: uuid, timestamptz, date, jsonb, bigint.
        q = "SELECT seq, id, created_at, actor, action, prev_hash, hash FROM operational_events ORDER BY seq"
        self.assertEqual(self.dst.sql(q), self.src.sql(q))
        q = "SELECT tenant_id, agent_id, day, total_requests, cost_cents, aggregated_at FROM tenant_usage_daily " \
            "ORDER BY tenant_id, day, agent_id"
        self.assertEqual(self.dst.sql(q), self.src.sql(q))
        q = "SELECT tenant_id, day, requests_through_day FROM tenant_usage_cumulative ORDER BY tenant_id, day"
        self.assertEqual(self.dst.sql(q), self.src.sql(q))
        self.assertGreater(len(self.src.sql(q)), 0)
        q = "SELECT id, parameters FROM operational_commands ORDER BY id"
        self.assertEqual([(i, json.loads(p)) for i, p in self.dst.sql(q)],
                         [(i, json.loads(p)) for i, p in self.src.sql(q)])

    def test_same_api_answers(self):
        # Tokens issued by the SQLite deployment before the copy: the signing keys moved too.
        admin, tenant = self.admin["access_token"], self.tenant["access_token"]
        paths = [(tenant, "/tenant/me"), (tenant, "/tenant/usage?period=7d"), (tenant, "/tenant/agents"),
                 (tenant, "/tenant/integrations"), (tenant, "/tenant/incidents"),
                 (admin, "/internal/tenants?status=all"), (admin, f"/internal/tenants/{self.tenant_id}"),
                 (admin, f"/internal/tenants/{self.tenant_id}/agents"),
                 (admin, "/internal/usage/overview?period=7d"), (admin, "/internal/billing/overview"),
                 (admin, "/internal/operations/commands"), (admin, "/internal/audit/verify"),
                 (tenant, "/auth/me")]
        answers = {}
        for token, path in paths:
            a, b = self.src.get(path, token=token), self.dst.get(path, token=token)
            self.assertEqual(a.status, 200, (path, a))
            self.assertEqual(b.status, a.status, (path, b))
            ja, jb = a.json(), b.json()
            if path == "/internal/audit/verify":  # each side appended its own rows (new ids)
                ja.pop("head"), jb.pop("head")
            self.assertEqual(jb, ja, path)
            answers[path] = ja
        # ...and they are not trivially equal
        self.assertEqual(answers["/internal/tenants?status=all"]["total"], 5)
        self.assertGreater(answers["/tenant/usage?period=7d"]["summary"]["total_requests"], 0)
        self.assertGreater(answers["/internal/audit/verify"]["checked"], 5)
        verify = self.dst.get("/internal/audit/verify", token=admin).json()
        self.assertTrue(verify["ok"], verify)

    def test_new_rows_after_copy_get_fresh_ids(self):
        # On a copy of its own (this one changes the data): the refresh-token session was
        # copied, and rotating it, logging in and creating a tenant write rows whose ids
        # must not collide with copied ones (the sequences were reset).
        target = fresh_pg_db()
        try:
            self.assertEqual(copy("sqlite:" + self.sqlite_path, target.database).returncode, 0)
            target.start()
            r = target.post("/auth/refresh", {"refresh_token": self.tenant["refresh_token"]})
            self.assertEqual(r.status, 200, r)
            target.login(self.admin_email, self.password)
            (top,), = self.src.sql("SELECT max(seq) FROM operational_events")
            (new_top,), = target.sql("SELECT max(seq) FROM operational_events")
            self.assertGreater(new_top, top)
            (hist,), = target.sql("SELECT max(id) FROM tenant_status_history")
            target.tenant("Depois da Cópia Ltda")
            (hist2,), = target.sql("SELECT max(id) FROM tenant_status_history")
            self.assertGreater(hist2, hist)
            verify = target.get("/internal/audit/verify", token=self.admin["access_token"]).json()
            self.assertTrue(verify["ok"], verify)
        finally:
            target.cleanup()

    def test_non_empty_target_refused(self):
        before = self.dst.sql("SELECT count(*) FROM tenants")
        r = copy("sqlite:" + self.sqlite_path, self.dst.database)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        last = r.stderr.strip().splitlines()[-1]
        self.assertIn("already holds data", last)
        self.assertIn("tenants", last)
        self.assertIn("--force", last)
        self.assertEqual(self.dst.sql("SELECT count(*) FROM tenants"), before)

    def test_missing_source_refused(self):
        target = fresh_pg_db()
        try:
            missing = os.path.join(self.tmp, "nope.db")
            r = copy("sqlite:" + missing, target.database)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertEqual(r.stderr.strip(), f"painel: source database {missing} does not exist")
            self.assertFalse(os.path.exists(missing))  # opened read-only: never created
            r = copy(self.dst.database, target.database)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn("--from must be sqlite:PATH", r.stderr)
        finally:
            target.cleanup()

    def altered_source(self, name, sql):
        """A copy of the source store (VACUUM INTO) with `sql` applied to it."""
        path = os.path.join(self.tmp, name)
        c = sqlite3.connect(self.sqlite_path)
        c.execute("VACUUM INTO ?", (path,))
        c.close()
        c = sqlite3.connect(path)
        c.execute(sql)
        c.commit()
        c.close()
        return path

    def test_old_schema_refused(self):
        old = self.altered_source("old.db", "DELETE FROM schema_migrations WHERE version = "
                                            "(SELECT max(version) FROM schema_migrations)")
        target = fresh_pg_db()
        try:
            r = copy("sqlite:" + old, target.database)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
            self.assertIn("run `painel migrate", r.stderr)
            self.assertEqual(psql(target.db, "SELECT count(*) FROM information_schema.tables "
                                             "WHERE table_name = 'tenants'"), [(0,)])  # untouched
        finally:
            target.cleanup()

    def test_failed_copy_leaves_target_empty(self):
        # a value PostgreSQL's jsonb refuses, in a late table
        bad = self.altered_source("bad.db", "UPDATE tenant_agents SET config = '{not json' WHERE "
                                            "rowid = (SELECT max(rowid) FROM tenant_agents)")
        target = fresh_pg_db()
        try:
            r = copy("sqlite:" + bad, target.database)
            self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
            self.assertIn("copying tenant_agents", r.stderr)
            for t in ("tenants", "users", "agents", "usage_events"):  # all rolled back
                self.assertEqual(target.sql(f"SELECT count(*) FROM {t}"), [(0,)], t)
        finally:
            target.cleanup()

    def test_force_empties_the_target_first(self):
        target = fresh_pg_db()
        try:
            self.assertEqual(copy("sqlite:" + self.sqlite_path, target.database).returncode, 0)
            target.tenant("Ocupante Ltda")  # data the source does not have
            r = copy("sqlite:" + self.sqlite_path, target.database, "--force")
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn("copy verified", r.stdout)
            self.assertEqual(target.sql("SELECT count(*) FROM tenants WHERE name = 'Ocupante Ltda'"), [(0,)])
            # the append-only triggers are back
            with self.assertRaises(AssertionError):
                target.sql("DELETE FROM operational_events")
        finally:
            target.cleanup()


if __name__ == "__main__":
    main()
