"""Audit under abuse (issue 13, items 11 and 12): refused requests leave aggregated audit
rows; the chain is keyed (HMAC from the master key), so a chain rebuilt without the key
fails verification; checkpoints anchor the head, so cutting the newest rows back past a
checkpoint is reported as truncation; support cannot cancel a command type it may not
create; REACTIVATE_TENANT restores the status from before the suspension."""
import hashlib
import json
import os
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import Painel, main  # noqa: E402
from fixtures import PASSWORD  # noqa: E402

FAST = ["--rate-user-per-min", "1000000", "--rate-user-burst", "100000",
        "--rate-tenant-per-min", "1000000", "--rate-tenant-burst", "100000"]
COMMANDS = "/internal/operations/commands"


def wait_for(what, fn, timeout=20):
    """Polls fn until it returns something truthy (a liveness bound, not a timing claim)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


def lift_append_only(p):
    """What someone with write access to the database can do."""
    if p.database.startswith("postgres"):
        p.sql("ALTER TABLE operational_events DISABLE TRIGGER USER")
    else:
        p.sql("DROP TRIGGER operational_events_no_update")
        p.sql("DROP TRIGGER operational_events_no_delete")


def legacy_hash(prev, fields):
    s = f"{len(prev)}:{prev}"
    for v in fields:
        s += "-1:" if v is None else f"{len(v.encode())}:{v}"
    return hashlib.sha256(s.encode()).hexdigest()


class Denials(unittest.TestCase):
    """401s and 403s leave one audit row per (actor or IP, reason, route, minute)."""

    def test_refused_requests_are_audited_aggregated(self):
        p = Painel(*FAST)
        try:
            p.start()
            t = p.tenant("Negada Ltda")
            p.user("admin@alq.ai", "INTERNAL_ADMIN")
            p.user("user@n.com", "TENANT_USER", t)
            user = p.login("user@n.com", PASSWORD)["access_token"]
            for _ in range(30):
                self.assertEqual(p.get("/internal/tenants", token="not-a-token").status, 401)
            for _ in range(3):
                self.assertEqual(p.get("/internal/tenants").status, 401)
            for _ in range(4):
                self.assertEqual(p.get("/internal/tenants", token=user).status, 403)
            for _ in range(2):
                r = p.post("/ingest/usage", {"events": []}, token="pk_wrong")
                self.assertEqual(r.status, 401, r)
            # Flushed in one batch at shutdown (the periodic flush is every 5 s by default).
            p.stop()
            # The IP is kept beside the hashed row since migration 18 (audit_personal).
            rows = p.sql("SELECT e.actor, e.role, e.target, coalesce(e.ip, a.ip), e.metadata "
                         "FROM operational_events e LEFT JOIN audit_personal a ON a.event_id = e.id "
                         "WHERE e.action = 'auth.denied' ORDER BY e.seq")
            by_reason = {}
            for actor, role, target, ip, meta in rows:
                m = json.loads(meta)
                by_reason.setdefault(m["reason"], []).append((actor, role, target, ip, m))
            self.assertEqual(sum(x[4]["count"] for x in by_reason["bad_token"]), 30)
            self.assertLessEqual(len(by_reason["bad_token"]), 2)  # a minute boundary at most
            self.assertEqual(by_reason["bad_token"][0][:4],
                             ("anonymous", "anonymous", "GET /internal/tenants", "127.0.0.1"))
            self.assertEqual(sum(x[4]["count"] for x in by_reason["missing_token"]), 3)
            forbidden = by_reason["forbidden"]
            self.assertEqual(sum(x[4]["count"] for x in forbidden), 4)
            self.assertEqual(forbidden[0][1], "TENANT_USER")
            self.assertEqual(forbidden[0][4]["status"], 403)
            self.assertEqual(sum(x[4]["count"] for x in by_reason["bad_ingest_key"]), 2)
            self.assertEqual(by_reason["bad_ingest_key"][0][2], "POST /ingest/usage")
            # The rows are part of the keyed chain.
            p.proc.stderr.close()
            p.log.close()
            p.start()
            admin = p.login("admin@alq.ai", PASSWORD)["access_token"]
            v = p.get("/internal/audit/verify", token=admin).json()
            self.assertTrue(v["ok"], v)
        finally:
            p.cleanup()


class Chain(unittest.TestCase):
    """A keyed chain, anchored by checkpoints written every 200 ms."""

    def setUp(self):
        self.p = Painel(*FAST, "--audit-checkpoint-interval-ms", "200").start()
        self.p.user("admin@alq.ai", "INTERNAL_ADMIN")
        self.admin = self.p.login("admin@alq.ai", PASSWORD)["access_token"]
        for _ in range(3):
            self.p.login("admin@alq.ai", PASSWORD)

    def tearDown(self):
        self.p.cleanup()

    def verify(self):
        r = self.p.get("/internal/audit/verify", token=self.admin)
        self.assertEqual(r.status, 200, r)
        return r.json()

    def checkpointed(self):
        """Waits until the newest row is a checkpoint; returns verify's answer."""
        def head_is_checkpoint():
            v = self.verify()
            return v if v["ok"] and v["checkpoint"] and v["rows_after_checkpoint"] == 0 else None
        return wait_for("a checkpoint at the head", head_is_checkpoint)

    def test_verify_reports_the_head_and_the_checkpoint(self):
        v = self.checkpointed()
        seq, rid, h = self.p.sql("SELECT seq, id, hash FROM operational_events ORDER BY seq DESC LIMIT 1")[0]
        self.assertEqual((v["head"]["id"], v["head"]["hash"], v["head"]["count"]), (rid, h, v["checked"]))
        self.assertEqual(v["checkpoint"]["id"], rid)
        self.assertEqual(v["checkpoint"]["count"], v["checked"] - 1)
        self.assertEqual(v["keyed_after_seq"], 0)
        self.assertFalse(v["truncated"])

    def test_deleting_the_newest_rows_with_their_checkpoint_is_truncation(self):
        first = self.checkpointed()["checkpoint"]["count"]
        self.p.login("admin@alq.ai", PASSWORD)
        second = wait_for("a later checkpoint",
                          lambda: (v := self.checkpointed())["checkpoint"]["count"] > first and v)
        # Cut the log back to just after the first checkpoint: what remains chains correctly.
        lift_append_only(self.p)
        self.p.sql("DELETE FROM operational_events WHERE seq > (SELECT seq FROM operational_events "
                   "WHERE action = 'audit.checkpoint' ORDER BY seq LIMIT 1)")
        v = wait_for("verify to report the cut", lambda: not (v := self.verify())["ok"] and v)
        self.assertTrue(v["truncated"], v)
        self.assertEqual(v["problem"], "truncated")
        self.assertLess(v["checkpoint"]["count"] if v["checkpoint"] else 0, second["checkpoint"]["count"])

    def test_chain_rebuilt_without_the_key_fails(self):
        self.checkpointed()
        lift_append_only(self.p)
        rows = self.p.sql("SELECT seq, id, created_at, actor, role, action, tenant_id, target, request_id, ip, "
                          "metadata FROM operational_events ORDER BY seq")
        prev = "0" * 64
        for r in rows:  # edit one row, then recompute every chain value as the legacy scheme did
            fields = list(r[1:])
            if fields[4] == "auth.login":
                fields[2] = "someone-else"
            h = legacy_hash(prev, fields)
            self.p.sql("UPDATE operational_events SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                       (fields[2], prev, h, r[0]))
            prev = h
        v = self.verify()
        self.assertFalse(v["ok"], v)
        self.assertEqual(v["problem"], "chain")
        self.assertEqual(v["first_bad_id"], rows[0][1])


class WrongMasterKey(unittest.TestCase):
    """A process given another master key would append audit rows nobody can verify: it
    refuses to open the store instead (once seen: `painel keys create` run without the
    server's PAINEL_MASTER_KEY generated a master.key beside the SQLite file, appended a row
    under it, and /internal/audit/verify reported the chain broken)."""

    def test_cli_and_serve_refuse_another_master_key(self):
        p = Painel(*FAST)
        try:
            p.start()
            p.user("admin@alq.ai", "INTERNAL_ADMIN")
            admin = p.login("admin@alq.ai", PASSWORD)["access_token"]
            before = p.sql("SELECT count(*) FROM operational_events")[0][0]
            wrong = dict(p.env, PAINEL_MASTER_KEY="another-master-key")
            r = subprocess.run([p.bin, "keys", "create", "--database", p.database, "--name", "k"],
                               capture_output=True, text=True, env=wrong, timeout=60)
            self.assertNotEqual(r.returncode, 0, r.stdout)
            self.assertIn("master key does not match this store", r.stderr)
            self.assertEqual(p.sql("SELECT count(*) FROM operational_events")[0][0], before)
            # The right key still works, and the chain verifies.
            p.cli("keys", "create", "--name", "k")
            v = p.get("/internal/audit/verify", token=admin).json()
            self.assertTrue(v["ok"], v)
            p.stop()
            q = subprocess.run([p.bin, "serve", "--listen", "127.0.0.1:0", "--database", p.database],
                               capture_output=True, text=True, env=wrong, timeout=60)
            self.assertNotEqual(q.returncode, 0)
            self.assertIn("master key does not match this store", q.stderr)
        finally:
            p.cleanup()


class CommandPermissions(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Painel(*FAST).start()
        cls.p.user("admin@alq.ai", "INTERNAL_ADMIN")
        cls.p.user("support@alq.ai", "INTERNAL_SUPPORT")
        cls.admin = cls.p.login("admin@alq.ai", PASSWORD)["access_token"]
        cls.support = cls.p.login("support@alq.ai", PASSWORD)["access_token"]

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()

    def run_command(self, typ, tenant):
        r = self.p.post(COMMANDS, {"command_type": typ, "tenant_id": tenant}, token=self.admin)
        self.assertEqual(r.status, 202, r)
        cid = r.json()["command_id"]

        def done():
            c = self.p.get(f"{COMMANDS}/{cid}?wait=5", token=self.admin).json()
            return c if c["status"] in ("SUCCESS", "ERROR", "CANCELLED") else None
        return wait_for(typ, done)

    def test_reactivate_restores_the_status_before_suspension(self):
        t = self.p.tenant("Teste Gratis Ltda", status="trial")
        out = self.run_command("SUSPEND_TENANT", t)
        self.assertEqual((out["status"], out["result"]["status"]), ("SUCCESS", "suspended"), out)
        out = self.run_command("REACTIVATE_TENANT", t)
        self.assertEqual((out["status"], out["result"]["status"]), ("SUCCESS", "trial"), out)
        self.assertEqual(self.p.sql("SELECT status FROM tenants WHERE id = ?", (t,)), [("trial",)])
        a = self.p.tenant("Ativa Ltda")
        self.run_command("SUSPEND_TENANT", a)
        self.assertEqual(self.run_command("REACTIVATE_TENANT", a)["result"]["status"], "active")


class CancelPermissions(unittest.TestCase):
    """Without jobs, commands stay PENDING."""

    def test_support_cannot_cancel_an_admin_only_command(self):
        p = Painel(*FAST, "--no-jobs")
        try:
            p.start()
            t = p.tenant("Alvo Ltda")
            p.user("admin@alq.ai", "INTERNAL_ADMIN")
            p.user("support@alq.ai", "INTERNAL_SUPPORT")
            admin = p.login("admin@alq.ai", PASSWORD)["access_token"]
            support = p.login("support@alq.ai", PASSWORD)["access_token"]
            r = p.post(COMMANDS, {"command_type": "SUSPEND_TENANT", "tenant_id": t}, token=admin)
            self.assertEqual(r.status, 202, r)
            cid = r.json()["command_id"]
            r = p.post(f"{COMMANDS}/{cid}/cancel", token=support)
            self.assertEqual(r.status, 403, r)
            self.assertIn("SUSPEND_TENANT", r.json()["detail"])
            self.assertEqual(p.get(f"{COMMANDS}/{cid}", token=admin).json()["status"], "PENDING")
            r = p.post(COMMANDS, {"command_type": "FLUSH_TENANT_CACHE", "tenant_id": t}, token=admin)
            self.assertEqual(p.post(f"{COMMANDS}/{r.json()['command_id']}/cancel", token=support).status, 200)
            self.assertEqual(p.post(f"{COMMANDS}/{cid}/cancel", token=admin).status, 200)
        finally:
            p.cleanup()


if __name__ == "__main__":
    main()
