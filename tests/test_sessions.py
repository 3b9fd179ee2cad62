"""Own account and sessions (issue 16): GET/DELETE /auth/sessions[/{id}], POST /auth/password,
staff GET/DELETE /internal/users/{id}/sessions. An ended session's refresh token is refused
and its access tokens answer 401; a password change ends every other session of the user and
keeps the calling one; a wrong current password counts as a failed login (429 once locked).
Audit rows (session.end, user.password_change) carry no IP, user agent or password.
Two instances on one store and one Redis: sessions ended (or RESET_TOKEN run) through A
make the user's access token 401 on B within 1 s."""
import base64
import json
import os
import sys
import time
import unittest
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import Painel, main  # noqa: E402
from fixtures import PASSWORD, World  # noqa: E402

LOOSE = ["--rate-user-per-min", "1000000", "--rate-user-burst", "100000",
         "--rate-tenant-per-min", "1000000", "--rate-tenant-burst", "100000",
         "--login-ip-per-min", "100000", "--login-account-per-min", "100000"]
NEW_PASSWORD = "outra-senha-boa-42"
SESSION_KEYS = {"id", "created_at", "last_used_at", "expires_at", "ip", "user_agent", "current"}


def claims(token):
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def login(p, email, password=PASSWORD, ua="painel-test"):
    r = p.request("POST", "/auth/login", {"email": email, "password": password},
                  headers={"User-Agent": ua})
    assert r.status == 200, r
    return r.json()


def me(p, pair):
    return p.get("/auth/me", token=pair["access_token"]).status


def refresh(p, pair):
    return p.post("/auth/refresh", {"refresh_token": pair["refresh_token"]})


