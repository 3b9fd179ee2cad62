"""The OpenAPI document served at /openapi.json is kept true: every served route is
documented with its groups, every documented operation answers, documented bounds and
enums are enforced, and real answers validate against the documented schemas."""
import base64
import json
import os
import re
import sys
import unittest
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import Painel, main, served_routes  # noqa: E402
from fixtures import World, day  # noqa: E402

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
FORMATS = {"uuid": UUID_RE, "date": DATE_RE, "date-time": DATETIME_RE}
JSON_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def claims_sid(token):
    """The `sid` (session family) of an access token."""
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))["sid"]


def type_ok(value, t):
    if t == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if t == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, JSON_TYPES[t])


class SchemaValidator:
    """The subset of JSON Schema the document uses: $ref to components, type (or a list of
    types), required, properties, additionalProperties false, items, enum, minimum/maximum,
    minItems/maxItems, minLength/maxLength, format uuid/date/date-time."""

    def __init__(self, doc):
        self.doc = doc

    def resolve(self, schema):
        while "$ref" in schema:
            ref = schema["$ref"]
            assert ref.startswith("#/"), ref
            node = self.doc
            for part in ref[2:].split("/"):
                node = node[part]
            schema = node
        return schema

    def errors(self, value, schema, path="$"):
        schema = self.resolve(schema)
        out = []
        if "type" in schema:
            types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            if not any(type_ok(value, t) for t in types):
                return [f"{path}: {json.dumps(value)[:60]} is not of type {types}"]
        if "enum" in schema and value not in schema["enum"]:
            out.append(f"{path}: {value!r} not in {schema['enum']}")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if "minimum" in schema and value < schema["minimum"]:
                out.append(f"{path}: {value} < minimum {schema['minimum']}")
            if "maximum" in schema and value > schema["maximum"]:
                out.append(f"{path}: {value} > maximum {schema['maximum']}")
        if isinstance(value, str):
            if "minLength" in schema and len(value) < schema["minLength"]:
                out.append(f"{path}: shorter than {schema['minLength']}")
            if "maxLength" in schema and len(value) > schema["maxLength"]:
                out.append(f"{path}: longer than {schema['maxLength']}")
            fmt = FORMATS.get(schema.get("format"))
            if fmt and not fmt.match(value):
                out.append(f"{path}: {value!r} is not a {schema['format']}")
        if isinstance(value, dict):
            for k in schema.get("required", []):
                if k not in value:
                    out.append(f"{path}: missing required {k!r}")
            props = schema.get("properties", {})
            for k, v in value.items():
                if k in props:
                    out += self.errors(v, props[k], f"{path}.{k}")
                elif schema.get("additionalProperties") is False:
                    out.append(f"{path}: undocumented property {k!r}")
        if isinstance(value, list):
            if "minItems" in schema and len(value) < schema["minItems"]:
                out.append(f"{path}: fewer than {schema['minItems']} items")
            if "maxItems" in schema and len(value) > schema["maxItems"]:
                out.append(f"{path}: more than {schema['maxItems']} items")
            if "items" in schema:
                for i, v in enumerate(value):
                    out += self.errors(v, schema["items"], f"{path}[{i}]")
        return out


