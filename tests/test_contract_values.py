"""Issue 21, item 7: the values the original system defines, checked against the real server
(SQLite, or PostgreSQL with PAINEL_TEST_BACKEND=postgres). docs/compatibility.md lists them.

- incident severity is the original design's info | warning | error | critical; Painel's
  former low | medium | high are refused with 400 in bodies and filters;
- users[].role of the tenant detail is the original's admin | user, Painel's group is in
  users[].group;
- the plan filter of GET /internal/tenants takes any plan name (unknown → 200, empty list),
  still 400 when over-long or with control characters;
- the shipped plans carry the original's limits (professional 20 users, 50 000 requests);
- migration 19 moves a store still at the limits shipped before, and leaves a plan an
  operator changed alone."""
import os
import re
import subprocess
import sys
import unittest
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import BACKEND, SRC, Painel, main  # noqa: E402
from fixtures import World  # noqa: E402

SEVERITIES = ["info", "warning", "error", "critical"]
OLD_SEVERITIES = ["low", "medium", "high"]
# (max_agents, max_users, max_requests_per_month): the original's GET /tenant/me table.
ORIGINAL_LIMITS = {"starter": (3, 5, 10000), "professional": (10, 20, 50000), "enterprise": (50, 100, 500000)}
# What migration 1 shipped.
OLD_LIMITS = {"starter": (3, 5, 10000), "professional": (10, 25, 100000), "enterprise": (50, 200, 1000000)}


def limits_dict(t):
    return dict(zip(("max_agents", "max_users", "max_requests_per_month"), t))


