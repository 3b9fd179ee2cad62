"""Issue 19, "Language and words": every problem+json answer names its kind with a stable
`type` URI from the one catalogue (src/http/problem_catalog.cpp; listed in docs/problems.md
and in docs/openapi.json's Problem schema), whose last segment is the `error` code; a
validation failure lists each refused field in `errors[]` ({field, code, message}). Walks
bad requests of every layer (network, authentication, routing, validation, store) and
checks each answer against the catalogue."""
import json
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from fixtures import PASSWORD, World  # noqa: E402
from harness import SRC, Painel, main, raw_exchange  # noqa: E402

BASE = "https://painel.alquimista.ai/problems/"


def catalogue():
    with open(os.path.join(SRC, "docs/openapi.json"), encoding="utf-8") as f:
        props = json.load(f)["components"]["schemas"]["Problem"]["properties"]
    return (props["error"]["enum"], props["type"]["enum"],
            props["errors"]["items"]["properties"]["code"]["enum"])


def raw_answer(port, data):
    head, _, body = raw_exchange(port, data).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return int(lines[0].split()[1]), headers, body


class ProblemTypes(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.codes, cls.types, cls.field_codes = catalogue()
        cls.p = Painel().start()
        cls.w = World(cls.p)

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()

    def check(self, r, status, code, fields=None):
        """problem+json of `status` whose type is the catalogued URI of `code`; `fields`:
        the expected [(field, field code)] of errors[] (None: no errors[] at all)."""
        st, headers, body = r if isinstance(r, tuple) else (r.status, r.headers, r.body)
        self.assertEqual(st, status, body)
        self.assertTrue(headers["content-type"].startswith("application/problem+json"), headers)
        b = json.loads(body)
        self.assertIn(b["type"], self.types, b)
        self.assertEqual(b["type"], BASE + b["error"], b)
        self.assertIn(b["error"], self.codes, b)
        self.assertEqual(b["error"], code, b)
        self.assertEqual(b["status"], status)
        self.assertEqual(b["message"], b["detail"])  # unchanged for the original's clients
        self.assertTrue(b["title"])
        if fields is None:
            self.assertNotIn("errors", b)
        else:
            got = [(e["field"], e["code"]) for e in b["errors"]]
            self.assertEqual(got, fields, b)
            for e in b["errors"]:
                self.assertIn(e["code"], self.field_codes, e)
                self.assertTrue(e["message"], e)
                self.assertEqual(set(e), {"field", "code", "message"})
        return b

    def test_catalogue_is_well_formed(self):
        self.assertEqual(len(self.codes), len(set(self.codes)))
        self.assertEqual(len(self.field_codes), len(set(self.field_codes)))
        self.assertEqual(sorted(self.types), sorted(BASE + c for c in self.codes))
        for c in self.codes + self.field_codes:
            self.assertRegex(c, r"^[a-z]+(-[a-z]+)*$")

    def test_docs_list_every_kind(self):
        with open(os.path.join(SRC, "docs/problems.md"), encoding="utf-8") as f:
            doc = f.read()
        self.assertIn(BASE, doc)
        for c in self.codes + self.field_codes:
            self.assertRegex(doc, r"\| `" + re.escape(c) + r"` \|", c)

    def test_routing_and_authentication(self):
        admin, user = self.w.token("INTERNAL_ADMIN"), self.w.token("TENANT_USER")
        self.check(self.p.get("/no/such/route"), 404, "not-found")
        self.check(self.p.post("/healthz", {}), 405, "method-not-allowed")
        self.check(self.p.request("DELETE", "/app/"), 405, "method-not-allowed")
        self.check(self.p.get("/internal/tenants"), 401, "unauthorized")
        self.check(self.p.get("/internal/tenants", token="not-a-token"), 401, "unauthorized")
        self.check(self.p.get("/internal/tenants", token=user), 403, "forbidden")
        self.check(self.p.get(f"/internal/tenants/{'0' * 8}-0000-4000-8000-{'0' * 12}", token=admin),
                   404, "not-found")
        self.check(self.p.request("POST", "/ingest/usage", raw=b"[]", headers={"Content-Type": "application/json"}),
                   401, "unauthorized")
        self.check(self.p.request("POST", "/auth/login", raw=b"{", headers={"Content-Type": "application/json"}),
                   400, "bad-request")
        self.check(self.p.request("POST", "/auth/login", raw=b"{}", headers={"Content-Type": "text/plain"}),
                   415, "unsupported-media-type")

    def test_sign_in_refusals(self):
        self.check(self.p.post("/auth/login", {"email": "admin@alq.ai", "password": "wrong-password-1"}),
                   401, "invalid-credentials")
        email = "locked@types.com"
        self.p.user(email, "TENANT_USER", self.w.a)
        for _ in range(5):
            self.p.post("/auth/login", {"email": email, "password": "wrong-password-1"})
        r = self.p.post("/auth/login", {"email": email, "password": "wrong-password-1"})
        self.check(r, 429, "account-locked")
        self.assertIn("retry-after", r.headers)
        for status in ("suspended", "inactive"):
            t = self.p.tenant(f"Tipos {status}")
            self.p.user(f"{status}@types.com", "TENANT_ADMIN", t)
            self.p.sql("UPDATE tenants SET status = ? WHERE id = ?", (status, t))
            self.check(self.p.post("/auth/login", {"email": f"{status}@types.com", "password": PASSWORD}),
                       403, f"tenant-{status}")

    def test_query_validation_names_the_parameter(self):
        admin = self.w.token("INTERNAL_ADMIN")
        self.check(self.p.get("/internal/tenants?limit=0", token=admin), 400, "validation-failed",
                   [("limit", "out-of-range")])
        self.check(self.p.get("/internal/tenants?offset=-3", token=admin), 400, "validation-failed",
                   [("offset", "out-of-range")])
        self.check(self.p.get("/internal/integrations?tenant_id=not-a-uuid", token=admin), 400,
                   "validation-failed", [("tenant_id", "invalid-format")])
        self.check(self.p.get("/internal/audit?from=yesterday", token=admin), 400, "validation-failed",
                   [("from", "invalid-format")])
        self.check(self.p.get("/internal/operations/commands?command_type=NOPE", token=admin), 400,
                   "validation-failed", [("command_type", "not-allowed")])
        # a rule across parameters names no single field but still says validation-failed
        b = self.check(self.p.get(f"/tenant/usage?tenant_id={self.w.a}&period=7d&from=2026-01-01&to=2026-01-02",
                                  token=admin), 400, "validation-failed", [("period", "conflicting")])
        self.assertIn("period", b["detail"])

    def test_body_validation_names_each_field(self):
        admin = self.w.token("INTERNAL_ADMIN")
        good = {"name": "Tipos Ltda", "cnpj": "11.444.777/0001-61", "segment": "servicos", "plan": "starter"}
        self.check(self.p.post("/internal/tenants", dict(good, surprise=1, other=2), token=admin), 400,
                   "validation-failed", [("surprise", "unknown-field"), ("other", "unknown-field")])
        self.check(self.p.post("/internal/tenants", dict(good, name="   "), token=admin), 400,
                   "validation-failed", [("name", "empty")])
        self.check(self.p.post("/internal/tenants", dict(good, name=7), token=admin), 400,
                   "validation-failed", [("name", "wrong-type")])
        self.check(self.p.post("/internal/tenants", dict(good, name="x" * 5000), token=admin), 400,
                   "validation-failed", [("name", "too-long")])
        self.check(self.p.post("/internal/tenants", dict(good, name="a\tb"), token=admin), 400,
                   "validation-failed", [("name", "control-characters")])
        self.check(self.p.post("/internal/tenants", {k: v for k, v in good.items() if k != "segment"},
                               token=admin), 400, "validation-failed", [("segment", "required")])
        self.check(self.p.post("/internal/tenants", dict(good, cnpj="abc"), token=admin), 400,
                   "validation-failed", [("cnpj", "invalid-format")])
        self.check(self.p.post("/internal/tenants", dict(good, status="gone"), token=admin), 400,
                   "validation-failed", [("status", "not-allowed")])
        self.check(self.p.post("/internal/tenants", dict(good, limits={"max_agents": -1}), token=admin), 400,
                   "validation-failed", [("limits.max_agents", "out-of-range")])
        self.check(self.p.post("/internal/tenants", dict(good, limits={"max_agent": 1}), token=admin), 400,
                   "validation-failed", [("limits.max_agent", "unknown-field")])
        self.check(self.p.post("/internal/tenants", dict(good, limits=3), token=admin), 400,
                   "validation-failed", [("limits", "wrong-type")])
        r = self.p.request("PATCH", f"/internal/tenants/{self.w.a}", body={"name": None}, token=admin)
        self.check(r, 400, "validation-failed", [("name", "not-null")])

    def test_wrong_current_password_names_the_field(self):
        self.p.user("pw@types.com", "TENANT_USER", self.w.a)
        token = self.p.login("pw@types.com", PASSWORD)["access_token"]
        r = self.p.post("/auth/password", {"current_password": "not-the-password-1",
                                           "new_password": "a-new-password-2026"}, token=token)
        self.check(r, 400, "validation-failed", [("current_password", "incorrect")])

    def test_store_and_rule_refusals(self):
        admin = self.w.token("INTERNAL_ADMIN")
        body = {"name": "Duplicada Ltda", "cnpj": "11.222.333/0001-81", "segment": "servicos", "plan": "starter"}
        self.check(self.p.post("/internal/tenants", body, token=admin), 409, "conflict")
        body["cnpj"] = "11.222.333/0001-82"  # wrong check digit
        self.check(self.p.post("/internal/tenants", body, token=admin), 422, "unprocessable")
        r = self.p.request("PATCH", f"/internal/tenants/{self.w.a}", body={"name": "Padaria Estrela Ltda"},
                           token=admin, headers={"If-Match": '"not-the-etag"'})
        self.check(r, 412, "precondition-failed")

    def test_network_layer_refusals(self):
        port = self.p.port
        self.check(raw_answer(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n"), 400, "bad-request")
        big = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n"
        self.check(raw_answer(port, big), 431, "header-too-large")
        r = raw_answer(port, b"POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                             b"Content-Length: 5000000\r\n\r\n")
        self.check(r, 413, "payload-too-large")


if __name__ == "__main__":
    main()
