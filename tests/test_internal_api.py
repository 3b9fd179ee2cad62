"""Internal area routes: tenant list (filters, search, sort, paging), tenant detail,
usage overview, billing, audit log and its verification."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import BACKEND, Painel, main  # noqa: E402
from fixtures import World  # noqa: E402


class InternalApi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Painel("--cache-ttl-ms", "1").start()
        cls.w = World(cls.p)
        # more tenants for paging and sorting
        cls.extra = [cls.p.tenant(f"Empresa {i:02d}", plan=["starter", "professional", "enterprise"][i % 3],
                                  status="trial" if i % 4 == 0 else "active") for i in range(23)]

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()

    def get(self, path, who="INTERNAL_ADMIN"):
        return self.p.get(path, token=self.w.token(who))

    def test_list_shape_and_default_filter(self):
        b = self.get("/internal/tenants").json()
        self.assertEqual(b["limit"], 50)
        self.assertEqual(b["offset"], 0)
        self.assertTrue(all(t["status"] == "active" for t in b["tenants"]))
        self.assertEqual(b["total"], 2 + 23 - 6)
        a = [t for t in b["tenants"] if t["id"] == self.w.a][0]
        self.assertEqual(a["requests_last_30_days"], 180)
        self.assertEqual(a["active_agents"], 2)
        self.assertEqual(a["active_users"], 2)
        self.assertEqual(a["mrr_estimate"], 1997)
        self.assertEqual(self.get("/internal/tenants?status=all").json()["total"], 25)
        self.assertEqual(self.get("/internal/tenants?status=trial").json()["total"], 6)

    def test_search_by_name_and_cnpj(self):
        for q in ["padaria", "PADARIA", "11.222.333", "11222333000181", "11.222.333/0001-81"]:
            b = self.get("/internal/tenants?status=all&search=" + q.replace("/", "%2F")).json()
            self.assertEqual([t["id"] for t in b["tenants"]], [self.w.a], q)
        b = self.get("/internal/tenants?search=clinica").json()  # accent-insensitive
        self.assertEqual([t["id"] for t in b["tenants"]], [self.w.b])
        self.assertEqual(self.get("/internal/tenants?search=%25").json()["total"], 0)  # LIKE escaped

    def test_paging_is_stable_without_gaps(self):
        for sort in ["name", "created_at", "mrr_estimate"]:
            for order in ["asc", "desc"]:
                ids = []
                for off in range(0, 30, 4):
                    b = self.get(f"/internal/tenants?status=all&sort_by={sort}&sort_order={order}&limit=4&offset={off}").json()
                    ids += [t["id"] for t in b["tenants"]]
                self.assertEqual(len(ids), 25, (sort, order))
                self.assertEqual(len(set(ids)), 25, (sort, order))
        names = [t["name"] for t in self.get("/internal/tenants?status=all&limit=200").json()["tenants"]]
        self.assertEqual(names, sorted(names))

    def test_list_validation(self):
        for q in ["sort_by=cnpj", "sort_order=up", "limit=0", "limit=201", "limit=abc", "offset=-1",
                  "status=deleted", "plan=" + "x" * 51]:
            self.assertEqual(self.get("/internal/tenants?" + q).status, 400, q)

    def test_filters(self):
        b = self.get("/internal/tenants?status=all&plan=enterprise").json()
        self.assertTrue(b["total"] > 0 and all(t["plan"] == "enterprise" for t in b["tenants"]))
        b = self.get("/internal/tenants?status=all&plan=gold").json()  # any name, as the original (issue 21)
        self.assertEqual((b["tenants"], b["total"]), ([], 0))

    def test_tenant_detail(self):
        b = self.get(f"/internal/tenants/{self.w.a}").json()
        self.assertEqual(b["tenant"]["id"], self.w.a)
        self.assertIn("updated_at", b["tenant"])
        self.assertEqual(len(b["users"]), 2)
        self.assertEqual(len(b["agents"]), 3)
        self.assertEqual(b["integrations"][0]["last_error"], "token expired")
        self.assertEqual(b["usage_summary"], {"requests_last_7_days": 130, "requests_last_30_days": 180,
                                              "success_rate_last_30_days": 92.8})
        self.assertEqual(len(b["recent_incidents"]), 5)
        self.assertEqual(self.get("/internal/tenants/not-a-uuid").status, 400)
        self.assertEqual(self.get("/internal/tenants/00000000-0000-4000-8000-000000000000").status, 404)

    def test_tenant_agents(self):
        b = self.get(f"/internal/tenants/{self.w.a}/agents").json()
        a1 = [a for a in b["agents"] if a["id"] == self.w.agent1][0]
        self.assertEqual(a1["config"], {})
        self.assertEqual(a1["usage_stats"]["total_requests"], 150)
        self.assertEqual(a1["usage_stats"]["success_rate"], 93.3)
        self.assertIn("deactivated_at", a1)

    def test_usage_overview(self):
        b = self.get("/internal/usage/overview?period=30d").json()
        g = b["global_stats"]
        self.assertEqual(g["total_requests"], 180 + 7777)
        self.assertEqual(g["total_tenants"], 25)
        self.assertEqual(g["total_agents_deployed"], 3)
        self.assertEqual(b["top_tenants_by_usage"][0]["tenant_id"], self.w.b)
        self.assertEqual(len(b["daily_trends"]), 30)
        self.assertEqual(self.get("/internal/usage/overview?period=2d").status, 400)

    def test_billing_admin_only(self):
        self.assertEqual(self.get("/internal/billing/overview", who="INTERNAL_SUPPORT").status, 403)
        b = self.get("/internal/billing/overview?period=30d").json()
        fs = b["financial_summary"]
        self.assertEqual(fs["total_arr"], round(fs["total_mrr"] * 12, 2))
        self.assertGreater(fs["new_mrr_this_period"], 0)  # tenants created active today
        self.assertEqual(len(b["revenue_trend"]), 30)
        self.assertEqual(b["revenue_trend"][-1]["mrr"], fs["total_mrr"])
        plans = {p["plan_name"]: p for p in b["by_plan"]}
        self.assertIn("professional", plans)

    def test_audit_verify_detects_tampering(self):
        # every login was audited
        ev = self.get("/internal/audit?action=auth.login").json()
        self.assertGreaterEqual(ev["total"], 1)
        self.assertEqual(self.get("/internal/audit", who="INTERNAL_SUPPORT").status, 403)
        v = self.get("/internal/audit/verify").json()
        self.assertTrue(v["ok"], v)
        self.assertGreater(v["checked"], 0)


class AuditTamper(unittest.TestCase):
    def test_edit_behind_the_triggers_is_detected(self):
        p = Painel().start()
        try:
            p.user("root@alq.ai", "INTERNAL_ADMIN")
            tok = p.login("root@alq.ai", "painel-test-pw-1")["access_token"]
            p.login("root@alq.ai", "painel-test-pw-1")
            with self.assertRaises(Exception):  # append-only: UPDATE refused
                p.sql("UPDATE operational_events SET actor = 'x'")
            rows = p.sql("SELECT id FROM operational_events ORDER BY seq")
            victim = rows[1][0]
            p.sql("DROP TRIGGER operational_events_no_update" + (" ON operational_events" if BACKEND == "postgres" else ""))
            p.sql("UPDATE operational_events SET actor = 'mallory' WHERE id = ?", (victim,))
            v = p.get("/internal/audit/verify", token=tok).json()
            self.assertFalse(v["ok"])
            self.assertEqual(v["first_bad_id"], victim)
        finally:
            p.cleanup()


if __name__ == "__main__":
    main()