class ContractValues(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Painel("--cache-ttl-ms", "1").start()
        cls.w = World(cls.p)
        cls.ent = cls.p.tenant("Rede Enterprise Ltda", plan="enterprise")

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()

    def req(self, method, path, body=None, who="INTERNAL_ADMIN"):
        return self.p.request(method, path, body=body, token=self.w.token(who))

    def assert_refused(self, r, text):
        self.assertEqual(r.status, 400, r)
        b = r.json()
        self.assertEqual(b["error"], "validation-failed", b)
        self.assertIn(text, b["detail"])

    # --- severity ---

    def test_severity_words_of_the_original(self):
        created = {}
        for s in SEVERITIES:
            r = self.req("POST", "/internal/incidents", {"tenant_id": self.w.b, "severity": s,
                                                          "title": f"Contrato {s}", "description": ""})
            self.assertEqual(r.status, 201, r)
            self.assertEqual(r.json()["severity"], s)
            created[r.json()["id"]] = s
        seen = {i["id"]: i["severity"] for i in self.req("GET", "/tenant/incidents", who="B_ADMIN").json()["incidents"]}
        for iid, s in created.items():
            self.assertEqual(seen.get(iid), s)
        self.assertTrue(set(seen.values()) <= set(SEVERITIES), seen)
        for s in SEVERITIES:
            b = self.req("GET", f"/internal/incidents?status=all&severity={s}&limit=200").json()
            self.assertTrue(b["incidents"], s)
            self.assertEqual({i["severity"] for i in b["incidents"]}, {s})

    def test_old_severity_words_are_refused(self):
        r = self.req("POST", "/internal/incidents", {"tenant_id": self.w.b, "severity": "warning", "title": "Atual"})
        self.assertEqual(r.status, 201, r)
        iid = r.json()["id"]
        for s in OLD_SEVERITIES:
            self.assert_refused(self.req("POST", "/internal/incidents", {"tenant_id": self.w.b, "severity": s,
                                                                         "title": "Velho"}), "severity")
            self.assert_refused(self.req("GET", f"/internal/incidents?severity={s}"), "severity")
            self.assert_refused(self.req("PATCH", f"/internal/incidents/{iid}", {"severity": s}), "severity")
        incidents = self.req("GET", "/internal/incidents?status=all&limit=200").json()["incidents"]
        self.assertNotIn("Velho", [i["title"] for i in incidents])
        self.assertEqual([i["severity"] for i in incidents if i["id"] == iid], ["warning"])

    # --- users[].role and users[].group ---

    def test_tenant_detail_users_speak_the_originals_roles(self):
        users = self.req("GET", f"/internal/tenants/{self.w.a}").json()["users"]
        by_email = {u["email"]: u for u in users}
        self.assertEqual(set(by_email), {"admin@a.com", "user@a.com"})
        self.assertEqual((by_email["admin@a.com"]["role"], by_email["admin@a.com"]["group"]), ("admin", "TENANT_ADMIN"))
        self.assertEqual((by_email["user@a.com"]["role"], by_email["user@a.com"]["group"]), ("user", "TENANT_USER"))
        for u in users:
            self.assertEqual(set(u), {"id", "email", "full_name", "role", "group", "last_login_at"})
        # the same answer to support staff
        support = self.req("GET", f"/internal/tenants/{self.w.a}", who="INTERNAL_SUPPORT").json()["users"]
        self.assertEqual(sorted(u["role"] for u in support), ["admin", "user"])

    # --- the plan filter ---

    def tenants(self, query):
        r = self.req("GET", "/internal/tenants?status=all&" + query)
        self.assertEqual(r.status, 200, (query, r))
        return r.json()

    def test_plan_filter_takes_any_plan_name(self):
        for plan in ["gold", "Professional", "trial", "plano-pr%C3%AAmio", "x" * 50]:
            b = self.tenants("plan=" + plan)
            self.assertEqual((b["tenants"], b["total"]), ([], 0), plan)
        b = self.tenants("plan=professional")
        self.assertEqual([t["id"] for t in b["tenants"]], [self.w.a])
        b = self.tenants("plan=enterprise")
        self.assertEqual([t["id"] for t in b["tenants"]], [self.ent])
        self.assertEqual(self.tenants("plan=")["total"], 3)  # empty: no filter

    def test_plan_filter_still_refuses_bad_text(self):
        self.assert_refused(self.req("GET", "/internal/tenants?plan=" + "x" * 51), "plan")
        # control characters and text that is not UTF-8 are refused at the edge (malformed target)
        for bad in ["gold%01", "gold%0A", "%FF"]:
            self.assertEqual(self.req("GET", "/internal/tenants?plan=" + bad).status, 400, bad)

    # --- plan limits ---

    def test_plan_limits_are_the_originals(self):
        me = self.req("GET", "/tenant/me", who="TENANT_ADMIN").json()
        self.assertEqual((me["plan"], me["limits"]), ("professional", limits_dict(ORIGINAL_LIMITS["professional"])))
        me = self.req("GET", "/tenant/me", who="B_ADMIN").json()
        self.assertEqual((me["plan"], me["limits"]), ("starter", limits_dict(ORIGINAL_LIMITS["starter"])))
        t = self.req("GET", f"/internal/tenants/{self.ent}").json()["tenant"]
        self.assertEqual(t["limits"], limits_dict(ORIGINAL_LIMITS["enterprise"]))
        rows = {r[0]: tuple(r[1:]) for r in self.p.sql(
            "SELECT name, max_agents, max_users, max_requests_per_month FROM plans")}
        self.assertEqual(rows, ORIGINAL_LIMITS)


def migrations_from_source(dialect):
    """(version, name, sql) of each migration written as a raw string in the dialect's
    migrations.cpp: the schema a released binary built."""
    path = os.path.join(SRC, "src/store", dialect, "migrations.cpp")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    # The name may be split over adjacent literals where clang-format wraps a long line.
    found = [(int(v), "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', n)), sql) for v, n, sql in
             re.findall(r'\{(\d+),\s*((?:"(?:[^"\\]|\\.)*"\s*)+),\s*R"SQL\((.*?)\)SQL"', text, re.S)]
    assert [v for v, _, _ in found[:18]] == list(range(1, 19)), [v for v, _, _ in found]
    return found


def build_store_at_18(p):
    """Gives p's fresh store schema 18, as the release before migration 19 left it."""
    if BACKEND == "postgres":
        script = ["CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, "
                  "applied_at timestamptz NOT NULL);"]
        for v, name, sql in migrations_from_source("postgres")[:18]:
            script += [sql, "INSERT INTO schema_migrations VALUES (%d, '%s', now());" % (v, name.replace("'", "''"))]
        r = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-1", "-d", p.db], input="\n".join(script),
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        return
    import sqlite3
    c = sqlite3.connect(p.db)
    try:
        c.executescript("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                        "applied_at TEXT NOT NULL)")
        for v, name, sql in migrations_from_source("sqlite")[:18]:
            c.executescript(sql)
            c.execute("INSERT INTO schema_migrations VALUES (?, ?, '2026-01-01T00:00:00Z')", (v, name))
        c.commit()
    finally:
        c.close()


class Migration19(unittest.TestCase):
    def setUp(self):
        self.p = Painel()
        self.addCleanup(self.p.cleanup)
        build_store_at_18(self.p)

    def plans(self):
        return {r[0]: tuple(r[1:]) for r in self.p.sql(
            "SELECT name, max_agents, max_users, max_requests_per_month FROM plans")}

    def test_old_defaults_move_a_changed_plan_stays(self):
        self.assertEqual(self.plans(), OLD_LIMITS)
        self.assertEqual(self.p.sql("SELECT max(version) FROM schema_migrations"), [(18,)])
        # an operator gave enterprise more users; a tenant has its own override
        self.p.sql("UPDATE plans SET max_users = 150 WHERE name = 'enterprise'")
        self.p.start()
        versions = [r[0] for r in self.p.sql("SELECT version FROM schema_migrations ORDER BY version")]
        self.assertIn(19, versions)
        got = self.plans()
        self.assertEqual(got["starter"], ORIGINAL_LIMITS["starter"])
        self.assertEqual(got["professional"], ORIGINAL_LIMITS["professional"])
        self.assertEqual(got["enterprise"], (50, 150, 1000000))  # the operator's values, untouched
        # what a client reads afterwards
        t = self.p.tenant("Depois Ltda", plan="professional")
        self.p.user("staff@m19.test", "INTERNAL_ADMIN")
        token = self.p.login("staff@m19.test", "painel-test-pw-1")["access_token"]
        b = self.p.get(f"/internal/tenants/{t}", token=token).json()
        self.assertEqual(b["tenant"]["limits"], limits_dict(ORIGINAL_LIMITS["professional"]))

    def test_tenant_overrides_survive(self):
        tid = str(uuid.uuid4())
        now = "2026-01-01T00:00:00Z"
        self.p.sql("INSERT INTO tenants(id, name, name_search, segment, plan, status, created_at, updated_at, "
                   "max_users) VALUES (?, 'Antiga Ltda', 'antiga ltda', 'outros', 'professional', 'active', ?, ?, 25)",
                   (tid, now, now))
        self.p.start()
        self.p.user("staff@m19.test", "INTERNAL_ADMIN")
        token = self.p.login("staff@m19.test", "painel-test-pw-1")["access_token"]
        t = self.p.get(f"/internal/tenants/{tid}", token=token).json()["tenant"]
        self.assertEqual(t["limits"], {"max_agents": 10, "max_users": 25, "max_requests_per_month": 50000})
        self.assertEqual(t["limit_overrides"], {"max_agents": None, "max_users": 25, "max_requests_per_month": None})


if __name__ == "__main__":
    main()
