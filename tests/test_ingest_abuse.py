"""Ingestion under abuse (issue 13, items 4, 13, 14): gzip bombs and oversized batches are
refused with the server's peak memory bounded; ingest keys scoped to one tenant; the
occurred_at window; one audit row per stored batch; files on disk private to the service
account and a shared master key file refused."""
import concurrent.futures
import datetime
import gzip
import json
import os
import stat
import subprocess
import sys
import tempfile
import unittest
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import BIN, SRC, Painel, db_url, main  # noqa: E402

UTC = datetime.timezone.utc
PEAK_RSS_LIMIT_KB = 300 * 1024


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def create_key(p, *args):
    """(key id, key) of a new ingest key."""
    r = p.cli("keys", "create", "--name", "abuse", *args)
    return r.stderr.split("ingest key ")[1].split()[0], r.stdout.strip()


class IngestAbuse(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Painel().start()
        p = cls.p
        cls.a, cls.b = p.tenant("Tenant A"), p.tenant("Tenant B")
        cls.agent = str(uuid.uuid4())
        now = iso(datetime.datetime.now(UTC))
        p.sql("INSERT INTO agents(id, slug, name, segment, subnucleus, monthly_price_cents, created_at) "
              "VALUES (?,?,?,?,?,?,?)", (cls.agent, "abuse", "Abuse Agent", "servicos", "hermes", 100, now))
        for t in (cls.a, cls.b):
            p.sql("INSERT INTO tenant_agents(id, tenant_id, agent_id, status, activated_at) VALUES (?,?,?,?,?)",
                  (str(uuid.uuid4()), t, cls.agent, "active", now))
        cls.key_id, cls.key = create_key(p)
        cls.a_key_id, cls.a_key = create_key(p, "--tenant", cls.a)

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()

    def ev(self, tenant=None, **kw):
        e = {"event_id": str(uuid.uuid4()), "tenant_id": tenant or self.a, "agent_id": self.agent,
             "occurred_at": iso(datetime.datetime.now(UTC) - datetime.timedelta(minutes=1)),
             "status": "success", "response_time_ms": 10, "tokens_used": 1, "cost": 0.01}
        e.update(kw)
        return e

    def ingest(self, events, key=None):
        return self.p.post("/ingest/usage", {"events": events}, token=key or self.key)

    def post_raw(self, raw, gzipped):
        headers = {"Content-Type": "application/json"}
        if gzipped:
            headers["Content-Encoding"] = "gzip"
        return self.p.request("POST", "/ingest/usage", raw=raw, token=self.key, headers=headers)

    def stored(self, events):
        ids = ",".join("'%s'" % e["event_id"] for e in events)
        return self.p.sql(f"SELECT count(*) FROM usage_events WHERE event_id IN ({ids})")[0][0]

    # --- A: bounded memory (item 4) ---
    def test_bombs_are_refused_with_peak_memory_bounded(self):
        zeros = b"{\"events\":[" + b"0," * (30 << 20) + b"0]}"  # 60 MB: 30 M values
        bodies = {  # name: (body, gzipped, accepted statuses)
            "50 MB of whitespace": (gzip.compress(b" " * (50 << 20), 9), True, {413}),
            "50 MB of NUL bytes": (gzip.compress(b"\0" * (50 << 20), 9), True, {413}),
            "60 MB of values": (gzip.compress(zeros, 9), True, {413}),
            "200 000 tiny events": (gzip.compress(b"{\"events\":[" + b",".join([b"{}"] * 200000) + b"]}"),
                                    True, {400}),
            "9 MiB of values": (b"{\"events\":[],\"pad\":[" + b"0," * (9 << 19) + b"0]}", False, {400}),
        }
        for body, _, _ in bodies.values():
            self.assertLess(len(body), 10 << 20)  # each fits the body limit as sent
        jobs = [(name, b) for name, b in bodies.items() for _ in range(4)]
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            results = list(pool.map(lambda j: (j[0], self.post_raw(j[1][0], j[1][1])), jobs))
        for name, r in results:
            self.assertIn(r.status, bodies[name][2], (name, r))
            self.assertTrue(r.headers["content-type"].startswith("application/problem+json"), name)
        with open(f"/proc/{self.p.proc.pid}/status") as f:
            hwm = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
        self.assertLess(hwm, PEAK_RSS_LIMIT_KB, f"server peak RSS {hwm} kB")
        self.assertEqual(self.p.get("/healthz").status, 200)

    def test_a_full_batch_still_fits(self):
        batch = [self.ev() for _ in range(10000)]
        r = self.post_raw(gzip.compress(json.dumps({"events": batch}).encode()), True)
        self.assertEqual(r.status, 202, r)
        self.assertEqual(r.json()["accepted"], 10000)

    # --- B: scoped keys, time window, audit (item 13) ---
    def test_a_scoped_key_writes_its_own_tenant_only(self):
        mine = [self.ev(), self.ev()]
        self.assertEqual(self.ingest(mine, key=self.a_key).status, 202)
        batch = [self.ev(), self.ev(), self.ev(tenant=self.b)]
        r = self.ingest(batch, key=self.a_key)
        self.assertEqual(r.status, 403, r)
        self.assertTrue(r.headers["content-type"].startswith("application/problem+json"))
        self.assertIn("events[2].tenant_id", r.json()["detail"])
        self.assertEqual(self.stored(batch), 0)
        # a global key (every key made before scopes existed) still writes any tenant
        self.assertEqual(self.ingest([self.ev(tenant=self.b)]).status, 202)

    def test_keys_create_checks_the_tenant(self):
        r = self.p.cli("keys", "create", "--name", "x", "--tenant", str(uuid.uuid4()), check=False)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("no tenant", r.stderr)
        r = self.p.cli("keys", "create", "--name", "x", "--tenant", "not-a-uuid", check=False)
        self.assertEqual(r.returncode, 2, r.stderr)
        r = self.p.cli("keys", "create", "--name", "x", "--tenant", self.b.upper(), check=False)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.ingest([self.ev(tenant=self.b)], key=r.stdout.strip()).status, 202)

    def test_occurred_at_window(self):
        now = datetime.datetime.now(UTC)
        too_old = self.ev(occurred_at=iso(now - datetime.timedelta(days=401)))
        r = self.ingest([self.ev(), too_old])
        self.assertEqual(r.status, 400, r)
        self.assertIn("events[1].occurred_at", r.json()["detail"])
        future = self.ev(occurred_at=iso(now + datetime.timedelta(minutes=10)))
        self.assertIn("events[0].occurred_at", self.ingest([future]).json()["detail"])
        old = self.ev(occurred_at=iso(now - datetime.timedelta(days=399)))
        self.assertEqual(self.ingest([old]).status, 202)

    def test_each_stored_batch_is_audited(self):
        batch = [self.ev(), self.ev()]
        self.assertEqual(self.ingest(batch, key=self.a_key).status, 202)
        self.assertEqual(self.ingest(batch + [self.ev()], key=self.a_key).status, 202)
        self.assertEqual(self.ingest([self.ev(tenant=self.b)], key=self.a_key).status, 403)
        rows = self.p.sql("SELECT actor, tenant_id, metadata FROM operational_events "
                          "WHERE action = 'usage.ingest' AND actor = ? ORDER BY seq", (self.a_key_id,))
        metas = [json.loads(m) for _, _, m in rows][-2:]
        self.assertEqual(metas, [{"accepted": 2, "duplicates": 0, "events": 2},
                                 {"accepted": 1, "duplicates": 2, "events": 3}])
        self.assertEqual({t for _, t, _ in rows}, {self.a})


