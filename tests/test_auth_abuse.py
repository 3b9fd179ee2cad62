"""Login abuse and token revocation (issue 13, items 5, 6 and 10) over real HTTP.

Other client IPs come from other loopback addresses (127.0.0.x): the server sees the
connection's source address. Locks are expired by editing login_throttle instead of
waiting; revocations are polled for at most a couple of seconds (the bound is 1 s)."""
import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import Painel, main  # noqa: E402

PASSWORD = "painel-test-pw-1"
READS = ["--rate-user-per-min", "1000000", "--rate-user-burst", "100000",
         "--rate-tenant-per-min", "1000000", "--rate-tenant-burst", "100000"]


def call(p, method, path, body=None, token=None, ip="127.0.0.1"):
    """One request from source address `ip`."""
    return p.request(method, path, body=body, token=token, source_ip=ip)


def login(p, email, password=PASSWORD, ip="127.0.0.1"):
    return call(p, "POST", "/auth/login", {"email": email, "password": password}, ip=ip)


def until_status(fn, status, timeout=2.0):
    """Polls fn() until it answers `status` (revocation must arrive within 1 s)."""
    deadline = time.time() + timeout
    r = fn()
    while r.status != status and time.time() < deadline:
        time.sleep(0.05)
        r = fn()
    return r


def expire_lock(p, key):
    p.sql("UPDATE login_throttle SET locked_until_ms = 0 WHERE key = ?", (key,))


class LoginLockoutTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Painel(*READS, "--login-account-max-failures", "12",
                       "--login-ip-slow-failures", "20").start()
        cls.t = cls.p.tenant("Lockout Co")

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()

    def user(self, email):
        self.p.user(email, "TENANT_USER", self.t)
        return email

    def test_failures_from_another_ip_do_not_lock_the_owner_out(self):
        email = self.user("victim@lock.test")
        for _ in range(5):
            self.assertEqual(login(self.p, email, "wrong-password", ip="127.0.0.2").status, 401)
        r = login(self.p, email, ip="127.0.0.2")  # the pair is locked: even the right password
        self.assertEqual(r.status, 429, r)
        self.assertTrue(1 <= int(r.headers["retry-after"]) <= 60, r.headers)
        self.assertEqual(login(self.p, email).status, 200)  # the owner, from its own address

    def test_pair_lock_doubles_is_capped_and_ends(self):
        email = self.user("doubling@lock.test")
        key = f"pair:{email}|127.0.0.3"
        waits = []
        for _ in range(3):
            r = None
            while r is None or r.status == 401:
                r = login(self.p, email, "wrong-password", ip="127.0.0.3")
            self.assertEqual(r.status, 429, r)
            waits.append(int(r.headers["retry-after"]))
            expire_lock(self.p, key)  # as if the lock ran out
            self.assertEqual(login(self.p, email, "wrong-password", ip="127.0.0.3").status, 401)
        self.assertTrue(55 <= waits[0] <= 60 and 115 <= waits[1] <= 120 and 235 <= waits[2] <= 240,
                        waits)
        self.p.sql("UPDATE login_throttle SET failures = 40 WHERE key = ?", (key,))
        expire_lock(self.p, key)
        self.assertEqual(login(self.p, email, "wrong-password", ip="127.0.0.3").status, 401)
        r = login(self.p, email, ip="127.0.0.3")
        self.assertEqual(r.status, 429)
        self.assertLessEqual(int(r.headers["retry-after"]), 900)  # --login-lock-max: never forever
        expire_lock(self.p, key)
        self.assertEqual(login(self.p, email, ip="127.0.0.3").status, 200)
        self.assertEqual(self.p.sql("SELECT count(*) FROM login_throttle WHERE key = ?", (key,)), [(0,)])

    def test_failing_ip_is_slowed_never_blocked_for_a_correct_password(self):
        email = self.user("office@lock.test")
        for i in range(25):  # one shared office address guessing many accounts
            r = login(self.p, f"nobody{i}@lock.test", "wrong-password", ip="127.0.0.4")
            self.assertEqual(r.status, 401, (i, r))
        self.assertEqual(self.p.sql("SELECT failures FROM login_throttle WHERE key = 'ip:127.0.0.4'"),
                         [(25,)])
        self.assertEqual(login(self.p, email, ip="127.0.0.4").status, 200)

    def test_account_wide_lock_needs_failures_across_ips_and_is_bounded(self):
        email = self.user("spread@lock.test")
        for ip in ("127.0.0.5", "127.0.0.6", "127.0.0.7"):
            for _ in range(4):  # under the pair threshold at each address
                self.assertEqual(login(self.p, email, "wrong-password", ip=ip).status, 401)
        r = login(self.p, email)  # 12 failures across IPs: --login-account-max-failures
        self.assertEqual(r.status, 429, r)
        self.assertTrue(1 <= int(r.headers["retry-after"]) <= 60, r.headers)
        expire_lock(self.p, f"acct:{email}")
        self.assertEqual(login(self.p, email).status, 200)

    def test_unknown_email_and_wrong_password_answer_alike(self):
        email = self.user("alike@lock.test")
        a = login(self.p, email, "wrong-password", ip="127.0.0.8")
        b = login(self.p, "no-such-user@lock.test", "wrong-password", ip="127.0.0.8")
        self.assertEqual((a.status, a.json()["detail"]), (b.status, b.json()["detail"]))
        self.assertEqual(a.status, 401)


class LoginVolumeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Painel(*READS, "--login-account-per-min", "3", "--login-ip-per-min", "6",
                       "--login-concurrency", "1", "--login-wait-ms", "3000").start()
        cls.t = cls.p.tenant("Volume Co")

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()

    def test_successful_logins_are_rate_limited_per_account(self):
        email = "repeat@volume.test"
        self.p.user(email, "TENANT_USER", self.t)
        self.p.user("other@volume.test", "TENANT_USER", self.t)
        self.assertEqual([login(self.p, email).status for _ in range(3)], [200, 200, 200])
        r = login(self.p, email)
        self.assertEqual(r.status, 429, r)
        self.assertGreaterEqual(int(r.headers["retry-after"]), 1)
        self.assertEqual(login(self.p, "other@volume.test").status, 200)

    def test_logins_per_ip_are_rate_limited(self):
        email = "busy-ip@volume.test"
        self.p.user(email, "TENANT_USER", self.t)
        statuses = [login(self.p, email, ip="127.0.0.9").status]
        statuses += [login(self.p, f"x{i}@volume.test", "wrong-password", ip="127.0.0.9").status
                     for i in range(5)]
        self.assertEqual(statuses, [200, 401, 401, 401, 401, 401])
        r = login(self.p, email, ip="127.0.0.9")  # the 7th in a minute: --login-ip-per-min 6
        self.assertEqual(r.status, 429, r)
        self.assertIn("retry-after", r.headers)
        self.assertEqual(login(self.p, email, ip="127.0.0.10").status, 200)

    def test_password_verifications_in_flight_never_exceed_the_cap(self):
        results = []

        def attempt(i):  # unknown e-mails: each costs a full-price argon2 verification
            results.append(login(self.p, f"flood{i}@volume.test", "wrong-password",
                                 ip=f"127.0.1.{i + 1}"))

        threads = [threading.Thread(target=attempt, args=(i,)) for i in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(len(results), 12)
        for r in results:
            self.assertIn(r.status, (401, 503), r)
            if r.status == 503:
                self.assertEqual(r.headers.get("retry-after"), "1")
        metrics = self.p.get("/metrics").body
        self.assertIn("painel_login_verifications_capacity 1", metrics)
        self.assertIn("painel_login_verifications_in_flight_max 1", metrics)


class RevocationTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Painel(*READS).start()
        cls.t = cls.p.tenant("Revoke Co")
        cls.p.user("admin@revoke.test", "INTERNAL_ADMIN")
        cls.admin = cls.p.login("admin@revoke.test", PASSWORD)["access_token"]

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()

    def me(self, token, p=None):
        return lambda: (p or self.p).get("/auth/me", token=token)

    def test_logout_kills_that_sessions_access_token_only(self):
        self.p.user("bye@revoke.test", "TENANT_USER", self.t)
        one, two = self.p.login("bye@revoke.test", PASSWORD), self.p.login("bye@revoke.test", PASSWORD)
        self.assertEqual(self.me(one["access_token"])().status, 200)
        self.assertEqual(self.p.post("/auth/logout", {"refresh_token": one["refresh_token"]}).status, 204)
        r = self.me(one["access_token"])()
        self.assertEqual(r.status, 401, r)  # at once on the instance that logged out
        self.assertEqual(self.me(two["access_token"])().status, 200)

    def test_reset_token_kills_access_tokens_and_a_new_login_works(self):
        uid = self.p.user("reset@revoke.test", "TENANT_USER", self.t)
        tok = self.p.login("reset@revoke.test", PASSWORD)["access_token"]
        r = self.p.post("/internal/operations/commands", {"command_type": "RESET_TOKEN", "tenant_id": self.t,
                                                          "parameters": {"user_id": uid}}, token=self.admin)
        self.assertEqual(r.status, 202, r)
        cid = r.json()["command_id"]
        deadline = time.time() + 15
        while True:
            done = self.p.get(f"/internal/operations/commands/{cid}?wait=5", token=self.admin).json()
            if done["status"] != "PENDING" and done["status"] != "RUNNING" or time.time() > deadline:
                break
        self.assertEqual(done["status"], "SUCCESS", done)
        self.assertEqual(until_status(self.me(tok), 401).status, 401)
        fresh = self.p.login("reset@revoke.test", PASSWORD)["access_token"]
        self.assertEqual(self.me(fresh)().status, 200)

    def test_disabling_or_deleting_a_user_kills_its_tokens(self):
        a = self.p.user("disabled@revoke.test", "TENANT_USER", self.t)
        b = self.p.user("deleted@revoke.test", "TENANT_USER", self.t)
        ta = self.p.login("disabled@revoke.test", PASSWORD)["access_token"]
        tb = self.p.login("deleted@revoke.test", PASSWORD)["access_token"]
        self.p.sql("UPDATE users SET disabled = 1 WHERE id = ?", (a,))  # any writer: a trigger revokes
        self.p.sql("DELETE FROM tenant_users WHERE user_id = ?", (b,))
        self.p.sql("DELETE FROM users WHERE id = ?", (b,))
        self.assertEqual(until_status(self.me(ta), 401).status, 401)
        self.assertEqual(until_status(self.me(tb), 401).status, 401)

    def test_refresh_is_audited(self):
        uid = self.p.user("refresh@revoke.test", "TENANT_USER", self.t)
        pair = self.p.login("refresh@revoke.test", PASSWORD)
        r = self.p.post("/auth/refresh", {"refresh_token": pair["refresh_token"]})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.p.sql("SELECT count(*) FROM operational_events WHERE action = 'auth.refresh' "
                                    "AND actor = ?", (uid,)), [(1,)])
        self.assertEqual(self.me(r.json()["access_token"])().status, 200)

    def test_suspended_tenant_users_cannot_log_in_or_refresh(self):
        t = self.p.tenant("Suspended Co")
        self.p.user("held@revoke.test", "TENANT_USER", t)
        pair = self.p.login("held@revoke.test", PASSWORD)
        self.p.sql("UPDATE tenants SET status = 'suspended' WHERE id = ?", (t,))
        r = login(self.p, "held@revoke.test")
        self.assertEqual((r.status, r.json()["detail"]), (403, "tenant suspended"))
        r = self.p.post("/auth/refresh", {"refresh_token": pair["refresh_token"]})
        self.assertEqual((r.status, r.json()["detail"]), (403, "tenant suspended"))

    def test_revocations_survive_a_restart(self):
        p = Painel(*READS, "--no-jobs").start()
        try:
            t = p.tenant("Restart Co")
            p.user("restart@revoke.test", "TENANT_USER", t)
            pair = p.login("restart@revoke.test", PASSWORD)
            self.assertEqual(p.post("/auth/logout", {"refresh_token": pair["refresh_token"]}).status, 204)
            p.stop()
            p.start()  # the store is the source of truth: read back at start-up
            self.assertEqual(self.me(pair["access_token"], p)().status, 401)
        finally:
            p.cleanup()

    def test_revocation_reaches_another_instance_sharing_the_store(self):
        other = Painel(*READS, "--no-jobs", db=self.p.db).start()
        try:
            self.p.user("twice@revoke.test", "TENANT_USER", self.t)
            pair = self.p.login("twice@revoke.test", PASSWORD)
            self.assertEqual(self.me(pair["access_token"], other)().status, 200)
            self.assertEqual(self.p.post("/auth/logout", {"refresh_token": pair["refresh_token"]}).status, 204)
            t0 = time.time()
            r = until_status(self.me(pair["access_token"], other), 401, timeout=3)
            self.assertEqual(r.status, 401, r)
            self.assertLess(time.time() - t0, 2.0)  # polled every 0.5 s
        finally:
            other.cleanup()  # the database itself belongs to self.p


if __name__ == "__main__":
    main()
