"""Issue 21 item 6: ID tokens (`token_use: id`) are accepted wherever access tokens are,
as API Gateway's Cognito authorizer (which the original ran behind) accepts them, and the
original's clients send them (Cognito puts `custom:tenant_id` only there). Both from
Painel's own issuer (the login answer's `id_token`) and from an external Cognito pool
(tests/lib/cognito_pool.py), with the checks access tokens get: signature and algorithm,
issuer, expiry, audience (an ID token's `aud` = a configured client id; an access token's
`client_id`), revocation (logout, ended sessions, a disabled user)."""
import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from cognito_pool import CLIENT, ISSUER, Pool, b64u  # noqa: E402
from harness import BIN, Painel, main  # noqa: E402

PW = "painel-test-pw-1"


def claims_of(token):
    return json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))


def until_401(p, path, token, seconds=3):
    """The status of `path` once it is 401 or `seconds` passed: other instances, and the
    SQL triggers, reach the revocation set through its poll (every 500 ms)."""
    deadline = time.time() + seconds
    while True:
        r = p.get(path, token=token)
        if r.status == 401 or time.time() > deadline:
            return r.status
        time.sleep(0.05)


class BuiltInIssuer(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Painel().start()
        cls.t = cls.p.tenant("Ótica Rio Claro Ltda")
        cls.p.user("admin@otica.com", "TENANT_ADMIN", cls.t)
        cls.p.user("support@alq.ai", "INTERNAL_SUPPORT")
        cls.p.user("root@alq.ai", "INTERNAL_ADMIN")
        cls.root = cls.p.login("root@alq.ai", PW)["access_token"]
        cls.n = 0

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()

    def fresh_user(self):
        BuiltInIssuer.n += 1
        email = f"u{BuiltInIssuer.n}@otica.com"
        uid = self.p.user(email, "TENANT_USER", self.t)
        return uid, self.p.login(email, PW)

    def test_login_returns_a_cognito_shaped_id_token(self):
        b = self.p.login("admin@otica.com", PW)
        idc, acc = claims_of(b["id_token"]), claims_of(b["access_token"])
        self.assertEqual(idc["token_use"], "id")
        self.assertEqual(idc["aud"], "painel-web")
        self.assertNotIn("client_id", idc)
        self.assertEqual(idc["custom:tenant_id"], self.t)
        self.assertEqual(idc["cognito:groups"], ["TENANT_ADMIN"])
        self.assertEqual(idc["email"], "admin@otica.com")
        for k in ("sub", "iss", "sid"):
            self.assertEqual(idc[k], acc[k], k)
        self.assertEqual((acc["token_use"], acc["client_id"]), ("access", "painel-web"))
        self.assertNotIn("aud", acc)

    def test_id_token_is_accepted_on_tenant_routes(self):
        idt = self.p.login("admin@otica.com", PW)["id_token"]
        r = self.p.get("/tenant/me", token=idt)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["id"], self.t)
        self.assertEqual(self.p.get("/auth/me", token=idt).status, 200)
        self.assertEqual(self.p.get("/internal/tenants", token=idt).status, 403)  # same groups

    def test_id_token_is_accepted_on_internal_routes_with_the_same_permissions(self):
        idt = self.p.login("support@alq.ai", PW)["id_token"]
        r = self.p.get("/internal/tenants", token=idt)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.p.get("/internal/billing/overview", token=idt).status, 403)

    def test_forged_id_tokens_are_refused(self):
        idt = self.p.login("admin@otica.com", PW)["id_token"]
        h, pl, s = idt.split(".")
        header = json.loads(base64.urlsafe_b64decode(h + "=="))
        claims = claims_of(idt)
        enc = lambda o: b64u(json.dumps(o).encode())  # noqa: E731
        jwk = next(k for k in self.p.get("/.well-known/jwks.json").json()["keys"] if k["kid"] == header["kid"])
        hs_input = f"{enc(dict(header, alg='HS256'))}.{pl}"
        hs_mac = hmac.new(base64.urlsafe_b64decode(jwk["x"] + "=="), hs_input.encode(), hashlib.sha256).digest()
        forged = {
            "alg none": f"{enc(dict(header, alg='none'))}.{pl}.",
            "HS256 keyed with the public key": f"{hs_input}.{b64u(hs_mac)}",
            "bad signature": f"{h}.{pl}.{s[:-4]}AAAA",
            "relabelled access": f"{h}.{enc(dict(claims, token_use='access'))}.{s}",
            "other tenant": f"{h}.{enc(dict(claims, **{'custom:tenant_id': 'x'}))}.{s}",
            "expired": f"{h}.{enc(dict(claims, exp=1000))}.{s}",
        }
        for name, tok in forged.items():
            self.assertEqual(self.p.get("/tenant/me", token=tok).status, 401, name)
        self.assertEqual(self.p.get("/tenant/me", token=idt).status, 200)

    def test_logout_refuses_the_sessions_id_token(self):
        _, b = self.fresh_user()
        self.assertEqual(self.p.get("/tenant/me", token=b["id_token"]).status, 200)
        self.assertEqual(self.p.post("/auth/logout", {"refresh_token": b["refresh_token"]}).status, 204)
        self.assertEqual(until_401(self.p, "/tenant/me", b["id_token"]), 401)

    def test_ended_sessions_refuse_id_tokens(self):
        uid, b = self.fresh_user()
        self.assertEqual(self.p.get("/tenant/me", token=b["id_token"]).status, 200)
        r = self.p.request("DELETE", f"/internal/users/{uid}/sessions", token=self.root)
        self.assertEqual(r.status, 204, r)
        self.assertEqual(until_401(self.p, "/tenant/me", b["id_token"]), 401)

    def test_disabled_user_id_token_refused(self):
        uid, b = self.fresh_user()
        self.assertEqual(self.p.get("/tenant/me", token=b["id_token"]).status, 200)
        r = self.p.request("PATCH", f"/internal/users/{uid}", {"status": "disabled"}, token=self.root)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(until_401(self.p, "/tenant/me", b["id_token"]), 401)


