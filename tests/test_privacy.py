"""Personal data (LGPD, issue #16): GET /internal/users/{id}/export (account, sessions, audit
rows as actor and target, support requests; no secret), POST /internal/users/{id}/erase
(login refused, e-mail freed, the person's IPs gone from the audit list and sessions,
other people's rows untouched, /internal/audit/verify still passes; 422 for a wrong
confirmation, oneself or an erased account; roles) and the IP retention pass
(`painel privacy retention`, the job's store function on demand; --ip-retention-days)."""
import json
import os
import sys
import time
import urllib.parse
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import Painel, main  # noqa: E402
from fixtures import PASSWORD, World  # noqa: E402
from test_openapi import SchemaValidator  # noqa: E402

MISSING = "00000000-0000-4000-8000-000000000000"
FAST = ["--rate-user-per-min", "1000000", "--rate-user-burst", "100000",
        "--rate-tenant-per-min", "1000000", "--rate-tenant-burst", "100000"]
USER_KEYS = {"id", "email", "name", "group", "tenant_id", "tenant_name", "status", "password_set",
             "last_login_at", "created_at"}


def export_path(uid):
    return f"/internal/users/{uid}/export"


def erase_path(uid):
    return f"/internal/users/{uid}/erase"


class Privacy(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Painel(*FAST).start()
        cls.w = World(cls.p)
        doc = cls.p.get("/openapi.json").json()
        cls.v = SchemaValidator(doc)
        cls.export_schema = doc["components"]["schemas"]["PersonalDataExport"]

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()

    # --- helpers ---
    def admin(self):
        return self.w.token("INTERNAL_ADMIN")

    def person(self, email, name="Pessoa Teste"):
        uid = self.p.user(email, "TENANT_USER", self.w.a, name=name)
        return uid, self.p.login(email, PASSWORD)

    def erase(self, uid, body, token=None):
        return self.p.post(erase_path(uid), body, token=token or self.admin())

    def audit(self, **q):
        query = "&".join(f"{k}={v}" for k, v in q.items())
        r = self.p.get("/internal/audit?limit=200&" + query, token=self.admin())
        self.assertEqual(r.status, 200, r)
        return r.json()["events"]

    def assert_verifies(self):
        v = self.p.get("/internal/audit/verify", token=self.admin()).json()
        self.assertTrue(v["ok"], v)

    # --- export ---
    def test_export_holds_account_sessions_audit_and_support_without_secrets(self):
        uid, tokens = self.person("exporta@a.com", name="Érica Exporta")
        refreshed = self.p.post("/auth/refresh", {"refresh_token": tokens["refresh_token"]})
        self.assertEqual(refreshed.status, 200, refreshed)
        r = self.p.post("/tenant/support/requests", {"subject": "Ajuda", "category": "other",
                                                     "description": "Meu texto"},
                        token=tokens["access_token"])
        self.assertEqual(r.status, 201, r)
        request_id = r.json()["id"]
        first = self.p.get(export_path(uid), token=self.admin())
        self.assertEqual(first.status, 200, first)
        r = self.p.get(export_path(uid), token=self.admin())
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers["content-disposition"], f'attachment; filename="painel-user-{uid}.json"')
        self.assertEqual(r.headers["cache-control"], "no-store")
        b = r.json()
        self.assertEqual(self.v.errors(b, self.export_schema), [])
        self.assertEqual(set(b["user"]), USER_KEYS)
        u = b["user"]
        self.assertEqual((u["id"], u["email"], u["name"], u["group"], u["tenant_id"], u["tenant_name"],
                          u["status"], u["password_set"]),
                         (uid, "exporta@a.com", "Érica Exporta", "TENANT_USER", self.w.a,
                          "Padaria Estrela Ltda", "active", True))
        self.assertIsNotNone(u["last_login_at"])
        # one login (refreshed once): one session, where it came from
        [s] = b["sessions"]
        self.assertEqual((s["ip"], s["ended_at"]), ("127.0.0.1", None))
        self.assertGreaterEqual(s["last_used_at"], s["created_at"])
        # audit rows as actor (login, refresh, support) and as target (the first export)
        mine = {(e["action"], e["actor"] == uid, e["target"] == uid) for e in b["audit"]}
        self.assertIn(("auth.login", True, True), mine)
        self.assertIn(("auth.refresh", True, False), mine)
        self.assertIn(("user.export", False, True), mine)
        login = next(e for e in b["audit"] if e["action"] == "auth.login")
        self.assertEqual(login["ip"], "127.0.0.1")
        for e in b["audit"]:
            self.assertTrue(e["actor"] == uid or e["target"] == uid, e)
        self.assertEqual([q["id"] for q in b["support_requests"]], [request_id])
        self.assertEqual([m["body"] for m in b["support_messages"]], ["Meu texto"])
        # no secret: no password hash, no refresh-token hash, no token
        [(pw_hash,)] = self.p.sql("SELECT password_hash FROM users WHERE id = ?", (uid,))
        hashes = [h for (h,) in self.p.sql("SELECT refresh_hash FROM sessions WHERE user_id = ?", (uid,))]
        self.assertEqual(len(hashes), 2)
        for secret in [pw_hash, *hashes, tokens["access_token"], tokens["refresh_token"],
                       refreshed.json()["refresh_token"], refreshed.json()["access_token"], PASSWORD]:
            self.assertNotIn(secret, r.body)
        for word in ("password_hash", "refresh_hash", "token"):
            self.assertNotIn(word, r.body)
        # audited by id, nothing personal in the metadata
        rows = [e for e in self.audit(action="user.export") if e["target"] == uid]
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[0]["actor"], self.w.users["INTERNAL_ADMIN"])
        self.assertEqual(set(rows[0]["metadata"]), {"audit_rows"})
        self.assertNotIn("exporta@a.com", json.dumps(rows))

    def test_export_roles_and_ids(self):
        uid = self.w.users["TENANT_USER"]
        for who in ("INTERNAL_SUPPORT", "TENANT_ADMIN", "TENANT_USER"):
            self.assertEqual(self.p.get(export_path(uid), token=self.w.token(who)).status, 403, who)
        self.assertEqual(self.p.get(export_path(uid)).status, 401)
        self.assertEqual(self.p.get(export_path(MISSING), token=self.admin()).status, 404)
        r = self.p.get(export_path("not-a-uuid"), token=self.admin())
        self.assertEqual(r.status, 400, r)
        self.assertEqual(r.headers["content-type"], "application/problem+json")

    # --- erase ---
    def test_erase_validation_and_roles(self):
        uid, _ = self.person("valida@a.com")
        for body in ({}, {"confirm_email": ""}, {"confirm_email": 5},
                     {"confirm_email": "valida@a.com", "reason": "x"}):
            r = self.erase(uid, body)
            self.assertEqual(r.status, 400, (body, r))
        r = self.erase(uid, {"confirm_email": "outra@a.com"})
        self.assertEqual(r.status, 422, r)
        self.assertIn("confirm_email", r.json()["detail"])
        # oneself: 422 even with the right e-mail
        r = self.erase(self.w.users["INTERNAL_ADMIN"], {"confirm_email": "admin@alq.ai"})
        self.assertEqual(r.status, 422, r)
        self.assertEqual(self.erase(MISSING, {"confirm_email": "x@y.z"}).status, 404)
        self.assertEqual(self.erase("nope", {"confirm_email": "x@y.z"}).status, 400)
        for who in ("INTERNAL_SUPPORT", "TENANT_ADMIN", "TENANT_USER"):
            r = self.erase(uid, {"confirm_email": "valida@a.com"}, token=self.w.token(who))
            self.assertEqual(r.status, 403, (who, r))
        # nothing happened
        self.assertEqual(self.p.sql("SELECT email, disabled FROM users WHERE id = ?", (uid,)),
                         [("valida@a.com", 0)])
        self.p.login("valida@a.com", PASSWORD)

    def test_erase_removes_the_person_and_keeps_the_chain(self):
        uid, tokens = self.person("apaga@a.com", name="Alice Apaga")
        self.assertEqual(self.p.post("/auth/refresh", {"refresh_token": tokens["refresh_token"]}).status, 200)
        # someone else's rows, before and after, must stay as they are
        other = self.p.login(self.w.emails["TENANT_ADMIN"], PASSWORD)
        self.assertEqual(self.p.get("/tenant/me", token=tokens["access_token"]).status, 200)
        before_other = [e for e in self.audit(actor=self.w.users["TENANT_ADMIN"])]
        self.assertTrue(any(e["ip"] == "127.0.0.1" for e in before_other))
        self.assertTrue(any(e["ip"] == "127.0.0.1" for e in self.audit(actor=uid)))

        # a reset link issued before the erasure must die with it (the link row names the person)
        link = self.p.post(f"/internal/users/{uid}/password-reset", {}, token=self.admin())
        self.assertEqual(link.status, 200, link)
        link_token = urllib.parse.parse_qs(urllib.parse.urlparse(link.json()["url"]).query)["token"][0]

        r = self.erase(uid, {"confirm_email": "  APAGA@a.com "})
        self.assertEqual(r.status, 200, r)
        b = r.json()
        self.assertEqual(set(b), {"id", "erased_at"})
        self.assertEqual(b["id"], uid)
        self.assertEqual(r.headers["cache-control"], "no-store")

        # the chain still verifies; the person's IPs are gone from the audit list
        self.assert_verifies()
        rows = self.audit(actor=uid)
        self.assertGreaterEqual(len(rows), 2)  # the rows stay, pointing at the id
        self.assertEqual({e["ip"] for e in rows}, {None})
        as_target = [e for e in self.audit(action="auth.login") if e["target"] == uid]
        self.assertEqual({e["ip"] for e in as_target}, {None})
        # other people's rows untouched
        self.assertEqual(self.audit(actor=self.w.users["TENANT_ADMIN"])[-len(before_other):], before_other)
        # the account: disabled, pseudonymous, no password, no sessions
        [(email, name, pw, disabled)] = self.p.sql(
            "SELECT email, full_name, password_hash, disabled FROM users WHERE id = ?", (uid,))
        self.assertNotIn("apaga", email)
        self.assertNotEqual(name, "Alice Apaga")
        self.assertIsNone(pw)
        self.assertEqual(disabled, 1)
        self.assertEqual(self.p.sql("SELECT count(*) FROM sessions WHERE user_id = ?", (uid,)), [(0,)])
        self.assertEqual(self.p.sql("SELECT count(*) FROM password_links WHERE user_id = ?", (uid,)), [(0,)])
        r = self.p.post("/auth/password/reset", {"token": link_token, "new_password": "uma-senha-nova-longa"})
        self.assertEqual(r.status, 400, r)
        # nobody brings the erased account back: no enabling, no new link
        r = self.p.request("PATCH", f"/internal/users/{uid}", {"status": "active"}, token=self.admin())
        self.assertEqual(r.status, 422, r)
        r = self.p.post(f"/internal/users/{uid}/password-reset", {}, token=self.admin())
        self.assertEqual(r.status, 422, r)
        # login refused; the old access token and refresh token die
        r = self.p.post("/auth/login", {"email": "apaga@a.com", "password": PASSWORD})
        self.assertEqual(r.status, 401, r)
        deadline = time.time() + 3
        while self.p.get("/tenant/me", token=tokens["access_token"]).status != 401:
            self.assertLess(time.time(), deadline, "the erased person's access token still works")
            time.sleep(0.1)
        self.assertEqual(self.p.post("/auth/refresh", {"refresh_token": tokens["refresh_token"]}).status, 401)
        # the other person still works
        self.assertEqual(self.p.get("/tenant/me", token=other["access_token"]).status, 200)
        # audited by id, without the e-mail or the name
        [row] = [e for e in self.audit(action="user.erase") if e["target"] == uid]
        self.assertEqual(row["actor"], self.w.users["INTERNAL_ADMIN"])
        self.assertNotIn("apaga", json.dumps(row["metadata"]).lower())
        self.assertNotIn("Alice", json.dumps(row["metadata"]))
        self.assertEqual(row["metadata"]["changed"], ["email", "name", "password", "status"])
        # the export now shows the pseudonymous account, no sessions, no IP
        ex = self.p.get(export_path(uid), token=self.admin()).json()
        self.assertEqual(ex["user"]["status"], "disabled")
        self.assertFalse(ex["user"]["password_set"])
        self.assertNotIn("apaga@a.com", json.dumps(ex))
        self.assertEqual(ex["sessions"], [])
        # the person's rows up to the erasure hold no IP (the staff's own rows about them, the
        # erasure and exports, keep the staff member's IP)
        self.assertEqual({e["ip"] for e in ex["audit"]
                          if e["actor"] == uid and e["created_at"] <= b["erased_at"]}, {None})
        # erasing again: the confirmation can no longer match
        self.assertEqual(self.erase(uid, {"confirm_email": "apaga@a.com"}).status, 422)
        # the e-mail is free: a new person takes it and logs in
        new_id = self.p.user("apaga@a.com", "TENANT_USER", self.w.a, name="Outra Pessoa")
        self.assertNotEqual(new_id, uid)
        self.p.login("apaga@a.com", PASSWORD)
        self.assert_verifies()

    def test_erase_of_a_staff_member(self):
        uid = self.p.user("staff-apaga@alq.ai", "INTERNAL_SUPPORT")
        self.p.login("staff-apaga@alq.ai", PASSWORD)
        r = self.erase(uid, {"confirm_email": "staff-apaga@alq.ai"})
        self.assertEqual(r.status, 200, r)
        r = self.p.post("/auth/login", {"email": "staff-apaga@alq.ai", "password": PASSWORD})
        self.assertEqual(r.status, 401, r)
        self.assert_verifies()


