"""The route × group × tenant matrix over HTTP, with exact status codes; forged tokens;
refresh rotation and reuse; login throttle; suspended tenants; rate limiting."""
import base64
import json
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import Painel, main, served_routes  # noqa: E402
from fixtures import World  # noqa: E402

GROUPS = ["INTERNAL_ADMIN", "INTERNAL_SUPPORT", "TENANT_ADMIN", "TENANT_USER"]


ANONYMOUS = "anonymous"  # no Authorization header: 401 unless the entry says otherwise
MISSING_COMMAND = "00000000-0000-4000-8000-000000000000"


def expected_matrix(w, command_id):
    """(method, path[, JSON body]) → {group: status[, ANONYMOUS: status]}. {A} = own tenant,
    {B} = foreign tenant. Every route of `painel routes` has at least one entry
    (test_matrix_covers_the_route_table)."""
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
    # own account: every signed-in user; an invalid body / unknown session change nothing
    m[("POST", "/auth/password", "{}")] = {g: 400 for g in GROUPS}
    m[("GET", "/auth/sessions")] = {g: 200 for g in GROUPS}
    m[("DELETE", "/auth/sessions")] = {g: 204 for g in GROUPS}  # the calling session stays
    m[("DELETE", f"/auth/sessions/{MISSING_COMMAND}")] = {g: 404 for g in GROUPS}
    # a user's sessions: staff read, INTERNAL_ADMIN ends them (a missing user: 404)
    m[("GET", f"/internal/users/{w.users['TENANT_USER']}/sessions")] = staff
    m[("DELETE", f"/internal/users/{MISSING_COMMAND}/sessions")] = \
        {"INTERNAL_ADMIN": 404, "INTERNAL_SUPPORT": 403, "TENANT_ADMIN": 403, "TENANT_USER": 403}
    # operational commands: staff only, whatever the command's tenant
    m[("POST", "/internal/operations/commands",
       json.dumps({"command_type": "FLUSH_TENANT_CACHE", "tenant_id": w.a, "parameters": {}}))] = \
        {"INTERNAL_ADMIN": 202, "INTERNAL_SUPPORT": 202, "TENANT_ADMIN": 403, "TENANT_USER": 403}
    m[("GET", "/internal/operations/commands")] = staff
    m[("GET", f"/internal/operations/commands/{command_id}")] = staff
    # a missing id: the policy lets staff through to the handler (404) and stops the rest
    m[("POST", f"/internal/operations/commands/{MISSING_COMMAND}/cancel")] = \
        {"INTERNAL_ADMIN": 404, "INTERNAL_SUPPORT": 404, "TENANT_ADMIN": 403, "TENANT_USER": 403}
    # tenant administration: INTERNAL_ADMIN writes; bodies and ids that change nothing
    # (an invalid body → 400, a missing id → 404) so the shared world stays as it is
    m[("POST", "/internal/tenants", json.dumps({"name": ""}))] = {**admin, "INTERNAL_ADMIN": 400}
    m[("PATCH", f"/internal/tenants/{MISSING_COMMAND}", json.dumps({"name": "X"}))] = \
        {**admin, "INTERNAL_ADMIN": 404}
    m[("PUT", f"/internal/tenants/{w.a}/agents/{MISSING_COMMAND}", json.dumps({"status": "active"}))] = \
        {**admin, "INTERNAL_ADMIN": 404}
    m[("DELETE", f"/internal/tenants/{w.a}/agents/{MISSING_COMMAND}")] = {**admin, "INTERNAL_ADMIN": 404}
    # four-eyes decisions: INTERNAL_ADMIN only (a missing command: 404)
    m[("POST", f"/internal/operations/commands/{MISSING_COMMAND}/approve")] = \
        {"INTERNAL_ADMIN": 404, "INTERNAL_SUPPORT": 403, "TENANT_ADMIN": 403, "TENANT_USER": 403}
    m[("POST", f"/internal/operations/commands/{MISSING_COMMAND}/reject", json.dumps({"reason": "x"}))] = \
        {"INTERNAL_ADMIN": 404, "INTERNAL_SUPPORT": 403, "TENANT_ADMIN": 403, "TENANT_USER": 403}
    # the agent catalog: staff read it, INTERNAL_ADMIN writes (an invalid body: nothing is
    # created; a missing agent: nothing is changed)
    m[("GET", "/internal/agents")] = staff
    m[("GET", f"/internal/agents/{w.agent1}")] = staff
    m[("POST", "/internal/agents", json.dumps({"name": "x"}))] = \
        {"INTERNAL_ADMIN": 400, "INTERNAL_SUPPORT": 403, "TENANT_ADMIN": 403, "TENANT_USER": 403}
    m[("PATCH", f"/internal/agents/{MISSING_COMMAND}", json.dumps({"status": "retired"}))] = \
        {"INTERNAL_ADMIN": 404, "INTERNAL_SUPPORT": 403, "TENANT_ADMIN": 403, "TENANT_USER": 403}
    # incidents: both internal groups read and write; invalid bodies and missing ids keep
    # the shared world unchanged
    m[("GET", "/internal/incidents")] = staff
    m[("GET", f"/internal/incidents/{MISSING_COMMAND}")] = \
        {"INTERNAL_ADMIN": 404, "INTERNAL_SUPPORT": 404, "TENANT_ADMIN": 403, "TENANT_USER": 403}
    m[("POST", "/internal/incidents", json.dumps({"tenant_id": w.a, "severity": "low", "title": "x"}))] = \
        {"INTERNAL_ADMIN": 400, "INTERNAL_SUPPORT": 400, "TENANT_ADMIN": 403, "TENANT_USER": 403}
    m[("PATCH", f"/internal/incidents/{MISSING_COMMAND}", json.dumps({"title": "x"}))] = \
        {"INTERNAL_ADMIN": 404, "INTERNAL_SUPPORT": 404, "TENANT_ADMIN": 403, "TENANT_USER": 403}
    # integrations: TENANT_ADMIN (own tenant) and INTERNAL_ADMIN write; an invalid body → 400
    # and a missing id → 404 for them, so the shared world is never changed
    writers_400 = {"INTERNAL_ADMIN": 400, "INTERNAL_SUPPORT": 403, "TENANT_ADMIN": 400, "TENANT_USER": 403}
    writers_404 = {"INTERNAL_ADMIN": 404, "INTERNAL_SUPPORT": 403, "TENANT_ADMIN": 404, "TENANT_USER": 403}
    m[("POST", f"/tenant/integrations?tenant_id={w.a}", "{}")] = writers_400
    m[("POST", f"/tenant/integrations?tenant_id={w.b}", "{}")] = \
        {"INTERNAL_ADMIN": 400, "INTERNAL_SUPPORT": 403, "TENANT_ADMIN": 403, "TENANT_USER": 403}
    m[("PATCH", f"/tenant/integrations/{MISSING_COMMAND}?tenant_id={w.a}", json.dumps({"name": "x"}))] = writers_404
    m[("DELETE", f"/tenant/integrations/{MISSING_COMMAND}?tenant_id={w.a}")] = writers_404
    # another tenant's integration is not found for a tenant admin
    m[("DELETE", f"/tenant/integrations/{w.integ_err}?tenant_id={w.b}")] = \
        {"INTERNAL_ADMIN": 404, "INTERNAL_SUPPORT": 403, "TENANT_ADMIN": 403, "TENANT_USER": 403}
    m[("GET", "/internal/integrations")] = staff
    m[("POST", "/ingest/integrations", "{}")] = {g: 401 for g in GROUPS}
    # support requests: the tenant side through the tenant scope (all four groups), the
    # staff side staff only; invalid bodies and a missing id so the world is not changed
    sup = "/tenant/support/requests"
    m[("GET", f"{sup}?tenant_id={w.a}")] = own_t
    m[("GET", f"{sup}?tenant_id={w.b}")] = foreign_t
    m[("GET", sup)] = {"INTERNAL_ADMIN": 400, "INTERNAL_SUPPORT": 400, "TENANT_ADMIN": 200, "TENANT_USER": 200}
    m[("POST", f"{sup}?tenant_id={w.a}", "{}")] = {g: 400 for g in GROUPS}
    m[("POST", f"{sup}?tenant_id={w.b}", "{}")] = \
        {"INTERNAL_ADMIN": 400, "INTERNAL_SUPPORT": 400, "TENANT_ADMIN": 403, "TENANT_USER": 403}
    m[("GET", f"{sup}/{MISSING_COMMAND}?tenant_id={w.a}")] = {g: 404 for g in GROUPS}
    m[("POST", f"{sup}/{MISSING_COMMAND}/messages?tenant_id={w.a}", json.dumps({"body": "x"}))] = \
        {g: 404 for g in GROUPS}
    staff_404 = {"INTERNAL_ADMIN": 404, "INTERNAL_SUPPORT": 404, "TENANT_ADMIN": 403, "TENANT_USER": 403}
    m[("GET", "/internal/support/requests")] = staff
    m[("GET", f"/internal/support/requests/{MISSING_COMMAND}")] = staff_404
    m[("POST", f"/internal/support/requests/{MISSING_COMMAND}/messages", json.dumps({"body": "x"}))] = staff_404
    m[("PATCH", f"/internal/support/requests/{MISSING_COMMAND}", json.dumps({"status": "closed"}))] = staff_404
    # users (issue 16): staff read /internal/users, INTERNAL_ADMIN writes; /tenant/users is
    # TENANT_ADMIN's alone (own tenant). Invalid bodies (400) and missing ids (404) only, so
    # no account changes; another tenant's user is not found for a tenant admin
    m[("GET", "/internal/users")] = staff
    m[("GET", f"/internal/users/{w.users['TENANT_USER']}")] = staff
    m[("POST", "/internal/users", json.dumps({"email": "x"}))] = {**admin, "INTERNAL_ADMIN": 400}
    m[("PATCH", f"/internal/users/{MISSING_COMMAND}", json.dumps({"name": "x"}))] = {**admin, "INTERNAL_ADMIN": 404}
    m[("POST", f"/internal/users/{MISSING_COMMAND}/password-reset")] = {**admin, "INTERNAL_ADMIN": 404}
    tenant_admin = {"INTERNAL_ADMIN": 403, "INTERNAL_SUPPORT": 403, "TENANT_ADMIN": 200, "TENANT_USER": 403}
    m[("GET", "/tenant/users")] = tenant_admin
    m[("GET", f"/tenant/users/{w.users['TENANT_USER']}")] = tenant_admin
    m[("GET", f"/tenant/users/{w.users['B_ADMIN']}")] = {**tenant_admin, "TENANT_ADMIN": 404}
    m[("POST", "/tenant/users", json.dumps({"email": "x"}))] = {**tenant_admin, "TENANT_ADMIN": 400}
    m[("PATCH", f"/tenant/users/{w.users['B_ADMIN']}", json.dumps({"name": "x"}))] = {**tenant_admin, "TENANT_ADMIN": 404}
    m[("POST", f"/tenant/users/{MISSING_COMMAND}/password-reset")] = {**tenant_admin, "TENANT_ADMIN": 404}
    m[("POST", "/auth/password/reset", "{}")] = {g: 400 for g in GROUPS + [ANONYMOUS]}
    # LGPD: INTERNAL_ADMIN only; a missing user → 404 (nothing exported or erased)
    m[("GET", f"/internal/users/{MISSING_COMMAND}/export")] = {**admin, "INTERNAL_ADMIN": 404}
    m[("POST", f"/internal/users/{MISSING_COMMAND}/erase", json.dumps({"confirm_email": "x@y.z"}))] = \
        {**admin, "INTERNAL_ADMIN": 404}
    # Monitoramento (issue 17): staff only; a range outside the enum is 400 for them
    for board in ["overview", "tenant-apis", "internal-apis"]:
        m[("GET", f"/internal/monitoring/{board}")] = staff
        m[("GET", f"/internal/monitoring/{board}?range=7d")] = staff
        m[("GET", f"/internal/monitoring/{board}?range=2h")] = \
            {"INTERNAL_ADMIN": 400, "INTERNAL_SUPPORT": 400, "TENANT_ADMIN": 403, "TENANT_USER": 403}
    # ingestion takes an ingest key, never a user's token (Ingest.test_ingest_key_is_accepted)
    m[("POST", "/ingest/usage", json.dumps({"events": []}))] = {g: 401 for g in GROUPS}
    # public routes answer everyone alike, tokens or not
    for path in ["/healthz", "/readyz", "/metrics", "/openapi.json", "/.well-known/jwks.json"]:
        m[("GET", path)] = {g: 200 for g in GROUPS + [ANONYMOUS]}
    for path in ["/auth/login", "/auth/refresh", "/auth/logout"]:  # no credentials: refused
        m[("POST", path, "{}")] = {g: 400 for g in GROUPS + [ANONYMOUS]}
    # built-in alerts: staff read; the test notification is INTERNAL_ADMIN's (409: this
    # server has no --alert-webhook)
    m[("GET", "/internal/alerts")] = staff
    m[("GET", "/internal/alerts/deliveries")] = staff
    m[("POST", "/internal/alerts/test")] = \
        {"INTERNAL_ADMIN": 409, "INTERNAL_SUPPORT": 403, "TENANT_ADMIN": 403, "TENANT_USER": 403}
    return m