class BuiltInIssuerAudienceAndIssuer(unittest.TestCase):
    """The same store (keys) served under another --client-id or --issuer: the tokens
    issued before name another audience or issuer and are refused."""

    def setUp(self):
        self.p = Painel().start()
        t = self.p.tenant("Universo Tecnologia")
        self.p.user("admin@universo.com", "TENANT_ADMIN", t)
        self.b = self.p.login("admin@universo.com", PW)

    def tearDown(self):
        self.p.cleanup()

    def restart(self, *args):
        self.p.stop()
        self.p.proc.stderr.close()
        self.p.log.close()
        self.p.extra = list(args)
        self.p.start()

    def test_wrong_audience(self):
        self.restart("--client-id", "another-client")
        self.assertEqual(self.p.get("/tenant/me", token=self.b["id_token"]).status, 401)
        self.assertEqual(self.p.get("/tenant/me", token=self.b["access_token"]).status, 401)
        self.restart("--client-id", "painel-web")
        self.assertEqual(self.p.get("/tenant/me", token=self.b["id_token"]).status, 200)

    def test_wrong_issuer(self):
        self.restart("--issuer", "https://another.example")
        self.assertEqual(self.p.get("/tenant/me", token=self.b["id_token"]).status, 401)


class ExternalPool(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        cls.pool = Pool(cls.tmp)
        # Two app clients (the original's web client and another), blanks around the comma.
        cls.p = Painel(*cls.pool.serve_args(f"web-client , {CLIENT}")).start()
        cls.t = cls.p.tenant("Empresa Cognito Ltda")
        cls.p.user("root@alq.ai", "INTERNAL_ADMIN")
        cls.root = cls.p.login("root@alq.ai", PW)["access_token"]
        cls.ids = {}
        for sub in ("sub-linked", "sub-disabled", "sub-revoked"):
            cls.ids[sub] = cls.p.user(sub + "@empresa.com", "TENANT_ADMIN", cls.t)
            cls.p.sql("UPDATE users SET cognito_sub = ? WHERE id = ?", (sub, cls.ids[sub]))

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()

    def id_token(self, sub="sub-linked", groups=("TENANT_ADMIN",), **kw):
        return self.pool.token(sub, list(groups), token_use="id", tenant_id=self.t, **kw)

    def test_id_token_accepted_on_tenant_route(self):
        r = self.p.get("/tenant/me", token=self.id_token())
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["id"], self.t)

    def test_every_listed_client_id_is_accepted(self):
        for client in ("web-client", CLIENT):
            self.assertEqual(self.p.get("/tenant/me", token=self.id_token(client=client)).status, 200, client)
            acc = self.pool.token("sub-linked", ["TENANT_ADMIN"], client=client)
            self.assertEqual(self.p.get("/tenant/me", token=acc).status, 200, client)

    def test_id_token_accepted_on_internal_route(self):
        tok = self.id_token("sub-staff", ["INTERNAL_SUPPORT"], extra={"custom:tenant_id": None})
        self.assertEqual(self.p.get("/internal/tenants", token=tok).status, 200)
        self.assertEqual(self.p.get("/internal/billing/overview", token=tok).status, 403)

    def test_rejections(self):
        bad = {
            "wrong aud": self.id_token(client="other-client"),
            "aud naming an untrusted client too": self.id_token(extra={"aud": [CLIENT, "other-client"]}),
            "no aud": self.id_token(extra={"aud": None}),
            "expired": self.id_token(exp_in=-3600),
            "wrong issuer": self.id_token(iss="https://cognito-idp.us-east-1.amazonaws.com/us-east-1_OTHER"),
            "alg none": self.id_token(alg="none"),
            "HS256 keyed with the pool's public key": self.id_token(alg="HS256"),
            "id token naming its client in client_id": self.id_token(extra={"aud": None, "client_id": CLIENT}),
            "id token with client_id beside aud": self.id_token(extra={"client_id": CLIENT}),
            "access token naming its client in aud": self.pool.token(
                "sub-linked", ["TENANT_ADMIN"], extra={"client_id": None, "aud": CLIENT}),
            "access token with aud beside client_id": self.pool.token(
                "sub-linked", ["TENANT_ADMIN"], extra={"aud": CLIENT}),
            "refresh token_use": self.id_token(extra={"token_use": "refresh"}),
        }
        for name, tok in bad.items():
            r = self.p.get("/tenant/me", token=tok)
            self.assertEqual(r.status, 401, (name, r))
        good = self.id_token()
        h, pl, s = good.split(".")
        self.assertEqual(self.p.get("/tenant/me", token=f"{h}.{pl}.{s[:-6]}AAAAAA").status, 401)
        self.assertEqual(self.p.get("/tenant/me", token=good).status, 200)

    def test_unlinked_tenant_identity_is_403(self):
        r = self.p.get("/tenant/me", token=self.id_token("sub-stranger"))
        self.assertEqual(r.status, 403)

    def test_disabled_user_is_refused_with_tokens_issued_after_disabling(self):
        before = self.id_token("sub-disabled")
        self.assertEqual(self.p.get("/tenant/me", token=before).status, 200)
        r = self.p.request("PATCH", "/internal/users/" + self.ids["sub-disabled"], {"status": "disabled"},
                           token=self.root)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(until_401(self.p, "/tenant/me", before), 401)
        # The pool knows nothing of Painel's disabling and keeps issuing tokens: a login to
        # it after the revocation epoch (which covers only earlier tokens) is refused too.
        disabled_at = int(time.time())
        while int(time.time()) <= disabled_at + 1:
            time.sleep(0.1)
        for tok in (self.id_token("sub-disabled"), self.pool.token("sub-disabled", ["TENANT_ADMIN"])):
            r = self.p.get("/tenant/me", token=tok)
            self.assertEqual(r.status, 401, r)

    def test_a_client_id_list_naming_no_client_exits_2(self):
        for bad in (",", " , ,"):
            r = subprocess.run([BIN, "serve", "--listen", "127.0.0.1:0", "--database",
                                "sqlite:" + os.path.join(self.tmp, "never.db"), "--cognito-issuer", ISSUER,
                                "--cognito-jwks", self.pool.jwks, "--cognito-client-id", bad],
                               capture_output=True, text=True, timeout=30,
                               env=dict(os.environ, PAINEL_MASTER_KEY="k"))
            self.assertEqual(r.returncode, 2, (bad, r.stderr))
            self.assertIn("--cognito-client-id", r.stderr, bad)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "never.db")))

    def test_revoked_user_id_token_refused(self):
        tok = self.id_token("sub-revoked")
        self.assertEqual(self.p.get("/tenant/me", token=tok).status, 200)
        r = self.p.request("DELETE", f"/internal/users/{self.ids['sub-revoked']}/sessions", token=self.root)
        self.assertEqual(r.status, 204, r)
        self.assertEqual(until_401(self.p, "/tenant/me", tok), 401)


if __name__ == "__main__":
    main()