class Retention(unittest.TestCase):
    """The retention pass run now through the CLI (the job runs the same store function
    hourly in `painel serve` with --ip-retention-days; unit tests age backdated rows)."""

    def test_retention_removes_ips_and_verify_passes(self):
        p = Painel(*FAST, "--ip-retention-days", "30")
        try:
            p.start()
            admin_id = p.user("admin@alq.ai", "INTERNAL_ADMIN")
            t = p.tenant("Retida Ltda")
            p.user("ret@r.com", "TENANT_USER", t)
            admin = p.login("admin@alq.ai", PASSWORD)["access_token"]
            p.login("ret@r.com", PASSWORD)
            ips = lambda: {e["ip"] for e in p.get("/internal/audit?limit=200", token=admin).json()["events"]
                           if e["action"] == "auth.login"}
            self.assertEqual(ips(), {"127.0.0.1"})
            # nothing is 30 days old yet
            r = p.cli("privacy", "retention", "--days", "30", "--json")
            out = json.loads(r.stdout)
            self.assertEqual((out["audit_ips"], out["session_ips"]), (0, 0))
            self.assertEqual(ips(), {"127.0.0.1"})
            # --days 0: everything before now
            r = p.cli("privacy", "retention", "--days", "0", "--json")
            out = json.loads(r.stdout)
            self.assertGreaterEqual(out["audit_ips"], 2)
            self.assertEqual(out["session_ips"], 2)
            self.assertEqual(ips(), {None})
            self.assertEqual(p.sql("SELECT count(*) FROM sessions WHERE ip IS NOT NULL OR user_agent IS NOT NULL"),
                             [(0,)])
            # the sessions still work (only where they came from is forgotten)
            self.assertEqual(p.get("/auth/me", token=admin).status, 200)
            v = p.get("/internal/audit/verify", token=admin).json()
            self.assertTrue(v["ok"], v)
            # the pass is audited (by the CLI, counts only)
            [row, _] = [e for e in p.get("/internal/audit?action=privacy.ip_retention", token=admin)
                        .json()["events"]]
            self.assertEqual(row["actor"], "cli")
            self.assertEqual(row["metadata"]["days"], 0)
            self.assertNotEqual(admin_id, row["actor"])
            # bad arguments → exit 2
            for args in (["--days", "-1"], ["--days", "x"]):
                r = p.cli("privacy", "retention", *args, check=False)
                self.assertEqual(r.returncode, 2, (args, r.stderr))
            r = p.cli("serve", "--ip-retention-days", "0", check=False)
            self.assertEqual(r.returncode, 2, r.stderr)
        finally:
            p.cleanup()


if __name__ == "__main__":
    main()