def route_of(method, path, routes):
    """The route-table entry serving method + path (its {id} matching one segment)."""
    path = path.split("?")[0]
    for r in routes:
        pattern = "^" + re.sub(r"\\{[a-z_]+\\}", "[^/]+", re.escape(r["path"])) + "$"
        if r["method"] == method and re.match(pattern, path):
            return r
    return None


def b64(d):
    return base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()


class Matrix(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Painel().start()
        cls.w = World(cls.p)
        cls.routes = served_routes()
        r = cls.p.post("/internal/operations/commands",
                       {"command_type": "HEALTH_CHECK", "tenant_id": cls.w.a, "parameters": {}},
                       token=cls.w.token("INTERNAL_ADMIN"))
        assert r.status == 202, r
        cls.matrix = expected_matrix(cls.w, r.json()["command_id"])

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()

    def test_route_group_tenant_matrix(self):
        failures = []
        for (method, path, *body), want in self.matrix.items():
            body = json.loads(body[0]) if body else None
            for g in GROUPS:
                r = self.p.request(method, path, body=body, token=self.w.token(g))
                if r.status != want[g]:
                    failures.append(f"{g} {method} {path}: got {r.status}, want {want[g]}")
            r = self.p.request(method, path, body=body)
            if r.status != want.get(ANONYMOUS, 401):
                failures.append(f"anonymous {method} {path}: got {r.status}, want {want.get(ANONYMOUS, 401)}")
        self.assertEqual(failures, [])

    def test_matrix_covers_the_route_table(self):
        """A route added to the table without a matrix entry fails here; so does an entry
        that contradicts the table (a group it refuses must get 403, public routes no 401)."""
        covered, problems = set(), []
        for (method, path, *_), want in self.matrix.items():
            r = route_of(method, path, self.routes)
            if r is None:
                problems.append(f"{method} {path}: in the matrix, not served")
                continue
            covered.add((r["method"], r["path"]))
            problems += [f"{method} {path}: no status for {g}" for g in GROUPS if g not in want]
            if r["access"] == "user":
                problems += [f"{method} {path}: {g} is refused by the table, matrix says {want[g]}"
                             for g in GROUPS if g not in r["groups"] and want.get(g) != 403]
            elif r["access"] == "public" and want.get(ANONYMOUS, 401) == 401:
                problems.append(f"{method} {path}: public, but the matrix expects 401 without a token")
        problems += [f"{r['method']} {r['path']}: served, no entry in expected_matrix()"
                     for r in self.routes if (r["method"], r["path"]) not in covered]
        self.assertEqual(problems, [])

    def test_ingest_key_is_accepted(self):
        key = self.p.cli("keys", "create", "--name", "matrix").stdout.strip().splitlines()[-1]
        self.assertEqual(self.p.request("POST", "/ingest/usage", body={"events": []}, token=key).status, 400)

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
        # an ID token is accepted like the access token (issue 21 item 6; its own checks:
        # tests/test_contract_id_tokens.py)
        idt = self.p.login("admin@a.com", "painel-test-pw-1")["id_token"]
        self.assertEqual(self.p.get("/tenant/me", token=idt).status, 200)

    def test_jwks_publishes_the_signing_key(self):
        j = self.p.get("/.well-known/jwks.json").json()
        kid = json.loads(base64.urlsafe_b64decode(self.w.token("TENANT_USER").split(".")[0] + "=="))["kid"]
        self.assertIn(kid, [k["kid"] for k in j["keys"]])
        self.assertEqual(j["keys"][0]["alg"], "EdDSA")

    def test_login_shape_and_same_answer_for_unknown_user(self):
        b = self.p.login("user@a.com", "painel-test-pw-1")
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
        b = self.p.login("admin@b.com", "painel-test-pw-1")
        r = self.p.post("/auth/refresh", {"refresh_token": b["refresh_token"]})
        self.assertEqual(r.status, 200)
        newer = r.json()["refresh_token"]
        # the old one is spent; presenting it again revokes the family, newer included
        self.assertEqual(self.p.post("/auth/refresh", {"refresh_token": b["refresh_token"]}).status, 401)
        self.assertEqual(self.p.post("/auth/refresh", {"refresh_token": newer}).status, 401)
        # logout revokes
        c = self.p.login("admin@b.com", "painel-test-pw-1")
        self.assertEqual(self.p.post("/auth/logout", {"refresh_token": c["refresh_token"]}).status, 204)
        self.assertEqual(self.p.post("/auth/refresh", {"refresh_token": c["refresh_token"]}).status, 401)


class KeyRotation(unittest.TestCase):
    def test_rotation_keeps_old_tokens_valid_and_publishes_both_keys(self):
        p = Painel().start()
        try:
            p.user("rot@x.com", "INTERNAL_ADMIN")
            old = p.login("rot@x.com", "painel-test-pw-1")["access_token"]
            kid_of = lambda t: json.loads(base64.urlsafe_b64decode(t.split(".")[0] + "=="))["kid"]
            r = p.cli("keys", "rotate-signing")
            self.assertIn("now signing with key", r.stdout)
            # this server learns the new key when it meets its kid (or within a minute)
            p.stop()
            p.start()
            new = p.login("rot@x.com", "painel-test-pw-1")["access_token"]
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
            r = p.post("/auth/login", {"email": "victim@x.com", "password": "painel-test-pw-1"})
            self.assertEqual(r.status, 429)
            self.assertGreater(int(r.headers["retry-after"]), 0)
            p.stop()
            p.start()
            self.assertEqual(p.post("/auth/login", {"email": "victim@x.com", "password": "painel-test-pw-1"}).status, 429)
        finally:
            p.cleanup()

    def test_rate_limit_429_with_retry_after(self):
        p = Painel("--rate-user-burst", "5", "--rate-user-per-min", "60").start()
        try:
            p.user("busy@x.com", "INTERNAL_SUPPORT")
            tok = p.login("busy@x.com", "painel-test-pw-1")["access_token"]
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
            tok = p.login("cached@x.com", "painel-test-pw-1")["access_token"]
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
        # A status cache of 0 ms: the next token check reads the store (the default 2 s
        # would make this test sleep against the clock).
        p = Painel("--tenant-status-cache-ms", "0").start()
        try:
            t = p.tenant("Suspensa Ltda")
            p.user("u@s.com", "TENANT_USER", t)
            tok = p.login("u@s.com", "painel-test-pw-1")["access_token"]
            self.assertEqual(p.get("/tenant/me", token=tok).status, 200)
            p.sql("UPDATE tenants SET status = 'suspended' WHERE id = ?", (t,))
            r = p.get("/tenant/me", token=tok)
            self.assertEqual(r.status, 403)
            self.assertIn("tenant suspended", r.json()["detail"])
        finally:
            p.cleanup()


if __name__ == "__main__":
    main()
