"""Issue 21, Tests: the original system's clients work unchanged. This suite replays what the
original's frontend and console send — its 12 API routes (../shared/seed: 5 under /tenant, 7
under /internal) with every parameter variant its UI uses, the command bodies of its console
and integration test, its login, and the CORS preflights a browser sends from the frontend's
own origin — and checks each answer against the original's response types: field names, JSON
types and value sets, as API.md and the seed describe them. Shapes written here from those
documents, not read from Painel's code or OpenAPI document: a field renamed, retyped or
dropped by Painel fails here. Extra fields are allowed (API.md: "Add fields freely").

Behaviours with a suite of their own are referenced, not repeated: command effects and
refusals (test_compat_commands), problem+json `message`/`error` and CORS details
(test_compat_http), item 7's value sets (test_contract_values), ID tokens
(test_contract_id_tokens). Runs on SQLite and, with PAINEL_TEST_BACKEND=postgres, PostgreSQL."""
import base64
import json
import os
import re
import sys
import unittest
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from fixtures import PASSWORD  # noqa: E402
from harness import main  # noqa: E402
from test_commands import ROUTE as COMMANDS, CommandWorld  # noqa: E402

FRONTEND = "https://painel-frontend.example.com"  # the original frontend's own origin
REFUSED = "https://elsewhere.example.net"


# --- the type language: a shape is a Python type, a set of values, a Pattern, Nullable(x),
# [item shape] or {field: shape} (fields required, others allowed) -------------------------

class Pattern:
    def __init__(self, name, regex):
        self.name, self.re = name, re.compile(regex)


class Nullable:
    def __init__(self, shape):
        self.shape = shape


class Number:  # a JSON number (int or float, never a bool or a string)
    pass


class Money(Number):  # BRL as a JSON number, at most two decimals
    pass


