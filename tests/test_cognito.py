"""External identity: tokens of an AWS Cognito user pool (RS256, a JWKS file) are
accepted when configured; their `sub` maps to a tenant through users.cognito_sub +
tenant_users. The pool's key pair is generated here with the openssl CLI."""
import base64
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import Painel, main  # noqa: E402

ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TESTPOOL"
CLIENT = "pool-client-id"


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


class Pool:
    def __init__(self, d):
        self.key = os.path.join(d, "pool.pem")
        subprocess.run(["openssl", "genrsa", "-out", self.key, "2048"], check=True, capture_output=True)
        mod = subprocess.run(["openssl", "rsa", "-in", self.key, "-noout", "-modulus"], check=True,
                             capture_output=True, text=True).stdout.strip().split("=", 1)[1]
        self.kid = "pool-key-1"
        self.jwks = os.path.join(d, "jwks.json")
        with open(self.jwks, "w") as f:
            json.dump({"keys": [{"kty": "RSA", "alg": "RS256", "use": "sig", "kid": self.kid,
                                 "n": b64u(bytes.fromhex(mod)), "e": b64u((65537).to_bytes(3, "big"))}]}, f)

    def token(self, sub, groups, iss=ISSUER, client=CLIENT, alg="RS256", token_use="access", exp_in=600):
        now = int(time.time())
        header = b64u(json.dumps({"alg": alg, "kid": self.kid, "typ": "JWT"}).encode())
        claims = {"sub": sub, "cognito:groups": groups, "iss": iss, "client_id": client,
                  "token_use": token_use, "iat": now, "exp": now + exp_in, "email": sub + "@pool.example"}
        payload = b64u(json.dumps(claims).encode())
        signing_input = f"{header}.{payload}".encode()
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", self.key], input=signing_input,
                             check=True, capture_output=True).stdout
        return f"{header}.{payload}.{b64u(sig) if alg != 'none' else ''}"


class Cognito(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        cls.pool = Pool(cls.tmp)
        cls.p = Painel("--cognito-issuer", ISSUER, "--cognito-jwks", cls.pool.jwks,
                       "--cognito-client-id", CLIENT).start()
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
            "id token": self.pool.token("sub-linked", ["TENANT_ADMIN"], token_use="id"),
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
