"""The route × group × tenant matrix over HTTP, with exact status codes; forged tokens;
refresh rotation and reuse; login throttle; suspended tenants; rate limiting."""
import base64
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import Painel, main  # noqa: E402
from fixtures import World  # noqa: E402

GROUPS = ["INTERNAL_ADMIN", "INTERNAL_SUPPORT", "TENANT_ADMIN", "TENANT_USER"]


def expected_matrix(w):
    """(method, path, body) → {group: status}. {A} = own tenant, {B} = foreign tenant."""
    own_t = {"INTERNAL_ADMIN": 200, "INTERNAL_SUPPORT": 200, "TENANT_ADMIN": 200, "TENANT_USER": 200}
    foreign_t = {"INTERNAL_ADMIN": 200, "INTERNAL_SUPPORT": 200, "TENANT_ADMIN": 403, "TENANT_USER": 403}
    staff = {"INTERNAL_ADMIN": 200, "INTERNAL_SUPPORT": 200, "TENANT_ADMIN": 403, "TENANT_USER": 403}
    admin = {"INTERNAL_ADMIN": 200, "INTERNAL_SUPPORT": 403, "TENANT_ADMIN": 403, "TENANT_USER": 403}
    m = {}
    for r in ["me", "agents", "integrations", "usage", "incidents"]:
        m[("GET", f"/tenant/{r}?tenant_id={w.a}")] = own_t
        m[("GET", f"/tenant/{r}?tenant_id={w.b}")] = foreign_t
        # without tenant_id: tenant users get their own, internal users must name one
        m[("GET", f"/tenant/{r}")] = {"INTERNAL_ADMIN": 400, "INTERNAL_SUPPORT": 400,
                                      "TENANT_ADMIN": 200, "TENANT_USER": 200}
    m[("GET", "/internal/tenants")] = staff
    m[("GET", f"/internal/tenants/{w.a}")] = staff
    m[("GET", f"/internal/tenants/{w.b}/agents")] = staff
    m[("GET", "/internal/usage/overview")] = staff
    m[("GET", "/internal/billing/overview")] = admin
    m[("GET", "/internal/audit")] = admin
    m[("GET", "/internal/audit/verify")] = admin
    m[("GET", "/auth/me")] = {g: 200 for g in GROUPS}
    return m


def b64(d):
    return base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()