UUID = Pattern("uuid", r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
INSTANT = Pattern("RFC 3339 UTC", r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")
DAY = Pattern("YYYY-MM-DD", r"^\d{4}-\d{2}-\d{2}$")


def mismatches(value, shape, path="$"):
    """Every place where `value` does not have `shape`, as readable strings."""
    if isinstance(shape, Nullable):
        return [] if value is None else mismatches(value, shape.shape, path)
    if value is None:
        return [f"{path}: null"]
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            return [f"{path}: {type(value).__name__}, not an object"]
        out = []
        for k, s in shape.items():
            if k not in value:
                out.append(f"{path}.{k}: missing")
            else:
                out += mismatches(value[k], s, f"{path}.{k}")
        return out
    if isinstance(shape, list):
        if not isinstance(value, list):
            return [f"{path}: {type(value).__name__}, not an array"]
        return [m for i, v in enumerate(value) for m in mismatches(v, shape[0], f"{path}[{i}]")]
    if isinstance(shape, (set, frozenset)):
        return [] if isinstance(value, str) and value in shape else [f"{path}: {value!r} not in {sorted(shape)}"]
    if isinstance(shape, Pattern):
        ok = isinstance(value, str) and shape.re.match(value)
        return [] if ok else [f"{path}: {value!r} is not {shape.name}"]
    if isinstance(shape, type) and issubclass(shape, Number):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return [f"{path}: {value!r} is not a number"]
        if shape is Money and abs(value * 100 - round(value * 100)) > 1e-6:
            return [f"{path}: {value!r} has more than two decimals"]
        return []
    if shape is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
        return [] if ok else [f"{path}: {value!r} is not an integer"]
    if shape is dict:
        return [] if isinstance(value, dict) else [f"{path}: {value!r} is not an object"]
    ok = isinstance(value, bool) if shape is bool else isinstance(value, shape) and not isinstance(value, bool)
    return [] if ok else [f"{path}: {value!r} is not {shape.__name__}"]


# --- the original's types (API.md, the seed) ------------------------------------------------

TENANT_STATUS = {"active", "trial", "suspended", "inactive"}
PLAN = {"starter", "professional", "enterprise"}
CONTRACT_STATUS = {"active", "inactive"}
SEVERITY = {"info", "warning", "error", "critical"}
INCIDENT_STATUS = {"open", "resolved"}
COMMAND_STATUS = {"PENDING", "RUNNING", "SUCCESS", "ERROR", "CANCELLED"}
COMMAND_TYPE = {"REPROCESS_QUEUE", "RESET_TOKEN", "RESTART_AGENT", "HEALTH_CHECK", "RESOLVE_INCIDENT",
                "FLUSH_TENANT_CACHE", "SUSPEND_TENANT", "REACTIVATE_TENANT", "PAUSE_AGENT", "RESUME_AGENT"}
GROUP = {"INTERNAL_ADMIN", "INTERNAL_SUPPORT", "TENANT_ADMIN", "TENANT_USER"}

USER = {"id": UUID, "email": str, "name": str, "groups": [GROUP], "role": str, "tenant_id": Nullable(UUID)}
LOGIN = {"access_token": str, "id_token": str, "token_type": {"Bearer"}, "expires_in": int,
         "refresh_token": str, "user": USER}

TENANT_BASE = {"id": UUID, "name": str, "cnpj": Nullable(str), "segment": str, "plan": PLAN,
               "status": TENANT_STATUS, "mrr_estimate": Money, "created_at": INSTANT}
TENANT_ME = dict(TENANT_BASE, limits={"max_agents": int, "max_users": int, "max_requests_per_month": int},
                 usage={"active_agents": int, "active_users": int, "requests_this_month": int})
TENANT_AGENTS = {"agents": [{"id": UUID, "name": str, "segment": str, "status": CONTRACT_STATUS,
                             "activated_at": Nullable(INSTANT),
                             "usage_last_30_days": {"total_requests": int, "success_rate": Number,
                                                    "avg_response_time_ms": Number}}]}
INTEGRATION = {"id": UUID, "type": str, "name": str, "status": str, "last_sync_at": Nullable(INSTANT),
               "last_error": Nullable(str)}
USAGE_SUMMARY = {"total_requests": int, "successful_requests": int, "failed_requests": int,
                 "success_rate": Number, "avg_response_time_ms": Number, "total_tokens": int}
TENANT_USAGE = {"period": str, "summary": USAGE_SUMMARY,
                "daily_data": [{"date": DAY, "total_requests": int, "successful_requests": int,
                                "failed_requests": int, "avg_response_time_ms": Number}],
                "by_agent": [{"agent_id": UUID, "agent_name": str, "total_requests": int, "success_rate": Number}]}
INCIDENT = {"id": UUID, "severity": SEVERITY, "title": str, "description": Nullable(str),
            "status": INCIDENT_STATUS, "created_at": INSTANT, "resolved_at": Nullable(INSTANT)}
INCIDENTS = {"incidents": [INCIDENT], "total": int}

TENANT_ROW = dict(TENANT_BASE, active_agents=int, active_users=int, requests_last_30_days=int)
TENANTS = {"tenants": [TENANT_ROW], "total": int, "limit": int, "offset": int}
COMMAND = {"command_id": UUID, "command_type": COMMAND_TYPE, "status": COMMAND_STATUS,
           "tenant_id": Nullable(UUID), "tenant_name": Nullable(str), "parameters": dict, "created_by": str,
           "created_at": INSTANT, "started_at": Nullable(INSTANT), "completed_at": Nullable(INSTANT),
           "output": Nullable(str), "error_message": Nullable(str)}
CONTRACTED_AGENT = {"id": UUID, "name": str, "status": CONTRACT_STATUS, "config": dict,
                    "activated_at": Nullable(INSTANT), "deactivated_at": Nullable(INSTANT),
                    "usage_stats": {"total_requests": int, "success_rate": Number,
                                    "avg_response_time_ms": Number, "last_request_at": Nullable(INSTANT)}}
TENANT_DETAIL = {"tenant": dict(TENANT_BASE, updated_at=INSTANT),
                 "users": [{"id": UUID, "email": str, "full_name": str, "role": str,
                            "last_login_at": Nullable(INSTANT)}],
                 "agents": [dict], "integrations": [INTEGRATION],
                 "usage_summary": {"requests_last_7_days": int, "requests_last_30_days": int,
                                   "success_rate_last_30_days": Number},
                 "recent_incidents": [INCIDENT],
                 "recent_commands": [{"command_id": UUID, "command_type": COMMAND_TYPE, "status": COMMAND_STATUS,
                                      "created_at": INSTANT}]}
USAGE_OVERVIEW = {"period": str,
                  "global_stats": {"total_tenants": int, "active_tenants": int, "total_agents_deployed": int,
                                   "total_requests": int, "global_success_rate": Number,
                                   "avg_response_time_ms": Number},
                  "top_tenants_by_usage": [{"tenant_id": UUID, "tenant_name": str, "total_requests": int,
                                            "success_rate": Number}],
                  "top_agents_by_usage": [{"agent_id": UUID, "agent_name": str, "deployed_count": int,
                                           "total_requests": int}],
                  "daily_trends": [{"date": DAY, "total_requests": int, "success_rate": Number,
                                    "active_tenants": int}]}
BILLING = {"period": str,
           "financial_summary": {"total_mrr": Money, "total_arr": Money, "avg_mrr_per_tenant": Money,
                                 "new_mrr_this_period": Money, "churned_mrr_this_period": Money},
           "by_plan": [{"plan_name": str, "tenant_count": int, "total_mrr": Money}],
           "by_segment": [{"segment": str, "tenant_count": int, "total_mrr": Money}],
           "revenue_trend": [{"date": DAY, "mrr": Money, "new_tenants": int, "churned_tenants": int}]}
ACCEPTED = {"command_id": UUID, "status": {"PENDING"}, "created_at": INSTANT, "message": str}

# The original frontend's calls: (path, method, headers its fetch sends) for the preflight sweep.
ORIGINAL_ROUTES = [
    ("/tenant/me", "GET"), ("/tenant/agents", "GET"), ("/tenant/integrations", "GET"),
    ("/tenant/usage", "GET"), ("/tenant/incidents", "GET"), ("/internal/tenants", "GET"),
    ("/internal/tenants/{id}", "GET"), ("/internal/tenants/{id}/agents", "GET"),
    ("/internal/usage/overview", "GET"), ("/internal/billing/overview", "GET"),
    (COMMANDS, "POST"), (COMMANDS, "GET"),
]


def jwt_claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


class ContractOriginal(CommandWorld, unittest.TestCase):
    SERVE_ARGS = ("--cors-origins", FRONTEND)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        w = cls.w
        cls.tokens = {who: w.token(who) for who in ("INTERNAL_ADMIN", "INTERNAL_SUPPORT", "TENANT_ADMIN",
                                                   "TENANT_USER")}
        # a resolved incident, a finished command and a logged-in user make every nullable field
        # of the answers take both forms
        cls.p.sql("UPDATE incidents SET resolved_at = created_at WHERE status = 'resolved'")
        cls.admin.run({"command_type": "FLUSH_TENANT_CACHE", "tenant_id": w.a, "parameters": {}})

    def answer(self, path, who="INTERNAL_ADMIN", shape=None, status=200):
        r = self.p.get(path, token=self.tokens[who])
        self.assertEqual(r.status, status, (path, who, r))
        if status != 200:
            return None
        self.assertTrue(r.headers["content-type"].startswith("application/json"), r.headers)
        b = r.json()
        if shape is not None:
            self.assertEqual(mismatches(b, shape), [], (path, who))
        return b

    # --- the checker itself fails on what it must catch --------------------------------------

    def test_the_checker_sees_each_kind_of_drift(self):
        shape = {"id": UUID, "n": int, "rate": Number, "price": Money, "at": Nullable(INSTANT),
                 "kind": {"a", "b"}, "items": [{"day": DAY}], "note": Nullable(str)}
        good = {"id": str(uuid.uuid4()), "n": 1, "rate": 99.5, "price": 12.3, "at": None, "kind": "a",
                "items": [{"day": "2026-01-02"}], "note": "x", "extra": True}
        self.assertEqual(mismatches(good, shape), [])
        for field, bad in [("id", "tenant-1"), ("n", "1"), ("n", True), ("n", 1.5), ("rate", "99.5"),
                           ("price", 12.345), ("at", "2026-01-02 10:00"), ("kind", "c"),
                           ("items", [{"day": "02/01/2026"}]), ("note", {"text": "x"})]:
            self.assertEqual(len(mismatches(dict(good, **{field: bad}), shape)), 1, (field, bad))
        self.assertEqual(mismatches({k: v for k, v in good.items() if k != "n"}, shape), ["$.n: missing"])

    # --- authentication ------------------------------------------------------------------------

    def test_login_refresh_me_and_token_claims(self):
        for who, email in self.w.emails.items():
            r = self.p.post("/auth/login", {"email": email, "password": PASSWORD})
            self.assertEqual(r.status, 200, r)
            b = r.json()
            self.assertEqual(mismatches(b, LOGIN), [], who)
            me = self.p.get("/auth/me", token=b["access_token"])
            self.assertEqual(me.status, 200, me)
            self.assertEqual(mismatches(me.json(), USER), [], who)
            self.assertEqual(me.json()["email"], email)
            # what the original's frontend reads from Cognito's tokens
            for token, use in ((b["access_token"], "access"), (b["id_token"], "id")):
                c = jwt_claims(token)
                self.assertEqual(c["token_use"], use)
                self.assertEqual(mismatches(c, {"sub": str, "cognito:groups": [GROUP], "iss": str, "exp": int,
                                                "iat": int, "token_use": str}), [], (who, use))
            idc = jwt_claims(b["id_token"])
            self.assertEqual(idc["email"], email)
            if b["user"]["tenant_id"]:
                self.assertEqual(idc["custom:tenant_id"], b["user"]["tenant_id"])
            r = self.p.post("/auth/refresh", {"refresh_token": b["refresh_token"]})
            self.assertEqual(r.status, 200, r)
            self.assertEqual(mismatches(r.json(), {"access_token": str, "token_type": {"Bearer"},
                                                   "expires_in": int, "refresh_token": str}), [], who)

    # --- the five tenant routes, as each group calls them ---------------------------------------

    def test_tenant_me(self):
        for who in ("TENANT_ADMIN", "TENANT_USER"):
            self.assertEqual(self.answer("/tenant/me", who, TENANT_ME)["id"], self.w.a)
        self.answer(f"/tenant/me?tenant_id={self.w.b}", "INTERNAL_SUPPORT", TENANT_ME)

    def test_tenant_agents_every_status(self):
        for q in ("", "?status=active", "?status=inactive", "?status=all"):
            b = self.answer(f"/tenant/agents{q}", "TENANT_ADMIN", TENANT_AGENTS)
            want = {"": {"active"}, "?status=active": {"active"}, "?status=inactive": {"inactive"},
                    "?status=all": {"active", "inactive"}}[q]
            self.assertEqual({a["status"] for a in b["agents"]}, want, q)
        self.answer(f"/tenant/agents?status=all&tenant_id={self.w.a}", "INTERNAL_ADMIN", TENANT_AGENTS)

    def test_tenant_integrations(self):
        b = self.answer("/tenant/integrations", "TENANT_ADMIN", {"integrations": [INTEGRATION]})
        self.assertIn("token expired", [i["last_error"] for i in b["integrations"]])
        # the original hides the error text from TENANT_USER: the field is absent
        b = self.answer("/tenant/integrations", "TENANT_USER",
                        {"integrations": [{k: v for k, v in INTEGRATION.items() if k != "last_error"}]})
        self.assertTrue(b["integrations"])
        self.assertTrue(all("last_error" not in i for i in b["integrations"]))

    def test_tenant_usage_every_period(self):
        for q, days in (("", 30), ("?period=7d", 7), ("?period=30d", 30), ("?period=90d", 90),
                        (f"?period=30d&agent_id={self.w.agent1}", 30)):
            admin = self.answer(f"/tenant/usage{q}", "TENANT_ADMIN", dict(TENANT_USAGE, summary=dict(
                USAGE_SUMMARY, cost=Money)))
            self.assertEqual(len(admin["daily_data"]), days, q)
            user = self.answer(f"/tenant/usage{q}", "TENANT_USER", TENANT_USAGE)
            self.assertNotIn("cost", user["summary"], q)  # cost only for TENANT_ADMIN and staff
        self.answer(f"/tenant/usage?period=7d&tenant_id={self.w.a}", "INTERNAL_SUPPORT",
                    dict(TENANT_USAGE, summary=dict(USAGE_SUMMARY, cost=Money)))

    def test_tenant_incidents_every_filter_and_page(self):
        everyone = self.answer("/tenant/incidents", "TENANT_USER", INCIDENTS)
        self.assertEqual(len(everyone["incidents"]), 20)  # the original's default page
        self.assertGreaterEqual(everyone["total"], 25)  # the fixture's, and any a health check opened
        for status in ("open", "resolved"):
            b = self.answer(f"/tenant/incidents?status={status}&limit=50", "TENANT_ADMIN", INCIDENTS)
            self.assertEqual({i["status"] for i in b["incidents"]}, {status})
            if status == "resolved":
                self.assertTrue(all(i["resolved_at"] for i in b["incidents"]))
        b = self.answer("/tenant/incidents?limit=10&offset=20", "TENANT_ADMIN", INCIDENTS)
        self.assertEqual((len(b["incidents"]), b["total"]), (everyone["total"] - 20, everyone["total"]))

    # --- the seven internal routes ------------------------------------------------------------

    def test_internal_tenants_every_variant_the_ui_sends(self):
        variants = ["", "?status=active", "?status=trial", "?status=suspended", "?status=inactive", "?status=all",
                    "?plan=starter", "?plan=professional", "?plan=enterprise", "?segment=varejo",
                    "?search=padaria", "?search=11222333", "?search=11.222.333/0001-81",
                    "?sort_by=name&sort_order=asc", "?sort_by=created_at&sort_order=desc",
                    "?sort_by=mrr_estimate&sort_order=desc", "?limit=1&offset=1", "?status=all&limit=200"]
        for q in variants:
            for who in ("INTERNAL_ADMIN", "INTERNAL_SUPPORT"):
                self.answer(f"/internal/tenants{q}", who, TENANTS)
        b = self.answer("/internal/tenants?search=11222333", shape=TENANTS)
        self.assertEqual([t["id"] for t in b["tenants"]], [self.w.a])
        b = self.answer("/internal/tenants?limit=1&offset=1", shape=TENANTS)
        self.assertEqual((b["total"], b["limit"], b["offset"], len(b["tenants"])), (2, 1, 1, 1))

    def test_internal_tenant_detail_and_agents(self):
        for who in ("INTERNAL_ADMIN", "INTERNAL_SUPPORT"):
            b = self.answer(f"/internal/tenants/{self.w.a}", who, TENANT_DETAIL)
            self.assertTrue(b["users"] and b["agents"] and b["integrations"] and b["recent_incidents"]
                            and b["recent_commands"])
            b = self.answer(f"/internal/tenants/{self.w.a}/agents", who, {"agents": [CONTRACTED_AGENT]})
            self.assertEqual({a["status"] for a in b["agents"]}, {"active", "inactive"})

    def test_usage_and_billing_overviews_every_period(self):
        for q in ("", "?period=7d", "?period=30d", "?period=90d"):
            b = self.answer(f"/internal/usage/overview{q}", "INTERNAL_SUPPORT", USAGE_OVERVIEW)
            self.assertTrue(b["top_tenants_by_usage"] and b["top_agents_by_usage"], q)
            self.answer(f"/internal/billing/overview{q}", "INTERNAL_ADMIN", BILLING)
        self.answer("/internal/billing/overview", "INTERNAL_SUPPORT", status=403)  # ADMIN only

    # --- commands: the console's and the integration test's bodies, then the list ------------

    def test_console_and_integration_test_bodies_and_the_list(self):
        iid = str(uuid.uuid4())
        self.p.sql("INSERT INTO tenant_integrations(id, tenant_id, type, name, status, credential_sealed, "
                   "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)",
                   (iid, self.w.a, "crm", "CRM Contrato", "active", "sealed", "2026-01-01T00:00:00Z",
                    "2026-01-01T00:00:00Z"))
        bodies = [
            {"command_type": "HEALTH_CHECK", "parameters": {}},
            {"command_type": "HEALTH_CHECK", "tenant_id": self.w.a, "parameters": {}},
            {"command_type": "RESET_TOKEN", "parameters": {"tenant_id": self.w.a, "integration_id": iid}},
            {"command_type": "RESTART_AGENT", "parameters": {"tenant_id": self.w.a, "agent_id": self.w.agent1}},
            {"command_type": "REPROCESS_QUEUE", "parameters": {"queue_name": "test-queue", "max_messages": 100}},
            {"command_type": "REPROCESS_QUEUE", "tenant_id": self.w.b,
             "parameters": {"queue_name": "leads", "message_ids": ["msg-1"], "message_count": 1}},
            {"command_type": "FLUSH_TENANT_CACHE", "tenant_id": self.w.b, "parameters": {}},
        ]
        ids = []
        for body in bodies:
            r = self.admin.create(body)
            self.assertEqual(r.status, 202, (body, r))
            self.assertEqual(mismatches(r.json(), ACCEPTED), [], body)
            ids.append(r.json()["command_id"])
        for cid, body in zip(ids, bodies):
            done = self.admin.wait(cid)
            self.assertEqual(mismatches(done, COMMAND), [], body)
            self.assertEqual(done["status"], "SUCCESS", done)
            self.assertIsInstance(done["output"], str)  # what the history table renders
        for q in ("", "?status=all", "?status=SUCCESS", "?status=PENDING", "?command_type=HEALTH_CHECK",
                  f"?tenant_id={self.w.a}", f"?status=SUCCESS&command_type=RESET_TOKEN&tenant_id={self.w.a}"):
            for who in ("INTERNAL_ADMIN", "INTERNAL_SUPPORT"):
                b = self.answer(f"{COMMANDS}{q}", who, {"commands": [COMMAND], "total": int})
            if q.startswith("?command_type"):
                self.assertEqual({c["command_type"] for c in b["commands"]}, {"HEALTH_CHECK"})
        b = self.answer(f"{COMMANDS}?tenant_id={self.w.a}", shape={"commands": [COMMAND], "total": int})
        self.assertTrue(set(ids[1:4]) <= {c["command_id"] for c in b["commands"]})
        created = [c["created_at"] for c in self.answer(COMMANDS)["commands"]]
        self.assertEqual(created, sorted(created, reverse=True))  # newest first
        # effects and refusals of these bodies: test_compat_commands

    # --- the browser's side: a preflight before each call of the original frontend -----------

    def test_preflight_of_every_original_call(self):
        for path, method in ORIGINAL_ROUTES:
            path = path.replace("{id}", self.w.a)
            h = {"Origin": FRONTEND, "Access-Control-Request-Method": method,
                 "Access-Control-Request-Headers": "authorization, content-type"}
            r = self.p.request("OPTIONS", path, headers=h)
            self.assertEqual(r.status, 204, (path, r))
            self.assertEqual(r.headers["access-control-allow-origin"], FRONTEND)
            self.assertIn(method, [m.strip() for m in r.headers["access-control-allow-methods"].split(",")], path)
            allowed = [x.strip().lower() for x in r.headers["access-control-allow-headers"].split(",")]
            self.assertTrue({"authorization", "content-type"} <= set(allowed), path)
            # the call itself: the browser hands the answer to the page only with the origin echoed
            token = self.tokens["TENANT_ADMIN" if path.startswith("/tenant") else "INTERNAL_ADMIN"]
            if method == "GET":
                r = self.p.get(path, token=token, headers={"Origin": FRONTEND})
                self.assertEqual(r.status, 200, (path, r))
                self.assertEqual(r.headers["access-control-allow-origin"], FRONTEND, path)
            # another origin: no CORS header, so the browser refuses the call
            r = self.p.request("OPTIONS", path, headers=dict(h, Origin=REFUSED))
            self.assertEqual(r.status, 405, path)
            self.assertFalse([k for k in r.headers if k.startswith("access-control-")], path)
            r = self.p.get(path, token=token, headers={"Origin": REFUSED})
            self.assertFalse([k for k in r.headers if k.startswith("access-control-")], path)


if __name__ == "__main__":
    main()
