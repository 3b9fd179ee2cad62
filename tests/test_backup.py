"""Backups as a job, safe restore and rollback (issue #18), on SQLite and on PostgreSQL
(PAINEL_TEST_BACKEND=postgres):

- `serve --backup-dir` with a short check interval and the job's clock stepping a day per
  check keeps exactly --backup-keep-days backups, each with a manifest (times a day apart,
  schema version, row counts, the master key's fingerprint — never the key);
- the verification catches a damaged file (`painel backup --check`, and restore refuses
  it leaving the store as it was);
- the staleness metric is the newest backup's time, known from the directory at start;
- `painel restore` refuses while a server uses the store (exit 2) unless --force, requires
  --yes without a terminal, keeps the replaced store, and round-trips the demo store;
- `painel migrate` on a populated store takes its backup first (PostgreSQL: pg_dump),
  --no-backup does not, --status lists the applied versions;
- a store whose schema is newer than the binary is refused by serve, worker and migrate
  with one line and exit 2; an unknown command says so (exit 2)."""
import glob
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
from harness import BIN, Painel, main  # noqa: E402

DAY_MS = 86400000
PG = os.environ.get("PAINEL_TEST_BACKEND", "sqlite") == "postgres"
EXT = ".dump" if PG else ".db"


def metric(p, name):
    for line in p.get("/metrics").body.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            if line.startswith(name + " "):
                return float(line.split()[1])
    return None


def metric_labeled(p, name, labels):
    for line in p.get("/metrics").body.splitlines():
        if line.startswith(f"{name}{{{labels}}} "):
            return float(line.split()[1])
    return None


def manifests(d):
    out = []
    for f in sorted(glob.glob(os.path.join(d, "painel-*.json"))):
        with open(f) as fh:
            out.append(json.load(fh))
    return sorted(out, key=lambda m: m["created_at_ms"])