class Sessions(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Painel(*LOOSE, "--login-max-failures", "3").start()
        cls.w = World(cls.p)

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()

    def new_user(self, group="TENANT_USER"):
        email = f"s-{uuid.uuid4().hex[:10]}@a.com"
        uid = self.p.user(email, group, self.w.a if group.startswith("TENANT") else None)
        return uid, email

    def sessions(self, pair):
        r = self.p.get("/auth/sessions", token=pair["access_token"])
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get("cache-control"), "no-store")
        return r.json()["sessions"]

    def audit(self, action, target):
        return [json.loads(m) for (m,) in self.p.sql(
            "SELECT metadata FROM operational_events WHERE action = ? AND target = ? ORDER BY seq",
            (action, target))]

    def test_two_logins_are_two_sessions_current_marked(self):
        uid, email = self.new_user()
        one = login(self.p, email, ua="navegador-um")
        time.sleep(0.01)  # distinct login instants: the order is by login
        two = login(self.p, email, ua="navegador-dois")
        sid1, sid2 = claims(one["access_token"])["sid"], claims(two["access_token"])["sid"]
        seen = self.sessions(one)
        self.assertEqual([s["id"] for s in seen], [sid2, sid1])  # newest first
        for s in seen:
            self.assertEqual(set(s), SESSION_KEYS)
            self.assertEqual(s["ip"], "127.0.0.1")
            self.assertTrue(s["expires_at"] > s["created_at"])
        self.assertEqual({s["id"]: s["current"] for s in seen}, {sid1: True, sid2: False})
        self.assertEqual({s["id"]: s["user_agent"] for s in seen},
                         {sid1: "navegador-um", sid2: "navegador-dois"})
        self.assertEqual({s["id"]: s["current"] for s in self.sessions(two)}, {sid1: False, sid2: True})
        # a refresh keeps the family (same id), moves last_used_at and the user agent
        time.sleep(0.01)
        r = self.p.request("POST", "/auth/refresh", {"refresh_token": one["refresh_token"]},
                           headers={"User-Agent": "navegador-um-v2"})
        self.assertEqual(r.status, 200, r)
        one = r.json()
        after = {s["id"]: s for s in self.sessions(one)}
        self.assertEqual(set(after), {sid1, sid2})
        self.assertTrue(after[sid1]["current"])
        self.assertEqual(after[sid1]["user_agent"], "navegador-um-v2")
        self.assertEqual(after[sid1]["created_at"], {s["id"]: s for s in seen}[sid1]["created_at"])
        self.assertGreaterEqual(after[sid1]["last_used_at"], after[sid1]["created_at"])

    def test_end_one_session(self):
        uid, email = self.new_user()
        one, two = login(self.p, email), login(self.p, email)
        sid2 = claims(two["access_token"])["sid"]
        self.assertEqual(me(self.p, two), 200)
        r = self.p.request("DELETE", f"/auth/sessions/{sid2}", token=one["access_token"])
        self.assertEqual(r.status, 204, r)
        self.assertEqual(me(self.p, two), 401)
        self.assertEqual(refresh(self.p, two).status, 401)
        self.assertEqual(me(self.p, one), 200)
        self.assertEqual([s["id"] for s in self.sessions(one)], [claims(one["access_token"])["sid"]])
        # already ended, unknown, or another user's: 404 (and the other user's stays alive)
        self.assertEqual(self.p.request("DELETE", f"/auth/sessions/{sid2}", token=one["access_token"]).status, 404)
        self.assertEqual(self.p.request("DELETE", f"/auth/sessions/{uuid.uuid4()}",
                                        token=one["access_token"]).status, 404)
        _, other_email = self.new_user()
        other = login(self.p, other_email)
        r = self.p.request("DELETE", f"/auth/sessions/{claims(other['access_token'])['sid']}",
                           token=one["access_token"])
        self.assertEqual(r.status, 404, r)
        self.assertEqual(me(self.p, other), 200)
        self.assertEqual(self.audit("session.end", uid), [{"sessions": 1}])
        # the caller may end its own current session too (like a logout)
        r = self.p.request("DELETE", f"/auth/sessions/{claims(one['access_token'])['sid']}",
                           token=one["access_token"])
        self.assertEqual(r.status, 204, r)
        self.assertEqual(me(self.p, one), 401)
        self.assertEqual(refresh(self.p, one).status, 401)

    def test_end_every_session_but_the_current_one(self):
        uid, email = self.new_user("TENANT_ADMIN")
        one, two, three = login(self.p, email), login(self.p, email), login(self.p, email)
        r = self.p.request("DELETE", "/auth/sessions", token=one["access_token"])
        self.assertEqual(r.status, 204, r)
        self.assertEqual((me(self.p, one), me(self.p, two), me(self.p, three)), (200, 401, 401))
        self.assertEqual((refresh(self.p, two).status, refresh(self.p, three).status), (401, 401))
        seen = self.sessions(one)
        self.assertEqual([(s["id"], s["current"]) for s in seen], [(claims(one["access_token"])["sid"], True)])
        self.assertEqual(refresh(self.p, one).status, 200)
        self.assertEqual(self.audit("session.end", uid), [{"sessions": 2}])

    def test_change_password(self):
        uid, email = self.new_user()
        one, two = login(self.p, email), login(self.p, email)
        r = self.p.post("/auth/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
                        token=one["access_token"])
        self.assertEqual(r.status, 204, r)
        self.assertEqual(me(self.p, two), 401)
        self.assertEqual(refresh(self.p, two).status, 401)
        self.assertEqual(me(self.p, one), 200)
        self.assertEqual(refresh(self.p, one).status, 200)
        self.assertEqual(self.p.post("/auth/login", {"email": email, "password": PASSWORD}).status, 401)
        login(self.p, email, NEW_PASSWORD)
        self.assertEqual(self.audit("user.password_change", uid), [{"sessions_ended": 1}])
        actor = self.p.sql("SELECT actor FROM operational_events WHERE action = 'user.password_change' "
                           "AND target = ?", (uid,))
        self.assertEqual(actor, [(uid,)])

    def test_wrong_current_password_counts_as_a_failed_login(self):
        uid, email = self.new_user()
        pair = login(self.p, email)
        body = {"current_password": "not-the-password-1", "new_password": NEW_PASSWORD}
        for _ in range(3):  # --login-max-failures 3
            r = self.p.post("/auth/password", body, token=pair["access_token"])
            self.assertEqual(r.status, 400, r)
            self.assertIn("current_password is wrong", r.json()["detail"])
        r = self.p.post("/auth/password", body, token=pair["access_token"])
        self.assertEqual(r.status, 429, r)
        self.assertIn("retry-after", r.headers)
        # locked like a login: the right password is refused too, and login is locked
        r = self.p.post("/auth/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
                        token=pair["access_token"])
        self.assertEqual(r.status, 429, r)
        self.assertEqual(self.p.post("/auth/login", {"email": email, "password": PASSWORD}).status, 429)
        failed = self.p.sql("SELECT count(*) FROM operational_events WHERE action = 'auth.login_failed' "
                            "AND actor = ?", (uid,))
        self.assertEqual(failed, [(3,)])
        self.assertEqual(me(self.p, pair), 200)  # nothing ended

    def test_validation(self):
        uid, email = self.new_user()
        pair = login(self.p, email)
        tok = pair["access_token"]
        for body, status in [({"current_password": PASSWORD, "new_password": "curta"}, 422),
                             ({"current_password": PASSWORD, "new_password": email}, 422),
                             ({"current_password": PASSWORD, "new_password": "x" * 129}, 422),
                             ({"current_password": PASSWORD}, 400),
                             ({"new_password": NEW_PASSWORD}, 400),
                             ({"current_password": PASSWORD, "new_password": NEW_PASSWORD, "email": "x"}, 400),
                             ({"current_password": 1, "new_password": NEW_PASSWORD}, 400)]:
            r = self.p.post("/auth/password", body, token=tok)
            self.assertEqual(r.status, status, (body, r))
            self.assertTrue(r.headers["content-type"].startswith("application/problem+json"), r)
        self.assertEqual(self.p.post("/auth/password", {"current_password": PASSWORD,
                                                        "new_password": NEW_PASSWORD}).status, 401)
        self.assertEqual(self.p.get("/auth/sessions").status, 401)
        self.assertEqual(self.p.request("DELETE", "/auth/sessions").status, 401)
        login(self.p, email)  # the password did not change
        self.assertEqual(self.audit("user.password_change", uid), [])

    def test_staff_sessions_of_a_user(self):
        uid, email = self.new_user()
        one, two = login(self.p, email), login(self.p, email)
        path = f"/internal/users/{uid}/sessions"
        for who in ("INTERNAL_ADMIN", "INTERNAL_SUPPORT"):
            r = self.p.get(path, token=self.w.token(who))
            self.assertEqual(r.status, 200, r)
            seen = r.json()["sessions"]
            self.assertEqual({s["id"] for s in seen},
                             {claims(one["access_token"])["sid"], claims(two["access_token"])["sid"]})
            self.assertTrue(all(set(s) == SESSION_KEYS and s["current"] is False for s in seen))
        for who in ("TENANT_ADMIN", "TENANT_USER"):
            self.assertEqual(self.p.get(path, token=self.w.token(who)).status, 403)
        for who in ("INTERNAL_SUPPORT", "TENANT_ADMIN", "TENANT_USER"):
            self.assertEqual(self.p.request("DELETE", path, token=self.w.token(who)).status, 403)
        self.assertEqual((me(self.p, one), me(self.p, two)), (200, 200))
        self.assertEqual(self.p.get(f"/internal/users/{uuid.uuid4()}/sessions",
                                    token=self.w.token("INTERNAL_SUPPORT")).status, 404)
        self.assertEqual(self.p.request("DELETE", f"/internal/users/{uuid.uuid4()}/sessions",
                                        token=self.w.token("INTERNAL_ADMIN")).status, 404)
        r = self.p.request("DELETE", path, token=self.w.token("INTERNAL_ADMIN"))
        self.assertEqual(r.status, 204, r)
        self.assertEqual((me(self.p, one), me(self.p, two)), (401, 401))
        self.assertEqual((refresh(self.p, one).status, refresh(self.p, two).status), (401, 401))
        self.assertEqual(self.p.get(path, token=self.w.token("INTERNAL_ADMIN")).json(), {"sessions": []})
        self.assertEqual(self.audit("session.end", uid), [{"sessions": 2}])
        actor = self.p.sql("SELECT actor, role FROM operational_events WHERE action = 'session.end' "
                           "AND target = ?", (uid,))
        self.assertEqual(actor, [(self.w.users["INTERNAL_ADMIN"], "INTERNAL_ADMIN")])
        login(self.p, email)  # a new login works at once

    def test_audit_rows_hold_no_personal_data(self):
        uid, email = self.new_user()
        one = login(self.p, email, ua="agente-secreto/1.0")
        login(self.p, email, ua="agente-secreto/1.0")
        self.assertEqual(self.p.request("DELETE", "/auth/sessions", token=one["access_token"]).status, 204)
        self.assertEqual(self.p.post("/auth/password", {"current_password": PASSWORD,
                                                        "new_password": NEW_PASSWORD},
                                     token=one["access_token"]).status, 204)
        rows = self.p.sql("SELECT metadata FROM operational_events WHERE action IN "
                          "('session.end', 'user.password_change') AND target = ?", (uid,))
        self.assertEqual(len(rows), 2)
        for (m,) in rows:
            for secret in ("127.0.0.1", "agente-secreto", PASSWORD, NEW_PASSWORD, email, "argon2"):
                self.assertNotIn(secret, m)