class OpenApi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.routes = served_routes()
        cls.served = {(r["method"].lower(), r["path"]) for r in cls.routes}
        # Generous buckets: this suite calls every route in turn with the same few users.
        cls.p = Painel("--rate-user-burst", "100000", "--rate-tenant-burst", "100000").start()
        cls.w = World(cls.p)
        r = cls.p.get("/openapi.json")
        assert r.status == 200, r
        cls.doc = r.json()
        cls.v = SchemaValidator(cls.doc)
        cls.ops = [(m, path, op) for path, item in cls.doc["paths"].items() for m, op in item.items()
                   if m in ("get", "post", "put", "patch", "delete")]
        cls._command_id = None

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()

    # --- helpers ---
    def op(self, method, path):
        return self.doc["paths"][path][method]

    def response_schema(self, method, path, status="200"):
        resp = self.v.resolve(self.op(method, path)["responses"][status])
        content = resp["content"]
        ctype = "application/json" if "application/json" in content else next(iter(content))
        return content[ctype]["schema"]

    def assert_valid(self, method, path, body, status="200"):
        errs = self.v.errors(body, self.response_schema(method, path, status))
        self.assertEqual(errs, [], f"{method.upper()} {path} answer does not match its schema")

    def token_for(self, op):
        groups = op.get("x-painel-groups", [])
        who = "TENANT_ADMIN" if "TENANT_ADMIN" in groups else groups[0]
        return who, self.w.token(who)

    @staticmethod
    def tenant_scoped(op):
        return any(p.get("$ref", "").endswith("/TenantIdScope") for p in op.get("parameters", []))

    def command_id(self):
        """An existing command (created once), for the routes that take a command id."""
        if self._command_id is None and ("post", "/internal/operations/commands") in self.served:
            r = self.p.post("/internal/operations/commands",
                            {"command_type": "FLUSH_TENANT_CACHE", "tenant_id": self.w.a, "parameters": {}},
                            token=self.w.token("INTERNAL_ADMIN"))
            self.assertEqual(r.status, 202, r)
            type(self)._command_id = r.json()["command_id"]
        return self._command_id or "00000000-0000-4000-8000-000000000000"

    def path_id(self, path):
        """The {id} of a path: a command, an incident, an integration, a catalog agent or a tenant."""
        if "/commands/" in path:
            return self.command_id()
        if "/incidents/" in path:
            return self.incident_id()
        if "/integrations/" in path:
            return self.integration_id()
        if "/support/requests/" in path:
            return self.support_request_id()
        if path.startswith("/auth/sessions/"):  # another session of the caller (TENANT_ADMIN)
            return claims_sid(self.p.login(self.w.emails["TENANT_ADMIN"], "painel-test-pw-1")["access_token"])
        if path.startswith("/internal/users/") and path.endswith("/sessions"):
            return self.sessions_user_id()
        if "/users/" in path:
            return self.w.users["TENANT_USER"]
        return self.w.agent1 if path.startswith("/internal/agents/") else self.w.a

    def incident_id(self):
        """An existing incident of tenant A (opened once), for the routes that take one."""
        if getattr(type(self), "_incident_id", None) is None:
            r = self.p.post("/internal/incidents", {"tenant_id": self.w.a, "severity": "info", "title": "OpenAPI"},
                            token=self.w.token("INTERNAL_ADMIN"))
            self.assertEqual(r.status, 201, r)
            type(self)._incident_id = r.json()["id"]
        return self._incident_id

    def integration_id(self):
        """A fresh integration of tenant A for each call (a DELETE must not spoil a PATCH)."""
        if ("post", "/tenant/integrations") not in self.served:
            return "00000000-0000-4000-8000-000000000000"
        type(self)._integrations = getattr(type(self), "_integrations", 0) + 1
        r = self.p.post("/tenant/integrations", {"type": "webhook", "name": f"openapi {self._integrations}"},
                        token=self.w.token("TENANT_ADMIN"))
        self.assertEqual(r.status, 201, r)
        return r.json()["id"]

    def support_request_id(self):
        """An existing support request of tenant A (opened once), for the routes that take its id."""
        if not hasattr(type(self), "_support_request_id"):
            r = self.p.post("/tenant/support/requests",
                            {"subject": "OpenAPI", "category": "other", "description": "sample"},
                            token=self.w.token("TENANT_ADMIN"))
            self.assertEqual(r.status, 201, r)
            type(self)._support_request_id = r.json()["id"]
        return self._support_request_id

    def sessions_user_id(self):
        """A user of its own for the session routes (ending its sessions spoils no token)."""
        if not hasattr(type(self), "_sessions_user"):
            type(self)._sessions_user = self.p.user("openapi-sessions@a.com", "TENANT_USER", self.w.a)
            self.p.login("openapi-sessions@a.com", "painel-test-pw-1")
        return self._sessions_user

    def ingest_key(self):
        if not hasattr(type(self), "_ingest_key"):
            type(self)._ingest_key = self.p.cli("keys", "create", "--name", "openapi-test").stdout.strip().splitlines()[-1]
        return self._ingest_key

    def call(self, method, path, op, query=None):
        """Calls a documented operation with a valid credential and a sensible body."""
        concrete = path.replace("{id}", self.path_id(path)) if "{id}" in path else path
        body, token, headers = None, None, {}
        if op["x-painel-access"] == "user":
            who, token = self.token_for(op)
            if who.startswith("INTERNAL") and self.tenant_scoped(op) and "tenant_id" not in (query or {}):
                query = dict(query or {}, tenant_id=self.w.a)
        elif op["x-painel-access"] == "ingest_key":
            token = self.ingest_key()
        if path == "/auth/login":
            body = {"email": self.w.emails["TENANT_USER"], "password": "painel-test-pw-1"}
        elif path in ("/auth/refresh", "/auth/logout"):
            body = {"refresh_token": self.p.login(self.w.emails["TENANT_USER"], "painel-test-pw-1")["refresh_token"]}
        elif path == "/internal/operations/commands" and method == "post":
            body = {"command_type": "HEALTH_CHECK", "tenant_id": self.w.a, "parameters": {}}
        elif path == "/ingest/usage":
            body = {"events": [{"event_id": "openapi-1", "tenant_id": self.w.a, "agent_id": self.w.agent1,
                                "occurred_at": day(0) + "T00:00:01Z", "status": "success",
                                "response_time_ms": 120, "tokens_used": 10, "cost": 0.01}]}
        elif path == "/internal/incidents" and method == "post":
            body = {"tenant_id": self.w.a, "severity": "warning", "title": "OpenAPI call"}
        elif path == "/internal/incidents/{id}" and method == "patch":
            body = {"severity": "error"}
        elif method == "post":
            body = {}
        if query:
            concrete += "?" + urllib.parse.urlencode(query)
        return self.p.request(method.upper(), concrete, body=body, token=token, headers=headers)

    # --- (a) served ⊆ documented, with the same groups ---
    def test_every_served_route_is_documented(self):
        missing, wrong = [], []
        for r in self.routes:
            item = self.doc["paths"].get(r["path"], {})
            op = item.get(r["method"].lower())
            if op is None:
                missing.append(f"{r['method']} {r['path']}")
                continue
            if op.get("x-painel-access") != r["access"] or sorted(op.get("x-painel-groups", [])) != sorted(r["groups"]):
                wrong.append(f"{r['method']} {r['path']}: served {r['access']} {r['groups']}, documented "
                             f"{op.get('x-painel-access')} {op.get('x-painel-groups')}")
        self.assertEqual(missing, [], "served but not in docs/openapi.json")
        self.assertEqual(wrong, [], "x-painel-access / x-painel-groups differ from the route table")

    def test_document_is_openapi_31_with_security(self):
        self.assertTrue(self.doc["openapi"].startswith("3.1"))
        schemes = self.doc["components"]["securitySchemes"]
        self.assertEqual(schemes["bearerAuth"]["scheme"], "bearer")
        self.assertEqual(schemes["ingestKey"]["scheme"], "bearer")
        for m, path, op in self.ops:
            self.assertIn("x-painel-groups", op, f"{m} {path}")
            self.assertIn("operationId", op, f"{m} {path}")
            self.assertTrue(any(s.startswith("2") for s in op["responses"]), f"{m} {path}")
            want = {"public": [], "user": [{"bearerAuth": []}], "ingest_key": [{"ingestKey": []}]}
            self.assertEqual(op["security"], want[op["x-painel-access"]], f"{m} {path}")
            for param in op.get("parameters", []):
                self.v.resolve(param)  # every $ref resolves
            # every $ref anywhere in the operation resolves
            for ref in re.findall(r'"\$ref": "([^"]+)"', json.dumps(op)):
                self.v.resolve({"$ref": ref})

    # --- (b) documented → answers ---
    def test_every_documented_operation_answers(self):
        not_served, bad = [], []
        for m, path, op in self.ops:
            if (m, path) not in self.served:
                not_served.append(f"{m.upper()} {path}")
                continue
            r = self.call(m, path, op)
            if r.status in (404, 405) or r.status >= 500:
                bad.append(f"{m.upper()} {path} → {r.status} {r.body[:200]}")
            elif str(r.status) not in op["responses"]:
                bad.append(f"{m.upper()} {path} → {r.status}, a status the document does not list")
            elif r.status == 200 and m == "get" and "304" in op["responses"]:
                if "etag" not in r.headers:
                    bad.append(f"GET {path}: no ETag")
            if op["x-painel-access"] == "user" and "ratelimit-limit" not in r.headers:
                bad.append(f"{m.upper()} {path}: no RateLimit headers")
        self.assertEqual(not_served, [], "documented in docs/openapi.json but not served")
        self.assertEqual(bad, [])

    def test_documented_bounds_and_enums_are_enforced(self):
        """Each documented query enum rejects an unknown value, each bounded integer
        rejects a value past its bound: 400 as the document promises."""
        bad = []
        for m, path, op in self.ops:
            if m != "get" or (m, path) not in self.served:
                continue
            for param in op.get("parameters", []):
                param = self.v.resolve(param)
                if param["in"] != "query" or (param["name"] == "tenant_id" and self.tenant_scoped(op)):
                    continue  # a tenant user naming any other tenant gets 403 (test_permissions.py)
                sch = self.v.resolve(param["schema"])
                probes = []
                if "enum" in sch:
                    probes.append("bogus-value")
                if sch.get("type") == "integer":
                    probes.append("abc")
                    if "maximum" in sch:
                        probes.append(str(sch["maximum"] + 1))
                    if "minimum" in sch:
                        probes.append(str(sch["minimum"] - 1))
                if sch.get("format") in ("uuid", "date"):
                    probes.append("not-valid")
                for value in probes:
                    r = self.call(m, path, op, {param["name"]: value})
                    if r.status != 400:
                        bad.append(f"GET {path}?{param['name']}={value} → {r.status}")
                    elif r.headers.get("content-type") != "application/problem+json":
                        bad.append(f"GET {path}?{param['name']}={value}: not a problem document")
        self.assertEqual(bad, [])

    def test_etag_if_none_match_gives_304(self):
        for path in ("/tenant/me", "/healthz", "/openapi.json"):
            op = self.op("get", path)
            r = self.call("get", path, op)
            self.assertIn("etag", r.headers, path)
            h = {"If-None-Match": r.headers["etag"]}
            token = self.w.token("TENANT_ADMIN") if op["x-painel-access"] == "user" else None
            r2 = self.p.get(path, token=token, headers=h)
            self.assertEqual(r2.status, 304, path)

    # --- (c) real answers validate ---
    def test_sample_answers_match_their_schemas(self):
        a, t = self.w.a, self.w.token
        samples = [
            ("/tenant/me", "", "TENANT_ADMIN"),
            ("/tenant/agents", "?status=all", "TENANT_ADMIN"),
            ("/tenant/integrations", "", "TENANT_ADMIN"),
            ("/tenant/integrations", "", "TENANT_USER"),
            ("/tenant/usage", "", "TENANT_ADMIN"),
            ("/tenant/usage", "?period=7d", "TENANT_USER"),
            ("/tenant/usage", f"?tenant_id={a}&from={day(5)}&to={day(0)}", "INTERNAL_SUPPORT"),
            ("/tenant/incidents", "?limit=30", "TENANT_USER"),
            ("/internal/tenants", "?status=all&sort_by=mrr_estimate", "INTERNAL_SUPPORT"),
            ("/internal/tenants/{id}", "", "INTERNAL_ADMIN"),
            ("/internal/tenants/{id}/agents", "", "INTERNAL_SUPPORT"),
            ("/internal/usage/overview", "?period=90d", "INTERNAL_ADMIN"),
            ("/internal/integrations", "?status=error", "INTERNAL_SUPPORT"),
            ("/internal/billing/overview", "?period=30d", "INTERNAL_ADMIN"),
            ("/internal/audit", "", "INTERNAL_ADMIN"),
            ("/internal/audit/verify", "", "INTERNAL_ADMIN"),
            ("/internal/alerts", "", "INTERNAL_SUPPORT"),
            ("/internal/alerts/deliveries", "", "INTERNAL_ADMIN"),
            ("/internal/agents", "?status=all", "INTERNAL_SUPPORT"),
            ("/internal/agents/{id}", "", "INTERNAL_ADMIN"),
            ("/auth/me", "", "TENANT_USER"),
            ("/auth/me", "", "INTERNAL_ADMIN"),
            ("/auth/sessions", "", "TENANT_USER"),
            ("/.well-known/jwks.json", "", None),
            ("/healthz", "", None),
            ("/readyz", "", None),
        ]
        if ("get", "/internal/operations/commands") in self.served:
            samples += [("/internal/operations/commands", "", "INTERNAL_SUPPORT"),
                        ("/internal/operations/commands/{id}", "", "INTERNAL_ADMIN")]
        if ("get", "/internal/users/{id}/sessions") in self.served:
            samples += [("/internal/users/{id}/sessions", "", "INTERNAL_SUPPORT")]
        if ("get", "/internal/incidents") in self.served:
            samples += [("/internal/incidents", "?limit=200", "INTERNAL_SUPPORT"),
                        ("/internal/incidents/{id}", "", "INTERNAL_ADMIN")]
        for path, query, who in samples:
            with self.subTest(path=path, query=query, who=who):
                concrete = path.replace("{id}", self.path_id(path))
                r = self.p.get(concrete + query, token=t(who) if who else None)
                self.assertEqual(r.status, 200, r)
                self.assert_valid("get", path, r.json())
        u = self.p.get("/tenant/usage", token=t("TENANT_USER")).json()
        self.assertNotIn("cost", u["summary"])  # documented as optional for that reason
        login = self.p.post("/auth/login", {"email": self.w.emails["TENANT_ADMIN"], "password": "painel-test-pw-1"})
        self.assertEqual(login.status, 200, login)
        self.assert_valid("post", "/auth/login", login.json())
        if ("post", "/internal/operations/commands") in self.served:
            r = self.p.post("/internal/operations/commands", {"command_type": "HEALTH_CHECK"}, token=t("INTERNAL_SUPPORT"))
            self.assertEqual(r.status, 202, r)
            self.assert_valid("post", "/internal/operations/commands", r.json(), "202")
        if ("post", "/internal/incidents") in self.served:
            r = self.p.post("/internal/incidents", {"tenant_id": None, "severity": "critical", "title": "Global"},
                            token=t("INTERNAL_SUPPORT"))
            self.assertEqual(r.status, 201, r)
            self.assert_valid("post", "/internal/incidents", r.json(), "201")
            r = self.p.request("PATCH", f"/internal/incidents/{r.json()['id']}", {"status": "resolved"},
                               token=t("INTERNAL_ADMIN"))
            self.assertEqual(r.status, 200, r)
            self.assert_valid("patch", "/internal/incidents/{id}", r.json())
        if ("post", "/ingest/usage") in self.served:
            ev = {"event_id": "openapi-sample", "tenant_id": a, "agent_id": self.w.agent2,
                  "occurred_at": day(0) + "T00:00:02Z", "status": "error", "response_time_ms": 900,
                  "tokens_used": 0, "cost": 0}
            r = self.p.post("/ingest/usage", {"events": [ev]}, token=self.ingest_key())
            self.assertEqual(r.status, 202, r)
            self.assert_valid("post", "/ingest/usage", r.json(), "202")
        if ("post", "/tenant/integrations") in self.served:
            r = self.p.post("/tenant/integrations", {"type": "crm", "name": "openapi sample", "config": {"x": 1},
                                                     "credentials": {"token": "t"}}, token=t("TENANT_ADMIN"))
            self.assertEqual(r.status, 201, r)
            self.assert_valid("post", "/tenant/integrations", r.json(), "201")
            iid = r.json()["id"]
            r = self.p.request("PATCH", f"/tenant/integrations/{iid}", body={"status": "inactive"},
                               token=t("TENANT_ADMIN"))
            self.assertEqual(r.status, 200, r)
            self.assert_valid("patch", "/tenant/integrations/{id}", r.json())
            self.assert_valid("get", "/tenant/integrations", self.p.get("/tenant/integrations", token=t("TENANT_ADMIN")).json())
        if ("post", "/ingest/integrations") in self.served:
            r = self.p.post("/ingest/integrations", {"integration_id": self.w.integ_err, "status": "error",
                                                     "synced_at": day(0) + "T00:00:03Z", "error": "x"},
                            token=self.ingest_key())
            self.assertEqual(r.status, 202, r)
            self.assert_valid("post", "/ingest/integrations", r.json(), "202")
        # errors are problem documents as documented
        for method, path, concrete, status in [("get", "/tenant/incidents", "/tenant/incidents?limit=0", "400"),
                                               ("get", "/tenant/me", "/tenant/me", "401")]:
            r = self.p.get(concrete, token=t("TENANT_ADMIN") if status != "401" else None)
            self.assertEqual(str(r.status), status)
            self.assertEqual(r.headers["content-type"], "application/problem+json")
            self.assert_valid(method, path, r.json(), status)

    def test_validator_rejects_broken_objects(self):
        me = self.p.get("/tenant/me", token=self.w.token("TENANT_ADMIN")).json()
        schema = self.response_schema("get", "/tenant/me")
        self.assertEqual(self.v.errors(me, schema), [])
        breakages = [
            lambda o: o.pop("name"),                                # required
            lambda o: o.__setitem__("status", "bogus"),             # enum
            lambda o: o.__setitem__("id", "not-a-uuid"),            # format
            lambda o: o.__setitem__("mrr_estimate", "1997"),        # type
            lambda o: o.__setitem__("surprise", 1),                 # additionalProperties
            lambda o: o["limits"].__setitem__("max_agents", -1),    # minimum
            lambda o: o["usage"].__setitem__("active_users", None),  # nested type
            lambda o: o.__setitem__("cnpj", 14),                    # type list [string, null]
        ]
        for i, brk in enumerate(breakages):
            broken = json.loads(json.dumps(me))
            brk(broken)
            self.assertNotEqual(self.v.errors(broken, schema), [], f"breakage {i} was not caught")
        usage = self.p.get("/tenant/usage", token=self.w.token("TENANT_ADMIN")).json()
        usage["by_agent"][0]["success_rate"] = 100.5                # maximum, via $ref in items
        self.assertNotEqual(self.v.errors(usage, self.response_schema("get", "/tenant/usage")), [])
        self.assertNotEqual(self.v.errors({"agents": {}}, self.response_schema("get", "/tenant/agents")), [])


if __name__ == "__main__":
    main()
