"""Tenant area routes: shapes, exact figures, validation, isolation, ETag, caching."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import Painel, main  # noqa: E402
from fixtures import World, day  # noqa: E402


class TenantApi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Painel().start()
        cls.w = World(cls.p)

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()

    def get(self, path, who="TENANT_ADMIN"):
        return self.p.get(path, token=self.w.token(who))

    def test_me_shape_and_figures(self):
        r = self.get("/tenant/me")
        self.assertEqual(r.status, 200, r)
        b = r.json()
        self.assertEqual(b["id"], self.w.a)
        self.assertEqual(b["name"], "Padaria Estrela Ltda")
        self.assertEqual(b["cnpj"], "11222333000181")
        self.assertEqual(b["plan"], "professional")
        self.assertEqual(b["limits"], {"max_agents": 10, "max_users": 20, "max_requests_per_month": 50000})
        self.assertEqual(b["usage"]["active_agents"], 2)
        self.assertEqual(b["usage"]["active_users"], 2)
        # plan 1499.00 + active agents 199.00 + 299.00
        self.assertEqual(b["mrr_estimate"], 1997)
        for k in ("segment", "status", "created_at"):
            self.assertIn(k, b)

    def test_agents_usage_last_30_days(self):
        b = self.get("/tenant/agents").json()
        by_id = {a["id"]: a for a in b["agents"]}
        self.assertEqual(set(by_id), {self.w.agent1, self.w.agent2})  # default: active only
        u1 = by_id[self.w.agent1]["usage_last_30_days"]
        self.assertEqual(u1["total_requests"], 150)
        self.assertEqual(u1["success_rate"], 93.3)       # 140/150
        self.assertEqual(u1["avg_response_time_ms"], 400)  # 60000/150, weighted
        self.assertEqual(by_id[self.w.agent2]["usage_last_30_days"]["success_rate"], 90.0)
        allb = self.get("/tenant/agents?status=all").json()
        self.assertEqual(len(allb["agents"]), 3)
        inactive = self.get("/tenant/agents?status=inactive").json()
        self.assertEqual([a["id"] for a in inactive["agents"]], [self.w.agent3])
        self.assertEqual(inactive["agents"][0]["usage_last_30_days"]["success_rate"], 0)
        self.assertEqual(self.get("/tenant/agents?status=bogus").status, 400)

    def test_integrations_last_error_hidden_from_tenant_user(self):
        a = self.get("/tenant/integrations").json()["integrations"]
        self.assertEqual(a[0]["last_error"], "token expired")
        u = self.get("/tenant/integrations", who="TENANT_USER").json()["integrations"]
        self.assertNotIn("last_error", u[0])
        self.assertEqual(len(u), 1)

    def test_usage_exact_figures(self):
        b = self.get("/tenant/usage?period=30d").json()
        s = b["summary"]
        self.assertEqual(b["period"], "30d")
        self.assertEqual(s["total_requests"], 180)
        self.assertEqual(s["successful_requests"], 167)
        self.assertEqual(s["failed_requests"], 13)
        self.assertEqual(s["success_rate"], 92.8)  # 167/180 = 92.78
        self.assertEqual(s["avg_response_time_ms"], 500)  # 90000/180
        self.assertEqual(s["total_tokens"], 1800)
        self.assertEqual(s["cost"], 4.65)
        self.assertEqual(len(b["daily_data"]), 30)
        d1 = [d for d in b["daily_data"] if d["date"] == day(1)][0]
        self.assertEqual(d1["total_requests"], 100)
        self.assertEqual(d1["avg_response_time_ms"], 500)
        self.assertEqual({a["agent_id"]: a["total_requests"] for a in b["by_agent"]},
                         {self.w.agent1: 150, self.w.agent2: 30})
        b7 = self.get("/tenant/usage?period=7d").json()
        self.assertEqual(b7["summary"]["total_requests"], 130)
        b90 = self.get("/tenant/usage?period=90d").json()
        self.assertEqual(b90["summary"]["total_requests"], 1180)
        one = self.get(f"/tenant/usage?period=30d&agent_id={self.w.agent2}").json()
        self.assertEqual(one["summary"]["total_requests"], 30)
        rng = self.get(f"/tenant/usage?from={day(2)}&to={day(1)}").json()
        self.assertEqual(rng["summary"]["total_requests"], 130)
        self.assertEqual(len(rng["daily_data"]), 2)

    def test_usage_cost_only_for_admins(self):
        u = self.get("/tenant/usage", who="TENANT_USER").json()
        self.assertNotIn("cost", u["summary"])
        i = self.p.get(f"/tenant/usage?tenant_id={self.w.a}", token=self.w.token("INTERNAL_SUPPORT")).json()
        self.assertEqual(i["summary"]["cost"], 4.65)

    def test_usage_validation_errors(self):
        for q in ["period=1y", "from=2026-01-05&to=2026-01-01", "from=2025-01-01&to=2026-06-01",
                  "from=2026-13-01&to=2026-12-01", "from=2026-01-01", "period=7d&from=2026-01-01&to=2026-01-02",
                  "agent_id=not-a-uuid"]:
            r = self.get("/tenant/usage?" + q)
            self.assertEqual(r.status, 400, q)
            self.assertEqual(r.headers["content-type"], "application/problem+json")

    def test_usage_of_foreign_agent_is_404(self):
        r = self.get("/tenant/usage?agent_id=" + "00000000-0000-4000-8000-000000000000")
        self.assertEqual(r.status, 404)

    def test_incidents_paging_without_gaps(self):
        seen = []
        for off in range(0, 30, 7):
            b = self.get(f"/tenant/incidents?limit=7&offset={off}").json()
            self.assertEqual(b["total"], 25)
            seen += [i["id"] for i in b["incidents"]]
        self.assertEqual(len(seen), 25)
        self.assertEqual(set(seen), set(self.w.incidents))
        self.assertEqual(len(self.get("/tenant/incidents").json()["incidents"]), 20)  # default limit
        self.assertEqual(self.get("/tenant/incidents?status=open").json()["total"], 12)
        for q in ["limit=0", "limit=201", "limit=abc", "offset=-1", "status=closed"]:
            self.assertEqual(self.get("/tenant/incidents?" + q).status, 400, q)

    def test_isolation(self):
        # A's user naming B → 403; B's figures never in A's.
        self.assertEqual(self.get(f"/tenant/me?tenant_id={self.w.b}").status, 403)
        self.assertEqual(self.get(f"/tenant/me?tenant_id={self.w.a}").status, 200)
        b = self.p.get("/tenant/usage", token=self.w.token("B_ADMIN")).json()
        self.assertEqual(b["summary"]["total_requests"], 7777)
        inc = self.p.get("/tenant/incidents", token=self.w.token("B_ADMIN")).json()
        self.assertEqual(inc["total"], 1)

    def test_internal_users_must_name_tenant(self):
        t = self.w.token("INTERNAL_ADMIN")
        self.assertEqual(self.p.get("/tenant/me", token=t).status, 400)
        self.assertEqual(self.p.get("/tenant/me?tenant_id=xyz", token=t).status, 400)
        self.assertEqual(self.p.get("/tenant/me?tenant_id=00000000-0000-4000-8000-000000000000", token=t).status, 404)
        r = self.p.get(f"/tenant/me?tenant_id={self.w.b}", token=t)
        self.assertEqual(r.json()["id"], self.w.b)
        # the internal read is audited
        a = self.p.get(f"/internal/audit?action=tenant.read&tenant_id={self.w.b}", token=t).json()
        self.assertGreaterEqual(a["total"], 1)

    def test_etag_and_304(self):
        r = self.get("/tenant/me")
        etag = r.headers["etag"]
        r2 = self.p.get("/tenant/me", token=self.w.token("TENANT_ADMIN"), headers={"If-None-Match": etag})
        self.assertEqual(r2.status, 304)
        self.assertEqual(r2.body, "")

    def test_rate_limit_headers(self):
        r = self.get("/tenant/me")
        for h in ("ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"):
            self.assertIn(h, r.headers)


if __name__ == "__main__":
    main()