class TwoInstances(unittest.TestCase):
    """A and B share one store and one Redis: what A ends is refused by B within 1 s."""

    @classmethod
    def setUpClass(cls):
        from test_redis import RedisServer
        cls.redis = RedisServer()
        args = [*LOOSE, "--redis", cls.redis.start()]
        cls.a = Painel(*args).start()
        cls.b = Painel(*args, db=cls.a.db).start()  # the same store (SQLite file or PG database)
        cls.w = World(cls.a)

    @classmethod
    def tearDownClass(cls):
        for owned in (cls.b, cls.a, cls.redis):
            owned.cleanup()

    def user(self):
        email = f"t-{uuid.uuid4().hex[:10]}@a.com"
        return self.a.user(email, "TENANT_USER", self.w.a), email

    def assert_refused_on_b_within_1s(self, pair, end):
        self.assertEqual(me(self.b, pair), 200)  # B knows the token (and has cached it)
        self.assertEqual(me(self.b, pair), 200)
        start = end()
        while True:
            status = me(self.b, pair)
            elapsed = time.monotonic() - start
            if status == 401:
                break
            self.assertEqual(status, 200)
            self.assertLess(elapsed, 1.0, "B still accepts the token")
            time.sleep(0.05)
        self.assertLess(elapsed, 1.0)

    def test_staff_ends_sessions_on_a(self):
        uid, email = self.user()
        pair = login(self.a, email)

        def end():
            r = self.a.request("DELETE", f"/internal/users/{uid}/sessions", token=self.w.token("INTERNAL_ADMIN"))
            self.assertEqual(r.status, 204, r)
            return time.monotonic()
        self.assert_refused_on_b_within_1s(pair, end)

    def test_disable_on_a(self):
        uid, email = self.user()
        pair = login(self.a, email)

        def end():
            r = self.a.request("PATCH", f"/internal/users/{uid}", {"status": "disabled"},
                               token=self.w.token("INTERNAL_ADMIN"))
            self.assertEqual(r.status, 200, r)
            return time.monotonic()
        self.assert_refused_on_b_within_1s(pair, end)
        self.assertEqual(self.b.post("/auth/login", {"email": email, "password": PASSWORD}).status, 401)

    def assert_other_session_refused_on_b(self, act):
        """act(one) through A ends the user's other session `two` (logged in on B); one stays."""
        uid, email = self.user()
        one, two = login(self.a, email), login(self.b, email)

        def end():
            r = act(one)
            self.assertEqual(r.status, 204, r)
            return time.monotonic()
        self.assert_refused_on_b_within_1s(two, end)
        self.assertEqual(me(self.b, one), 200)

    def test_user_ends_a_session_on_a(self):
        self.assert_other_session_refused_on_b(
            lambda one: self.a.request("DELETE", "/auth/sessions", token=one["access_token"]))

    def test_password_change_on_a(self):
        self.assert_other_session_refused_on_b(
            lambda one: self.a.post("/auth/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
                                    token=one["access_token"]))

    def test_reset_token_on_a(self):
        uid, email = self.user()
        pair = login(self.a, email)
        admin = self.w.token("INTERNAL_ADMIN")

        def end():
            r = self.a.post("/internal/operations/commands",
                            {"command_type": "RESET_TOKEN", "tenant_id": self.w.a, "parameters": {"user_id": uid}},
                            token=admin)
            self.assertEqual(r.status, 202, r)
            cid = r.json()["command_id"]
            deadline = time.time() + 20
            while time.time() < deadline:
                done = self.a.get(f"/internal/operations/commands/{cid}?wait=5", token=admin).json()
                if done["status"] in ("SUCCESS", "ERROR", "CANCELLED"):
                    break
            self.assertEqual(done["status"], "SUCCESS", done)
            return time.monotonic()  # from the moment A reports it done
        self.assert_refused_on_b_within_1s(pair, end)


if __name__ == "__main__":
    main()
