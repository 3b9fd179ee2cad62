"""Four-eyes approval of destructive commands (issue 15): `serve --require-approval TYPES`
creates those commands AWAITING_APPROVAL (never run by the worker); another INTERNAL_ADMIN
approves (→ PENDING, then run) or rejects (→ CANCELLED with the reason); the creator may
not decide (403); a decided command → 409; cancel works while awaiting; decisions are
audited; unknown types refuse to start (exit 2). Without the option nothing changes (the
other suites run without it). Expiry after 24 h: src/jobs/approval_expiry_test.cpp."""
import os
import subprocess
import sys
import time
import unittest
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import BIN, Painel, main  # noqa: E402
from fixtures import PASSWORD, World  # noqa: E402

ROUTE = "/internal/operations/commands"


class Approval(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Painel("--require-approval", "SUSPEND_TENANT, RESET_TOKEN").start()
        cls.w = World(cls.p)
        cls.p.user("admin2@alq.ai", "INTERNAL_ADMIN")
        cls.admin2 = cls.p.login("admin2@alq.ai", PASSWORD)["access_token"]

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()

    def tok(self, who):
        return self.admin2 if who == "ADMIN2" else self.w.token(who)

    def create(self, body, who="INTERNAL_ADMIN"):
        return self.p.post(ROUTE, body, token=self.tok(who))

    def approve(self, cid, who="ADMIN2"):
        return self.p.post(f"{ROUTE}/{cid}/approve", token=self.tok(who))

    def reject(self, cid, reason="no", who="ADMIN2"):
        return self.p.post(f"{ROUTE}/{cid}/reject", {"reason": reason}, token=self.tok(who))

    def get(self, cid):
        return self.p.get(f"{ROUTE}/{cid}", token=self.tok("INTERNAL_ADMIN")).json()

    def wait_done(self, cid, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            c = self.p.get(f"{ROUTE}/{cid}?wait=5&status_not=PENDING", token=self.tok("INTERNAL_ADMIN")).json()
            if c["status"] in ("SUCCESS", "ERROR", "CANCELLED"):
                return c
        raise AssertionError(f"command {cid} did not finish")

    def suspend(self, tenant):
        r = self.create({"command_type": "SUSPEND_TENANT", "tenant_id": tenant})
        self.assertEqual(r.status, 202, r)
        return r.json()

    def audit(self, cid):
        return [a for (a,) in self.p.sql("SELECT action FROM operational_events WHERE target = ? ORDER BY seq", (cid,))]

    def test_listed_type_waits_then_runs_once_approved(self):
        t = self.p.tenant("Aprovada Ltda")
        b = self.suspend(t)
        self.assertEqual(b["status"], "AWAITING_APPROVAL")
        self.assertIn("approval", b["message"])
        time.sleep(1.5)  # the worker polls every 0.5 s: it must not take it
        c = self.get(b["command_id"])
        self.assertEqual(c["status"], "AWAITING_APPROVAL")
        self.assertIsNone(c["started_at"])
        self.assertEqual(self.p.sql("SELECT status FROM tenants WHERE id = ?", (t,))[0][0], "active")
        listed = self.p.get(f"{ROUTE}?status=AWAITING_APPROVAL&tenant_id={t}", token=self.tok("INTERNAL_SUPPORT")).json()
        self.assertEqual([x["command_id"] for x in listed["commands"]], [b["command_id"]])
        r = self.approve(b["command_id"])
        self.assertEqual(r.status, 200, r)
        a = r.json()
        self.assertIn(a["status"], ("PENDING", "RUNNING", "SUCCESS"))
        self.assertEqual(a["approved_by"], self.p.sql("SELECT id FROM users WHERE email = 'admin2@alq.ai'")[0][0])
        self.assertTrue(a["approved_at"])
        done = self.wait_done(b["command_id"])
        self.assertEqual(done["status"], "SUCCESS", done)
        self.assertEqual(self.p.sql("SELECT status FROM tenants WHERE id = ?", (t,))[0][0], "suspended")
        self.assertEqual(self.audit(b["command_id"])[:2], ["command.create", "command.approve"])
        meta = self.p.sql("SELECT actor, metadata FROM operational_events WHERE target = ? AND action = "
                          "'command.approve'", (b["command_id"],))[0]
        self.assertEqual(meta[0], a["approved_by"])
        self.assertIn(self.w.users["INTERNAL_ADMIN"], meta[1])  # the creator
        self.assertIn('"decision":"approved"', meta[1])
        # decided: a second approval or a rejection → 409
        self.assertEqual(self.approve(b["command_id"]).status, 409)
        self.assertEqual(self.reject(b["command_id"]).status, 409)

    def test_creator_may_not_decide_but_may_cancel(self):
        b = self.suspend(self.p.tenant("Propria Ltda"))
        r = self.approve(b["command_id"], who="INTERNAL_ADMIN")
        self.assertEqual(r.status, 403, r)
        self.assertIn("another INTERNAL_ADMIN", r.json()["detail"])
        self.assertEqual(self.reject(b["command_id"], who="INTERNAL_ADMIN").status, 403)
        r = self.p.post(f"{ROUTE}/{b['command_id']}/cancel", token=self.tok("INTERNAL_ADMIN"))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["status"], "CANCELLED")
        self.assertEqual(self.approve(b["command_id"]).status, 409)

    def test_reject_with_reason(self):
        t = self.p.tenant("Rejeitada Ltda")
        b = self.suspend(t)
        r = self.reject(b["command_id"], "cliente pagou")
        self.assertEqual(r.status, 200, r)
        c = r.json()
        self.assertEqual((c["status"], c["decision_reason"]), ("CANCELLED", "cliente pagou"))
        self.assertIsNone(c["approved_by"])
        self.assertTrue(c["completed_at"])
        self.assertEqual(self.p.sql("SELECT status FROM tenants WHERE id = ?", (t,))[0][0], "active")
        self.assertEqual(self.audit(b["command_id"]), ["command.create", "command.reject"])
        meta = self.p.sql("SELECT metadata FROM operational_events WHERE target = ? AND action = 'command.reject'",
                          (b["command_id"],))[0][0]
        self.assertIn("cliente pagou", meta)
        for body in ({}, {"reason": ""}, {"reason": "x", "extra": 1}):
            r = self.p.post(f"{ROUTE}/{b['command_id']}/reject", body, token=self.admin2)
            self.assertEqual(r.status, 400, (body, r))

    def test_roles_and_unknown_ids(self):
        b = self.suspend(self.p.tenant("Papeis Ltda"))
        for who in ("INTERNAL_SUPPORT", "TENANT_ADMIN", "TENANT_USER"):
            self.assertEqual(self.approve(b["command_id"], who=who).status, 403, who)
            self.assertEqual(self.reject(b["command_id"], who=who).status, 403, who)
        self.assertEqual(self.approve(str(uuid.uuid4())).status, 404)
        self.assertEqual(self.reject(str(uuid.uuid4())).status, 404)
        self.assertEqual(self.approve("nope").status, 400)
        self.assertEqual(self.get(b["command_id"])["status"], "AWAITING_APPROVAL")

    def test_unlisted_types_are_unchanged(self):
        r = self.create({"command_type": "FLUSH_TENANT_CACHE", "tenant_id": self.w.a})
        self.assertEqual(r.status, 202, r)
        self.assertEqual(r.json()["status"], "PENDING")
        self.assertEqual(self.wait_done(r.json()["command_id"])["status"], "SUCCESS")
        # not awaiting approval: approve → 409
        self.assertEqual(self.approve(r.json()["command_id"]).status, 409)
        # RESET_TOKEN is listed too (spaces around the comma are fine)
        r = self.create({"command_type": "RESET_TOKEN", "tenant_id": self.w.a,
                         "parameters": {"integration_id": self.w.integ_err}}, who="INTERNAL_SUPPORT")
        self.assertEqual(r.json()["status"], "AWAITING_APPROVAL")
        # support may cancel what it may create
        r = self.p.post(f"{ROUTE}/{r.json()['command_id']}/cancel", token=self.tok("INTERNAL_SUPPORT"))
        self.assertEqual(r.status, 200, r)

    def test_unknown_type_refuses_to_start(self):
        for args, env in ((["--require-approval", "SUSPEND_TENANT,NUKE_EVERYTHING"], {}),
                          ([], {"PAINEL_REQUIRE_APPROVAL": "nope"})):
            r = subprocess.run([BIN, "serve", "--listen", "127.0.0.1:0", "--database", self.p.database, *args],
                               capture_output=True, text=True, timeout=30,
                               env=dict(self.p.env, **env))
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn("unknown command type", r.stderr)


if __name__ == "__main__":
    main()
