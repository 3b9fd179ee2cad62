"""External identity: tokens of an AWS Cognito user pool (RS256, a JWKS file) are
accepted when configured; their `sub` maps to a tenant through users.cognito_sub +
tenant_users. The pool (tests/lib/cognito_pool.py) is a key pair made with the openssl
CLI. ID tokens of the pool: tests/test_contract_id_tokens.py."""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from cognito_pool import CLIENT, Pool  # noqa: E402
from harness import Painel, main  # noqa: E402


class Cognito(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        cls.pool = Pool(cls.tmp)
        cls.p = Painel(*cls.pool.serve_args()).start()
        cls.t = cls.p.tenant("Empresa Cognito Ltda")
        uid = cls.p.user("linked@empresa.com", "TENANT_ADMIN", cls.t)
        cls.p.sql("UPDATE users SET cognito_sub = ? WHERE id = ?", ("sub-linked", uid))

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()

    def test_linked_tenant_user_sees_own_tenant(self):
        r = self.p.get("/tenant/me", token=self.pool.token("sub-linked", ["TENANT_ADMIN"]))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["id"], self.t)

    def test_unknown_sub_with_tenant_group_is_403(self):
        r = self.p.get("/tenant/me", token=self.pool.token("sub-stranger", ["TENANT_USER"]))
        self.assertEqual(r.status, 403)

    def test_internal_group_from_pool_reads_internal_routes(self):
        r = self.p.get("/internal/tenants", token=self.pool.token("sub-staff", ["INTERNAL_SUPPORT"]))
        self.assertEqual(r.status, 200, r)
        r = self.p.get("/internal/billing/overview", token=self.pool.token("sub-staff", ["INTERNAL_SUPPORT"]))
        self.assertEqual(r.status, 403)

    def test_rejections(self):
        bad = {
            "wrong issuer": self.pool.token("sub-linked", ["TENANT_ADMIN"], iss="https://evil.example"),
            "wrong client": self.pool.token("sub-linked", ["TENANT_ADMIN"], client="other"),
            "id token naming its client in client_id": self.pool.token(
                "sub-linked", ["TENANT_ADMIN"], token_use="id", extra={"aud": None, "client_id": CLIENT}),
            "expired": self.pool.token("sub-linked", ["TENANT_ADMIN"], exp_in=-3600),
            "alg none": self.pool.token("sub-linked", ["TENANT_ADMIN"], alg="none"),
        }
        for name, tok in bad.items():
            self.assertEqual(self.p.get("/tenant/me", token=tok).status, 401, name)
        good = self.pool.token("sub-linked", ["TENANT_ADMIN"])
        h, pl, s = good.split(".")
        self.assertEqual(self.p.get("/tenant/me", token=f"{h}.{pl}.{s[:-6]}AAAAAA").status, 401)

    def test_own_tokens_still_work(self):
        tok = self.p.login("linked@empresa.com", "painel-test-pw-1")["access_token"]
        self.assertEqual(self.p.get("/tenant/me", token=tok).status, 200)


if __name__ == "__main__":
    main()