class SecretsOnDisk(unittest.TestCase):
    """Files the server creates are private; a shared master key file is refused."""

    def setUp(self):
        self.old_umask = os.umask(0o022)  # a typical login umask: the server must not rely on it
        self.tmp = tempfile.mkdtemp(prefix="painel-secrets-")
        self.servers = []

    def tearDown(self):
        for p in self.servers:
            p.cleanup()
        subprocess.run(["rm", "-rf", self.tmp])
        os.umask(self.old_umask)

    def env_without_key(self, **extra):
        env = {k: v for k, v in os.environ.items() if not k.startswith("PAINEL_MASTER_KEY")}
        env.update(extra)
        return env

    def serve_exit(self, database, *args, env=None):
        """Runs `painel serve` expecting it to refuse to start: (exit code, stderr)."""
        proc = subprocess.Popen([BIN, "serve", "--listen", "127.0.0.1:0", "--database", database,
                                 "--web-dir", os.path.join(SRC, "web/dist"), *args],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                env=env or self.env_without_key())
        try:
            _, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            self.fail("painel serve started instead of refusing")
        return proc.returncode, err

    def test_sqlite_store_and_master_key_are_private(self):
        data = os.path.join(self.tmp, "data")
        p = Painel(db=os.path.join(data, "painel.db"), env=self.env_without_key())
        p.env.pop("PAINEL_MASTER_KEY", None)
        self.servers.append(p)
        p.start()
        self.assertEqual(p.get("/readyz").status, 200)
        backup = os.path.join(self.tmp, "snap", "backup.db")
        p.cli("backup", backup)
        for path in [data, p.db, p.db + "-wal", p.db + "-shm", os.path.join(data, "master.key"),
                     backup, os.path.dirname(backup)]:
            self.assertEqual(mode_of(path) & 0o077, 0, f"{path} is {oct(mode_of(path))}")

    def test_backup_is_private(self):  # the configured backend: pg_dump's archive on PostgreSQL
        p = Painel()
        self.servers.append(p)
        p.cli("migrate")
        backup = os.path.join(self.tmp, "b", "store.backup")
        p.cli("backup", backup)
        self.assertEqual(mode_of(backup) & 0o077, 0, oct(mode_of(backup)))

    def test_a_shared_master_key_file_is_refused(self):
        key = os.path.join(self.tmp, "master.key")
        with open(key, "w") as f:
            f.write("a-long-random-master-key\n")
        os.chmod(key, 0o644)
        p = Painel()
        self.servers.append(p)
        code, err = self.serve_exit(p.database, "--master-key-file", key)
        self.assertEqual(code, 2, err)
        self.assertIn(f"master key file {key} is accessible by group or others", err)
        self.assertEqual(len(err.strip().splitlines()), 1, err)
        # the generated key beside a SQLite store is held to the same rule
        db = os.path.join(self.tmp, "lite", "painel.db")
        os.makedirs(os.path.dirname(db))
        os.rename(key, os.path.join(self.tmp, "lite", "master.key"))
        code, err = self.serve_exit(db_url(db))
        self.assertEqual(code, 2, err)
        self.assertIn("chmod 600", err)
        self.assertFalse(os.path.exists(db), "refused before the store was created")

    def test_master_key_file_serves_and_excludes_the_inline_key(self):
        key = os.path.join(self.tmp, "master.key")
        fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, b"a-long-random-master-key\n")
        os.close(fd)
        p = Painel(env=self.env_without_key(PAINEL_MASTER_KEY_FILE=key))
        self.servers.append(p)
        p.env.pop("PAINEL_MASTER_KEY", None)
        p.start()
        self.assertEqual(p.get("/readyz").status, 200)
        p.stop()
        code, err = self.serve_exit(p.database, "--master-key", "inline",
                                    env=self.env_without_key(PAINEL_MASTER_KEY_FILE=key))
        self.assertEqual(code, 2, err)
        self.assertIn("not both", err)


if __name__ == "__main__":
    main()
