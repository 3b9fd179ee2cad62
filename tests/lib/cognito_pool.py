"""A stand-in for an AWS Cognito user pool, for the suites that run Painel with
--cognito-issuer/--cognito-jwks: an RS256 key pair made with the openssl CLI, its JWKS
file, and tokens shaped as Cognito shapes them (an access token names its app client in
`client_id`, an ID token in `aud` and carries `custom:tenant_id`)."""
import base64
import hashlib
import hmac
import json
import os
import subprocess
import time

ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TESTPOOL"
CLIENT = "pool-client-id"


def b64u(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


class Pool:
    def __init__(self, d, kid="pool-key-1"):
        self.key = os.path.join(d, "pool.pem")
        subprocess.run(["openssl", "genrsa", "-out", self.key, "2048"], check=True, capture_output=True)
        mod = subprocess.run(["openssl", "rsa", "-in", self.key, "-noout", "-modulus"], check=True,
                             capture_output=True, text=True).stdout.strip().split("=", 1)[1]
        self.public_pem = subprocess.run(["openssl", "rsa", "-in", self.key, "-pubout"], check=True,
                                         capture_output=True).stdout
        self.kid = kid
        self.jwks = os.path.join(d, "jwks.json")
        with open(self.jwks, "w") as f:
            json.dump({"keys": [{"kty": "RSA", "alg": "RS256", "use": "sig", "kid": self.kid,
                                 "n": b64u(bytes.fromhex(mod)), "e": b64u((65537).to_bytes(3, "big"))}]}, f)

    def serve_args(self, client_ids=CLIENT):
        """The `painel serve` options that trust this pool."""
        return ["--cognito-issuer", ISSUER, "--cognito-jwks", self.jwks, "--cognito-client-id", client_ids]

    def sign(self, header, claims, alg="RS256"):
        """header.payload signed as `alg` says: RS256 with the pool's key, HS256 keyed with
        the pool's public key (the algorithm-confusion forgery), none unsigned."""
        h = b64u(json.dumps(dict(header, alg=alg)).encode())
        signing_input = f"{h}.{b64u(json.dumps(claims).encode())}"
        if alg == "none":
            return signing_input + "."
        if alg == "HS256":
            mac = hmac.new(self.public_pem, signing_input.encode(), hashlib.sha256).digest()
            return f"{signing_input}.{b64u(mac)}"
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", self.key], input=signing_input.encode(),
                             check=True, capture_output=True).stdout
        return f"{signing_input}.{b64u(sig)}"

    def token(self, sub, groups, iss=ISSUER, client=CLIENT, alg="RS256", token_use="access", exp_in=600,
              iat=None, tenant_id=None, extra=None):
        """A Cognito-shaped token. `extra` adds claims; a None value there removes one."""
        now = int(time.time()) if iat is None else iat
        claims = {"sub": sub, "cognito:groups": groups, "iss": iss, "token_use": token_use,
                  "iat": now, "auth_time": now, "exp": now + exp_in, "email": sub + "@pool.example"}
        claims["client_id" if token_use == "access" else "aud"] = client
        if tenant_id is not None:
            claims["custom:tenant_id"] = tenant_id
        for k, v in (extra or {}).items():
            if v is None:
                claims.pop(k, None)
            else:
                claims[k] = v
        return self.sign({"kid": self.kid, "typ": "JWT"}, claims, alg=alg)
