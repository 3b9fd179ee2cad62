"""Issue 21, items 4, 5 and 2: what the original system's own clients read over HTTP.
Every error answer carries `message` (= `detail`) and a stable `error` code besides RFC 9457's
members; `--cors-origins` lets the original frontend's origin call the API from a browser
(preflights, exposed headers, Vary: Origin) and nobody else; the usage overview's top agents
carry `deployed_count` (tenants with an active contract) beside `tenant_count`."""
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from fixtures import PASSWORD, World  # noqa: E402
from harness import BIN, Painel, main, raw_exchange  # noqa: E402

FRONTEND = "https://painel-frontend.example.com"
LOCAL_DEV = "http://localhost:3000"
EVIL = "https://evil.example.net"
ALLOW_HEADERS = "Authorization, Content-Type, Idempotency-Key, If-Match"


def raw_answer(port, data):
    """Sends raw bytes; returns (status, headers lower-cased, body) of the answer."""
    head, _, body = raw_exchange(port, data).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return int(lines[0].split()[1]), headers, body


def cors_headers(headers):
    return {k: v for k, v in headers.items() if k.startswith("access-control-")}


class CompatHttp(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Painel("--cors-origins", f"{FRONTEND}, {LOCAL_DEV}").start()
        cls.w = World(cls.p)

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()

    def token(self, who="INTERNAL_ADMIN"):
        return self.w.token(who)

    def assert_problem(self, r, status, code):
        """The answer is problem+json with message == detail and the given error code."""
        if isinstance(r, tuple):
            st, headers, body = r
        else:
            st, headers, body = r.status, r.headers, r.body
        self.assertEqual(st, status, body)
        self.assertTrue(headers["content-type"].startswith("application/problem+json"), headers)
        b = json.loads(body)
        self.assertEqual(b["status"], status)
        self.assertIsInstance(b["detail"], str)
        self.assertTrue(b["detail"])
        self.assertEqual(b["message"], b["detail"])
        self.assertEqual(b["error"], code, b)
        self.assertTrue(b["request_id"])
        return b

    # --- item 4: message and error on every error answer -----------------------------------

    def test_application_errors_carry_message_and_error(self):
        admin, user = self.token(), self.token("TENANT_USER")
        self.assert_problem(self.p.get("/no/such/route"), 404, "not-found")
        self.assert_problem(self.p.get(f"/internal/tenants/{'0' * 8}-0000-4000-8000-{'0' * 12}", token=admin),
                            404, "not-found")
        self.assert_problem(self.p.post("/healthz", {}), 405, "method-not-allowed")
        self.assert_problem(self.p.get("/internal/tenants"), 401, "unauthorized")
        self.assert_problem(self.p.get("/internal/tenants", token="not-a-token"), 401, "unauthorized")
        self.assert_problem(self.p.get("/internal/tenants", token=user), 403, "forbidden")
        self.assert_problem(self.p.get("/internal/tenants?limit=0", token=admin), 400, "validation-failed")
        self.assert_problem(self.p.post("/internal/tenants", {"name": "X", "surprise": 1}, token=admin),
                            400, "validation-failed")
        self.assert_problem(self.p.request("POST", "/auth/login", raw=b"{", headers={"Content-Type": "application/json"}),
                            400, "bad-request")
        self.assert_problem(self.p.request("POST", "/auth/login", raw=b"{}", headers={"Content-Type": "text/plain"}),
                            415, "unsupported-media-type")
        self.assert_problem(self.p.request("POST", "/ingest/usage", raw=b"[]",
                                           headers={"Content-Type": "application/json"}), 401, "unauthorized")
        self.assert_problem(self.p.get("/app/assets/no-such-file.js"), 404, "not-found")

    def test_write_errors_carry_message_and_error(self):
        admin = self.token()
        body = {"name": "Duplicada Ltda", "cnpj": "11.222.333/0001-81", "segment": "servicos", "plan": "starter"}
        b = self.assert_problem(self.p.post("/internal/tenants", body, token=admin), 409, "conflict")
        self.assertIn("CNPJ", b["message"])
        body["cnpj"] = "11.222.333/0001-82"  # wrong check digit
        self.assert_problem(self.p.post("/internal/tenants", body, token=admin), 422, "unprocessable")
        r = self.p.request("PATCH", f"/internal/tenants/{self.w.a}", body={"name": "Padaria Estrela Ltda"},
                           token=admin, headers={"If-Match": '"not-the-etag"'})
        self.assert_problem(r, 412, "precondition-failed")

    def test_login_errors_have_specific_codes(self):
        email = "locked@a.com"
        self.p.user(email, "TENANT_USER", self.w.a)
        for _ in range(5):
            self.assert_problem(self.p.post("/auth/login", {"email": email, "password": "wrong-password-1"}),
                                401, "invalid-credentials")
        r = self.p.post("/auth/login", {"email": email, "password": "wrong-password-1"})
        self.assert_problem(r, 429, "account-locked")
        self.assertIn("retry-after", r.headers)
        # a suspended / inactive tenant's user: the right password, then the tenant's refusal
        for status in ("suspended", "inactive"):
            t = self.p.tenant(f"Loja {status}")
            self.p.user(f"{status}@t.com", "TENANT_ADMIN", t)
            self.p.sql("UPDATE tenants SET status = ? WHERE id = ?", (status, t))
            r = self.p.post("/auth/login", {"email": f"{status}@t.com", "password": PASSWORD})
            self.assert_problem(r, 403, f"tenant-{status}")

    def test_network_layer_errors_carry_message_and_error(self):
        port = self.p.port
        self.assert_problem(raw_answer(port, b"GET /internal/tenants/%00 HTTP/1.1\r\nHost: x\r\n\r\n"),
                            400, "bad-request")
        self.assert_problem(raw_answer(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n"),
                            400, "bad-request")
        big = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n"
        self.assert_problem(raw_answer(port, big), 431, "header-too-large")
        r = raw_answer(port, b"POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                               b"Content-Length: 5000000\r\n\r\n")
        self.assert_problem(r, 413, "payload-too-large")
        r = raw_answer(port, b"POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                               b"Transfer-Encoding: gzip, chunked\r\n\r\n")
        self.assert_problem(r, 400, "bad-request")

    # --- item 5: CORS ----------------------------------------------------------------------

    def preflight(self, path, origin, method="GET", req_headers="authorization, content-type"):
        h = {"Origin": origin, "Access-Control-Request-Method": method}
        if req_headers:
            h["Access-Control-Request-Headers"] = req_headers
        return self.p.request("OPTIONS", path, headers=h)

    def test_preflight_from_an_allowed_origin(self):
        r = self.preflight("/internal/tenants", FRONTEND, req_headers="authorization, x-evil, content-type")
        self.assertEqual(r.status, 204, r)
        self.assertEqual(r.body, "")
        self.assertEqual(r.headers["access-control-allow-origin"], FRONTEND)
        self.assertEqual(sorted(m.strip() for m in r.headers["access-control-allow-methods"].split(",")),
                         ["GET", "HEAD", "POST"])
        self.assertEqual(r.headers["access-control-allow-headers"], ALLOW_HEADERS)
        self.assertNotIn("x-evil", r.headers["access-control-allow-headers"].lower())
        self.assertEqual(r.headers["access-control-max-age"], "600")
        self.assertEqual(r.headers["vary"], "Origin")
        self.assertNotIn("access-control-allow-credentials", r.headers)
        # another routed path (a parameter in it), the second configured origin
        r = self.preflight(f"/internal/tenants/{self.w.a}", LOCAL_DEV, method="PATCH")
        self.assertEqual(r.status, 204, r)
        self.assertEqual(r.headers["access-control-allow-origin"], LOCAL_DEV)
        self.assertEqual(sorted(m.strip() for m in r.headers["access-control-allow-methods"].split(",")),
                         ["GET", "HEAD", "PATCH"])
        # no authentication is asked of a preflight; an unknown path is still a 404
        r = self.preflight("/no/such/route", FRONTEND)
        self.assert_problem(r, 404, "not-found")
        self.assertEqual(r.headers["access-control-allow-origin"], FRONTEND)

    def test_preflight_from_another_origin_gets_the_plain_answer(self):
        for origin in (EVIL, FRONTEND + ":8443", FRONTEND.replace("https", "http"), "null"):
            r = self.preflight("/internal/tenants", origin)
            self.assert_problem(r, 405, "method-not-allowed")
            self.assertEqual(cors_headers(r.headers), {}, origin)
        # OPTIONS without Access-Control-Request-Method is not a preflight
        r = self.p.request("OPTIONS", "/internal/tenants", headers={"Origin": FRONTEND})
        self.assertEqual(r.status, 405)
        self.assertEqual(r.headers["access-control-allow-origin"], FRONTEND)  # an answer to the origin

    def test_actual_requests_get_the_origin_and_exposed_headers(self):
        admin = self.token()
        for _ in range(2):  # the second answer comes from the response cache
            r = self.p.get("/internal/usage/overview", token=admin, headers={"Origin": FRONTEND})
            self.assertEqual(r.status, 200)
            self.assertEqual(r.headers["access-control-allow-origin"], FRONTEND)
            self.assertEqual(r.headers["access-control-expose-headers"], "ETag, Retry-After, Location")
            # One Vary header: the origin, and (a JSON answer above 1 KB) Accept-Encoding.
            self.assertEqual(r.headers["vary"], "Origin, Accept-Encoding")
            self.assertNotIn("access-control-allow-credentials", r.headers)
        # a cached answer is not served with another origin's headers
        r = self.p.get("/internal/usage/overview", token=admin, headers={"Origin": LOCAL_DEV})
        self.assertEqual(r.headers["access-control-allow-origin"], LOCAL_DEV)
        r = self.p.get("/internal/usage/overview", token=admin, headers={"Origin": EVIL})
        self.assertEqual(r.status, 200)
        self.assertEqual(cors_headers(r.headers), {})
        self.assertEqual(r.headers["vary"], "Origin, Accept-Encoding")
        r = self.p.get("/internal/usage/overview", token=admin)
        self.assertEqual(cors_headers(r.headers), {})
        # errors reach the frontend's code too (it reads `message`)
        r = self.p.get("/internal/tenants", headers={"Origin": FRONTEND})
        self.assert_problem(r, 401, "unauthorized")
        self.assertEqual(r.headers["access-control-allow-origin"], FRONTEND)
        st, headers, _ = raw_answer(self.p.port, f"GET /internal/tenants/%00 HTTP/1.1\r\nHost: x\r\n"
                                                   f"Origin: {FRONTEND}\r\n\r\n".encode())
        self.assertEqual(st, 400)
        self.assertEqual(headers["access-control-allow-origin"], FRONTEND)
        # a write: Location exposed to the frontend
        r = self.p.post("/internal/tenants", {"name": "Loja CORS", "cnpj": "04.252.011/0001-10",
                                              "segment": "varejo", "plan": "starter"},
                        token=admin, headers={"Origin": FRONTEND})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.headers["access-control-allow-origin"], FRONTEND)
        self.assertIn("location", r.headers)

    def test_no_cors_headers_without_the_option(self):
        p = Painel().start()
        try:
            r = p.get("/healthz", headers={"Origin": FRONTEND})
            self.assertEqual(r.status, 200)
            self.assertEqual(cors_headers(r.headers), {})
            self.assertNotIn("vary", r.headers)
            r = p.request("OPTIONS", "/healthz", headers={"Origin": FRONTEND, "Access-Control-Request-Method": "GET"})
            self.assert_problem(r, 405, "method-not-allowed")
            self.assertEqual(r.headers["allow"], "GET, HEAD")
            self.assertEqual(cors_headers(r.headers), {})
        finally:
            p.cleanup()

    def test_bad_cors_origins_exit_2(self):
        for bad in ("*", "https://x.example.com/", "https://x.example.com/app", "ftp://x.example.com",
                    "x.example.com", "https://x.example.com:99999", "https://*.example.com",
                    "https://x.example.com?a=1", "https://user@x.example.com", "https://",
                    f"{FRONTEND},null"):
            r = subprocess.run([BIN, "serve", "--listen", "127.0.0.1:0", "--database",
                                "sqlite:" + os.path.join(self.p.dir, "never.db"), "--cors-origins", bad],
                               capture_output=True, text=True, timeout=30,
                               env=dict(os.environ, PAINEL_MASTER_KEY="k"))
            self.assertEqual(r.returncode, 2, (bad, r.stderr))
            self.assertIn("--cors-origins", r.stderr, bad)
        r = subprocess.run([BIN, "serve", "--listen", "127.0.0.1:0", "--database",
                            "sqlite:" + os.path.join(self.p.dir, "never.db")],
                           capture_output=True, text=True, timeout=30,
                           env=dict(os.environ, PAINEL_MASTER_KEY="k", PAINEL_CORS_ORIGINS="https://a.com/x"))
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("not an origin", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.p.dir, "never.db")))

    def test_env_variable_sets_the_origins(self):
        p = Painel(env={"PAINEL_CORS_ORIGINS": "http://[::1]:8081, HTTPS://Caps.Example.com"}).start()
        try:
            r = p.request("OPTIONS", "/healthz", headers={"Origin": "http://[::1]:8081",
                                                          "Access-Control-Request-Method": "GET"})
            self.assertEqual(r.status, 204)
            self.assertEqual(r.headers["access-control-allow-methods"], "GET, HEAD")
            r = p.get("/healthz", headers={"Origin": "https://caps.example.com"})
            self.assertEqual(r.headers["access-control-allow-origin"], "https://caps.example.com")
        finally:
            p.cleanup()

    # --- item 2: deployed_count ------------------------------------------------------------

    def top_agents(self):
        b = self.p.get("/internal/usage/overview?period=30d", token=self.token()).json()
        return {a["agent_id"]: a for a in b["top_agents_by_usage"]}

    def test_deployed_count_counts_active_contracts(self):
        admin = self.token()
        top = self.top_agents()
        # agent1: active at A and B, used by both; agent2: active at A only, used by A
        self.assertEqual((top[self.w.agent1]["deployed_count"], top[self.w.agent1]["tenant_count"]), (2, 2))
        self.assertEqual((top[self.w.agent2]["deployed_count"], top[self.w.agent2]["tenant_count"]), (1, 1))
        for a in top.values():
            self.assertIsInstance(a["deployed_count"], int)
        # contracts written through the API: the cached overview follows at once
        t = self.p.tenant("Contratante Nova")
        r = self.p.request("PUT", f"/internal/tenants/{t}/agents/{self.w.agent2}", body={"status": "active"},
                           token=admin)
        self.assertEqual(r.status, 201, r)
        top = self.top_agents()
        self.assertEqual((top[self.w.agent2]["deployed_count"], top[self.w.agent2]["tenant_count"]), (2, 1))
        r = self.p.request("PUT", f"/internal/tenants/{t}/agents/{self.w.agent2}", body={"status": "inactive"},
                           token=admin)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.top_agents()[self.w.agent2]["deployed_count"], 1)
        r = self.p.request("PUT", f"/internal/tenants/{t}/agents/{self.w.agent2}", body={"status": "active"},
                           token=admin)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.top_agents()[self.w.agent2]["deployed_count"], 2)
        r = self.p.request("DELETE", f"/internal/tenants/{t}/agents/{self.w.agent2}", token=admin)
        self.assertEqual(r.status, 204, r)
        self.assertEqual(self.top_agents()[self.w.agent2]["deployed_count"], 1)


if __name__ == "__main__":
    main()