class Matrix(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Painel().start()
        cls.w = World(cls.p)

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()

    def test_route_group_tenant_matrix(self):
        failures = []
        for (method, path), want in expected_matrix(self.w).items():
            for g in GROUPS:
                r = self.p.request(method, path, token=self.w.token(g))
                if r.status != want[g]:
                    failures.append(f"{g} {method} {path}: got {r.status}, want {want[g]}")
            r = self.p.request(method, path)
            if r.status != 401:
                failures.append(f"anonymous {method} {path}: got {r.status}, want 401")
        self.assertEqual(failures, [])

    def test_forged_tokens_are_rejected(self):
        good = self.w.token("TENANT_ADMIN")
        h, p, s = good.split(".")
        header = json.loads(base64.urlsafe_b64decode(h + "=="))
        claims = json.loads(base64.urlsafe_b64decode(p + "=="))
        forged = {
            "alg none": f"{b64(dict(header, alg='none'))}.{p}.",
            "alg HS256": f"{b64(dict(header, alg='HS256'))}.{p}.{s}",
            "unknown kid": f"{b64(dict(header, kid='nope'))}.{p}.{s}",
            "bad signature": f"{h}.{p}.{s[:-4]}AAAA",
            "claims changed": f"{h}.{b64(dict(claims, **{'cognito:groups': ['INTERNAL_ADMIN']}))}.{s}",
            "expired": f"{h}.{b64(dict(claims, exp=1000))}.{s}",
            "garbage": "not.a.token",
            "two segments": f"{h}.{p}",
            "bad base64": f"{h}.@@@.{s}",
            "oversized": "a" * 9000,
        }
        for name, tok in forged.items():
            r = self.p.get("/tenant/me", token=tok)
            self.assertEqual(r.status, 401, name)
        # an id token is not an access token
        idt = self.p.login("admin@a.com", "password123")["id_token"]
        self.assertEqual(self.p.get("/tenant/me", token=idt).status, 401)

    def test_jwks_publishes_the_signing_key(self):
        j = self.p.get("/.well-known/jwks.json").json()
        kid = json.loads(base64.urlsafe_b64decode(self.w.token("TENANT_USER").split(".")[0] + "=="))["kid"]
        self.assertIn(kid, [k["kid"] for k in j["keys"]])
        self.assertEqual(j["keys"][0]["alg"], "EdDSA")

    def test_login_shape_and_same_answer_for_unknown_user(self):
        b = self.p.login("user@a.com", "password123")
        self.assertEqual(b["token_type"], "Bearer")
        self.assertEqual(b["expires_in"], 900)
        self.assertEqual(b["user"]["role"], "TENANT_USER")
        self.assertEqual(b["user"]["tenant_id"], self.w.a)
        claims = json.loads(base64.urlsafe_b64decode(b["access_token"].split(".")[1] + "=="))
        for k in ("sub", "email", "cognito:groups", "custom:tenant_id", "token_use", "iss", "exp", "iat"):
            self.assertIn(k, claims)
        r1 = self.p.post("/auth/login", {"email": "nobody@x.com", "password": "whatever1"})
        r2 = self.p.post("/auth/login", {"email": "support@alq.ai", "password": "wrong-password"})
        self.assertEqual((r1.status, r2.status), (401, 401))
        self.assertEqual(r1.json()["detail"], r2.json()["detail"])

    def test_refresh_rotation_and_reuse_detection(self):
        b = self.p.login("admin@b.com", "password123")
        r = self.p.post("/auth/refresh", {"refresh_token": b["refresh_token"]})
        self.assertEqual(r.status, 200)
        newer = r.json()["refresh_token"]
        # the old one is spent; presenting it again revokes the family, newer included
        self.assertEqual(self.p.post("/auth/refresh", {"refresh_token": b["refresh_token"]}).status, 401)
        self.assertEqual(self.p.post("/auth/refresh", {"refresh_token": newer}).status, 401)
        # logout revokes
        c = self.p.login("admin@b.com", "password123")
        self.assertEqual(self.p.post("/auth/logout", {"refresh_token": c["refresh_token"]}).status, 204)
        self.assertEqual(self.p.post("/auth/refresh", {"refresh_token": c["refresh_token"]}).status, 401)


class KeyRotation(unittest.TestCase):
    def test_rotation_keeps_old_tokens_valid_and_publishes_both_keys(self):
        p = Painel().start()
        try:
            p.user("rot@x.com", "INTERNAL_ADMIN")
            old = p.login("rot@x.com", "password123")["access_token"]
            kid_of = lambda t: json.loads(base64.urlsafe_b64decode(t.split(".")[0] + "=="))["kid"]
            r = p.cli("keys", "rotate-signing")
            self.assertIn("now signing with key", r.stdout)
            # this server learns the new key when it meets its kid (or within a minute)
            p.stop()
            p.start()
            new = p.login("rot@x.com", "password123")["access_token"]
            self.assertNotEqual(kid_of(old), kid_of(new))
            kids = [k["kid"] for k in p.get("/.well-known/jwks.json").json()["keys"]]
            self.assertIn(kid_of(old), kids)
            self.assertIn(kid_of(new), kids)
            self.assertEqual(p.get("/auth/me", token=old).status, 200)
            self.assertEqual(p.get("/auth/me", token=new).status, 200)
        finally:
            p.cleanup()


class Throttle(unittest.TestCase):
    def test_login_throttle_survives_restart(self):
        p = Painel("--login-max-failures", "3").start()
        try:
            p.user("victim@x.com", "INTERNAL_SUPPORT")
            for _ in range(3):
                self.assertEqual(p.post("/auth/login", {"email": "victim@x.com", "password": "bad-pass"}).status, 401)
            r = p.post("/auth/login", {"email": "victim@x.com", "password": "password123"})
            self.assertEqual(r.status, 429)
            self.assertGreater(int(r.headers["retry-after"]), 0)
            p.stop()
            p.start()
            self.assertEqual(p.post("/auth/login", {"email": "victim@x.com", "password": "password123"}).status, 429)
        finally:
            p.cleanup()

    def test_rate_limit_429_with_retry_after(self):
        p = Painel("--rate-user-burst", "5", "--rate-user-per-min", "60").start()
        try:
            p.user("busy@x.com", "INTERNAL_SUPPORT")
            tok = p.login("busy@x.com", "password123")["access_token"]
            statuses = [p.get("/auth/me", token=tok) for _ in range(8)]
            codes = [r.status for r in statuses]
            self.assertEqual(codes[:5], [200] * 5)
            self.assertEqual(codes[5:], [429] * 3)
            self.assertEqual(statuses[0].headers["ratelimit-limit"], "5")
            self.assertEqual(statuses[0].headers["ratelimit-remaining"], "4")
            self.assertGreaterEqual(int(statuses[-1].headers["retry-after"]), 1)
        finally:
            p.cleanup()

    def test_each_request_takes_one_token_whether_answered_inline_or_on_the_pool(self):
        # A cache miss is first tried on the network thread, abandoned, and re-run on the
        # handler pool; cache hits are answered on the network thread. Both count once.
        p = Painel("--rate-user-burst", "5", "--rate-user-per-min", "60").start()
        try:
            p.user("cached@x.com", "INTERNAL_ADMIN")
            tok = p.login("cached@x.com", "password123")["access_token"]
            got = [p.get("/internal/tenants", token=tok) for _ in range(6)]
            self.assertEqual([r.status for r in got], [200] * 5 + [429])
            self.assertEqual([r.headers["x-cache"] for r in got[:5]], ["miss"] + ["hit"] * 4)
            self.assertEqual([r.headers["ratelimit-remaining"] for r in got[:5]], ["4", "3", "2", "1", "0"])
            ids = {r.headers["x-request-id"] for r in got}
            self.assertEqual(len(ids), 6)
        finally:
            p.cleanup()


class Suspended(unittest.TestCase):
    def test_suspended_tenant_users_get_403(self):
        p = Painel().start()
        try:
            t = p.tenant("Suspensa Ltda")
            p.user("u@s.com", "TENANT_USER", t)
            tok = p.login("u@s.com", "password123")["access_token"]
            self.assertEqual(p.get("/tenant/me", token=tok).status, 200)
            p.sql("UPDATE tenants SET status = 'suspended' WHERE id = ?", (t,))
            time.sleep(2.2)  # the tenant-status cache lives 2 s (a command invalidates it at once)
            r = p.get("/tenant/me", token=tok)
            self.assertEqual(r.status, 403)
            self.assertIn("tenant suspended", r.json()["detail"])
        finally:
            p.cleanup()


if __name__ == "__main__":
    main()