def damage(path):
    """Overwrites everything past the first 4 KiB (SQLite: every b-tree page; a pg_dump
    archive: its data blocks)."""
    size = os.path.getsize(path)
    with open(path, "r+b") as f:
        f.seek(min(4096, size // 2))
        f.write(b"\xa5" * (size - f.tell()))


def run(*args, env=None, input=None):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=300, input=input,
                          env={**os.environ, "PAINEL_MASTER_KEY": "test-master-key", **(env or {})})


def schema_version(p):
    return int(p.sql("SELECT max(version) FROM schema_migrations")[0][0])


class Base(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="painel-backup-")
        self.painels = []

    def tearDown(self):
        for p in self.painels:
            p.cleanup()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def painel(self, *args, **kw):
        p = Painel(*args, **kw)
        self.painels.append(p)
        return p


class BackupJob(Base):
    def test_keeps_exactly_keep_days_with_manifests_and_fingerprint(self):
        d = os.path.join(self.tmp, "backups")
        p = self.painel("--backup-dir", d, "--backup-keep-days", "3", "--backup-check-ms", "100",
                        "--backup-clock-step-ms", str(DAY_MS))
        p.tenant("Antes do Backup")
        p.start()
        deadline = time.time() + 120
        while time.time() < deadline and (metric_labeled(p, "painel_backup_runs_total", 'result="ok"') or 0) < 6:
            time.sleep(0.2)
        self.assertGreaterEqual(metric_labeled(p, "painel_backup_runs_total", 'result="ok"'), 6)
        self.assertEqual(metric(p, "painel_backup_enabled"), 1)
        p.stop()  # the job finishes its run (write, verify, prune) before the process exits
        ms = manifests(d)
        self.assertEqual(len(ms), 3, os.listdir(d))
        self.assertEqual(sorted(os.listdir(d)), sorted([m["file"] for m in ms] + [m["file"] + ".json" for m in ms]))
        for a, b in zip(ms, ms[1:]):  # a stepped day apart, plus the real time between checks
            self.assertGreaterEqual(b["created_at_ms"] - a["created_at_ms"], DAY_MS)
            self.assertLess(b["created_at_ms"] - a["created_at_ms"], DAY_MS + 60000)
        for m in ms:
            self.assertTrue(m["file"].endswith(EXT), m)
            self.assertTrue(m["verified"])
            self.assertRegex(m["master_key_fingerprint"], r"^sha256:[0-9a-f]{16}$")
            self.assertEqual(m["schema_version"], schema_version(p))
            self.assertEqual(m["counts"]["tenants"], 1)
            self.assertIn("audit_chain", m["counts"])
            self.assertEqual(m["database"], "postgresql" if PG else "sqlite")
            self.assertEqual(os.path.getsize(os.path.join(d, m["file"])), m["size_bytes"])
            self.assertEqual(os.stat(os.path.join(d, m["file"])).st_mode & 0o077, 0)
            with open(os.path.join(d, m["file"] + ".json")) as f:
                text = f.read()
            self.assertNotIn("test-master-key", text)
        self.assertEqual(len({m["master_key_fingerprint"] for m in ms}), 1)
        if not PG:  # the snapshot opens and holds what the manifest counted
            c = sqlite3.connect(os.path.join(d, ms[-1]["file"]))
            self.assertEqual(c.execute("SELECT count(*) FROM tenants").fetchone()[0], 1)
            self.assertEqual(c.execute("PRAGMA integrity_check").fetchone()[0], "ok")
            c.close()
        # Another master key, another fingerprint.
        d2 = os.path.join(self.tmp, "other")
        q = self.painel("--backup-dir", d2, env={"PAINEL_MASTER_KEY": "another-master-key"})
        q.start()
        deadline = time.time() + 60
        while time.time() < deadline and not manifests(d2):
            time.sleep(0.2)
        q.stop()
        self.assertNotEqual(manifests(d2)[0]["master_key_fingerprint"], ms[0]["master_key_fingerprint"])

    def test_staleness_metric_is_the_newest_backup_and_survives_a_restart(self):
        p = self.painel()
        p.start()
        self.assertEqual(metric(p, "painel_backup_enabled"), 0)
        self.assertEqual(metric(p, "painel_backup_last_success_timestamp_seconds"), 0)
        p.stop()
        d = os.path.join(self.tmp, "backups")
        p.extra = ["--backup-dir", d, "--backup-check-ms", "100"]
        p.start()
        deadline = time.time() + 60
        while time.time() < deadline and not metric(p, "painel_backup_last_success_timestamp_seconds"):
            time.sleep(0.2)
        ms = manifests(d)
        self.assertEqual(len(ms), 1)
        self.assertEqual(metric(p, "painel_backup_last_success_timestamp_seconds"), ms[0]["created_at_ms"] / 1000)
        p.stop()
        # Restarted within the day: no new backup, and the metric knows the last one at once.
        p.start()
        self.assertEqual(metric(p, "painel_backup_last_success_timestamp_seconds"), ms[0]["created_at_ms"] / 1000)
        time.sleep(0.5)
        self.assertEqual(len(manifests(d)), 1)

    def test_verification_catches_a_damaged_file(self):
        p = self.painel()
        p.tenant("Acme")
        good = os.path.join(self.tmp, "good" + EXT)
        r = p.cli("backup", good)
        self.assertIn("verified", r.stdout)
        self.assertRegex(r.stdout, r"tenants\s+1\b")
        self.assertEqual(p.cli("backup", "--check", good).returncode, 0)
        bad = os.path.join(self.tmp, "bad" + EXT)
        shutil.copy(good, bad)
        damage(bad)
        r = p.cli("backup", "--check", bad, check=False)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("not a usable Painel backup", r.stderr)
        # restore verifies first: the store is left as it was.
        p.tenant("Depois")
        r = p.cli("restore", bad, "--yes", check=False)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("not a usable Painel backup", r.stderr)
        self.assertEqual(p.sql("SELECT count(*) FROM tenants")[0][0], 2)


class Restore(Base):
    def test_refused_while_serving_unless_forced(self):
        p = self.painel()
        p.tenant("Acme")
        f = os.path.join(self.tmp, "snap" + EXT)
        p.cli("backup", f)
        p.start()
        p.tenant("Criado Depois")
        r = p.cli("restore", f, "--yes", check=False)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("is using", r.stderr)
        self.assertEqual(p.sql("SELECT count(*) FROM tenants")[0][0], 2)
        r = p.cli("restore", f, "--yes", "--force", "--keep-dir", self.tmp)
        self.assertIn("WARNING: a server or worker is using the store", r.stdout)
        self.assertEqual(p.sql("SELECT count(*) FROM tenants")[0][0], 1)
        p.stop()
        # Stopped: no --force needed.
        r = p.cli("restore", f, "--yes", "--keep-dir", self.tmp)
        self.assertRegex(r.stdout, r"restored .* in \d+\.\ds")

    def test_refused_while_a_worker_runs(self):
        p = self.painel()
        p.tenant("Acme")
        f = os.path.join(self.tmp, "snap" + EXT)
        p.cli("backup", f)
        w = subprocess.Popen([BIN, "worker", "--database", p.database], stderr=subprocess.PIPE,
                             stdout=subprocess.DEVNULL, text=True, env=p.env)
        try:
            deadline = time.time() + 20
            while time.time() < deadline and "command worker" not in w.stderr.readline():
                pass
            r = p.cli("restore", f, "--yes", check=False)
            self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
            self.assertIn("is using", r.stderr)
        finally:
            w.terminate()
            w.wait(15)
            w.stderr.close()
        p.cli("restore", f, "--yes", "--keep-dir", self.tmp)

    def test_asks_on_a_terminal(self):
        import pty
        p = self.painel()
        p.tenant("Acme")
        f = os.path.join(self.tmp, "snap" + EXT)
        p.cli("backup", f)
        p.tenant("Depois")
        for answer, code, tenants in (("n", 1, 2), ("y", 0, 1)):
            master, slave = pty.openpty()
            os.write(master, (answer + "\n").encode())
            r = subprocess.run([BIN, "restore", f, "--keep-dir", self.tmp, "--database", p.database],
                               stdin=slave, capture_output=True, text=True, timeout=120, env=p.env)
            os.close(slave)
            os.close(master)
            self.assertIn("Replace it? [y/N]", r.stderr)
            self.assertEqual(r.returncode, code, r.stdout + r.stderr)
            self.assertEqual(p.sql("SELECT count(*) FROM tenants")[0][0], tenants)

    def test_warns_when_the_backup_needs_another_master_key(self):
        d = os.path.join(self.tmp, "backups")
        p = self.painel("--backup-dir", d, "--backup-check-ms", "100")
        p.tenant("Acme")
        p.start()
        deadline = time.time() + 60
        while time.time() < deadline and not manifests(d):
            time.sleep(0.2)
        p.stop()
        f = os.path.join(d, manifests(d)[0]["file"])
        warning = "WARNING: the backup was taken under another master key"
        r = run("restore", f, "--yes", "--keep-dir", self.tmp, "--database", p.database)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn(warning, r.stdout)
        r = run("restore", f, "--yes", "--keep-dir", self.tmp, "--database", p.database,
                env={"PAINEL_MASTER_KEY": "another-master-key"})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(warning, r.stdout)

    def test_needs_yes_without_a_terminal(self):
        p = self.painel()
        p.tenant("Acme")
        f = os.path.join(self.tmp, "snap" + EXT)
        p.cli("backup", f)
        r = p.cli("restore", f, "--keep-dir", self.tmp, check=False, input="y\n")
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("pass --yes", r.stderr)
        self.assertEqual(glob.glob(os.path.join(self.tmp, "painel-pre-restore-*")), [])

    def test_demo_store_round_trip_keeps_the_replaced_store(self):
        d = os.path.join(self.tmp, "backups")
        p = self.painel("--backup-dir", d, "--backup-check-ms", "100")
        p.cli("demo", "--tenants", "5", "--days", "3")
        p.start()
        deadline = time.time() + 120
        while time.time() < deadline and not manifests(d):
            time.sleep(0.2)
        p.stop()
        m = manifests(d)[0]
        self.assertEqual(m["counts"]["tenants"], 5)
        self.assertGreater(m["counts"]["usage_events"], 0)
        before = {t: p.sql(f"SELECT count(*) FROM {t}")[0][0] for t in m["counts"]}
        self.assertEqual(before, m["counts"])
        p.tenant("Criada Depois do Backup")
        keep = os.path.join(self.tmp, "kept")
        started = time.time()
        r = p.cli("restore", os.path.join(d, m["file"]), "--yes", "--keep-dir", keep)
        seconds = time.time() - started
        print(f"\nrestore of the demo store ({'postgresql' if PG else 'sqlite'}): {seconds:.2f}s",
              file=sys.stderr)
        self.assertIn("taken " + m["created_at"], r.stdout)
        self.assertRegex(r.stdout, r"tenants\s+6\s+5\b")
        after = {t: p.sql(f"SELECT count(*) FROM {t}")[0][0] for t in m["counts"]}
        self.assertEqual(after, m["counts"])
        self.assertEqual(p.sql("SELECT count(*) FROM tenants WHERE name = ?", ("Criada Depois do Backup",))[0][0], 0)
        kept = glob.glob(os.path.join(keep, "painel-pre-restore-*" + EXT))
        self.assertEqual(len(kept), 1)
        # The kept store is the one replaced: restoring it brings the late tenant back.
        run("restore", kept[0], "--yes", "--keep-dir", keep, "--database", p.database)
        self.assertEqual(p.sql("SELECT count(*) FROM tenants WHERE name = ?", ("Criada Depois do Backup",))[0][0], 1)
        # The server starts on the restored store and answers.
        p.start()
        self.assertEqual(p.get("/healthz").status, 200)


class Migrate(Base):
    def test_migrate_on_a_populated_store_takes_its_backup_first(self):
        p = self.painel()
        latest = int(re.search(r"knows up to (\d+)", p.cli("migrate", "--status").stdout).group(1))
        p.cli("migrate", "--to", str(latest - 1))
        self.assertEqual(schema_version(p), latest - 1)
        p.sql("INSERT INTO tenants(id, name, name_search, created_at, updated_at) VALUES (?,?,?,?,?)",
              ("5f0c1a7e-0000-4000-8000-000000000001", "Populada", "populada",
               "2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z"))
        st = p.cli("migrate", "--status").stdout
        self.assertIn(f"schema version {latest - 1}", st)
        self.assertIn(f"pending: {latest}..{latest}", st)
        self.assertEqual(len([l for l in st.splitlines() if re.match(r"^\d+\t", l)]), latest - 1)
        d = os.path.join(self.tmp, "pre")
        os.makedirs(d)
        r = p.cli("migrate", "--backup-dir", d)
        m = re.search(r"\(backup: (\S+)\)", r.stdout)
        self.assertTrue(m, r.stdout)
        dump = m.group(1)
        self.assertTrue(os.path.exists(dump))
        if PG:
            self.assertTrue(dump.startswith(d))
        self.assertEqual(schema_version(p), latest)
        # The backup is the store as it was before: schema latest-1, with its tenant.
        q = self.painel()
        run("restore", dump, "--yes", "--keep-dir", self.tmp, "--database", q.database)
        self.assertEqual(schema_version(q), latest - 1)
        self.assertEqual(q.sql("SELECT name FROM tenants")[0][0], "Populada")

    def test_no_backup_skips_it(self):
        # PostgreSQL: no pg_dump; SQLite: no copy in backups/ beside the database.
        p = self.painel()
        latest = int(re.search(r"knows up to (\d+)", p.cli("migrate", "--status").stdout).group(1))
        p.cli("migrate", "--to", str(latest - 1))
        d = os.path.join(self.tmp, "pre")
        os.makedirs(d)
        r = p.cli("migrate", "--backup-dir", d, "--no-backup")
        self.assertIn(f"→ {latest}", r.stdout)
        self.assertNotIn("backup:", r.stdout)
        self.assertEqual(os.listdir(d), [])
        if not PG:
            beside = os.path.join(os.path.dirname(p.db), "backups", "pre-migrate-*")
            self.assertEqual(glob.glob(beside), [])  # without the flag: one (test above)

    def test_serve_with_backup_dir_dumps_before_migrating_on_start(self):
        if not PG:
            self.skipTest("SQLite: serve writes backups/pre-migrate.db beside the store")
        d = os.path.join(self.tmp, "backups")
        p = self.painel("--backup-dir", d, "--backup-period-ms", str(365 * DAY_MS))
        latest = int(re.search(r"knows up to (\d+)", p.cli("migrate", "--status").stdout).group(1))
        p.cli("migrate", "--to", str(latest - 1))
        p.start()
        self.assertEqual(schema_version(p), latest)
        dumps = glob.glob(os.path.join(d, "painel-pre-migrate-*.dump"))
        self.assertEqual(len(dumps), 1, os.listdir(d))
        self.assertEqual(run("backup", "--check", dumps[0], "--database", p.database).returncode, 0)

    def test_a_newer_schema_is_refused_with_one_line(self):
        p = self.painel()
        p.cli("migrate")
        p.sql("INSERT INTO schema_migrations(version, name, applied_at) VALUES (?,?,?)",
              (99999, "from the future", "2026-01-01T00:00:00.000Z"))
        for args in (["serve", "--listen", "127.0.0.1:0"], ["worker"], ["migrate"]):
            r = run(*args, "--database", p.database)
            self.assertEqual(r.returncode, 2, args)
            lines = [l for l in r.stderr.splitlines() if l.startswith("painel:")]
            self.assertEqual(len(lines), 1, r.stderr)
            self.assertIn("schema is version 99999, newer than this painel knows", lines[0])
        st = p.cli("migrate", "--status").stdout
        self.assertIn("NEWER", st)


class Cli(unittest.TestCase):
    def test_unknown_command(self):
        r = run("frobnicate")
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr.strip(), "painel: unknown command frobnicate (see painel --help)")


if __name__ == "__main__":
    main()
