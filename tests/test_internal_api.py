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


class BillingPeriodEdges(unittest.TestCase):
    """The billing overview's trend, new and churned MRR for a custom period, with tenants
    activated and cancelled before, on and after its edges (the first and last instants of
    its São Paulo days) and one row written back-dated after a later one: against figures
    worked out by hand and a fold of every history row written here in Python."""

    def test_figures_across_the_period_edges(self):
        import datetime
        from fixtures import TODAY, ZONE
        p = Painel("--cache-ttl-ms", "1").start()
        try:
            p.user("root@alq.ai", "INTERNAL_ADMIN")
            tok = p.login("root@alq.ai", "painel-test-pw-1")["access_token"]
            first, last = TODAY - datetime.timedelta(days=10), TODAY - datetime.timedelta(days=8)

            def start_ms(d):  # the first instant of local day d
                return int(datetime.datetime(d.year, d.month, d.day, tzinfo=ZONE).timestamp() * 1000)

            def iso(ms):
                t = datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)
                return t.isoformat(timespec="milliseconds").replace("+00:00", "Z")

            hour, day_ms = 3600 * 1000, 86400 * 1000
            t0, t1 = start_ms(first), start_ms(last + datetime.timedelta(days=1))
            ids = {n: p.tenant(f"Borda {n}", status="trial") for n in "ABCEFG"}

            def add(n, old, new, mrr, ms):
                p.sql("INSERT INTO tenant_status_history(tenant_id, old_status, new_status, mrr_cents, "
                      "changed_at) VALUES (?,?,?,?,?)", (ids[n], old, new, mrr, iso(ms)))

            add("A", "inactive", "active", 10000, t0 - 1)        # the last instant before
            add("B", "inactive", "active", 20000, t0)            # the first instant: new
            add("C", "inactive", "active", 40000, t0 - 5 * day_ms)
            add("C", "active", "suspended", 40000, t0 + day_ms + hour)  # churn, second day
            add("E", "inactive", "active", 80000, t1)            # after the period
            add("F", "inactive", "trial", 0, t0 - 10 * day_ms)
            add("F", "trial", "active", 1000, t1 - 1)            # the last instant: new
            add("G", "active", "suspended", 160000, t0 + 2 * hour)  # churn, first day…
            add("G", "inactive", "active", 160000, t0 - 2 * day_ms)  # …of a later-written activation

            b = p.get(f"/internal/billing/overview?from={first}&to={last}", token=tok).json()
            trend = [(d["date"], round(d["mrr"] * 100), d["new_tenants"], d["churned_tenants"])
                     for d in b["revenue_trend"]]
            days = [(first + datetime.timedelta(days=i)).isoformat() for i in range(3)]
            self.assertEqual(trend, [(days[0], 70000, 1, 1), (days[1], 30000, 0, 1), (days[2], 31000, 1, 0)])
            fs = b["financial_summary"]
            self.assertEqual(round(fs["new_mrr_this_period"] * 100), 21000)
            self.assertEqual(round(fs["churned_mrr_this_period"] * 100), 200000)

            # The same from a fold of every row (the tenants' creation rows included).
            rows = p.sql("SELECT tenant_id, coalesce(old_status, ''), new_status, mrr_cents, changed_at "
                         "FROM tenant_status_history ORDER BY changed_at, id")

            def local_date(at):
                t = at if isinstance(at, datetime.datetime) else \
                    datetime.datetime.fromisoformat(str(at).replace("Z", "+00:00"))
                return t.astimezone(ZONE).date()

            for f, l in [(first, last), (first - datetime.timedelta(days=3), last),
                         (first + datetime.timedelta(days=1), last + datetime.timedelta(days=2))]:
                paying, want, new_mrr, churned_mrr = {}, {}, 0, 0
                for tenant, old, new, mrr, at in rows:
                    d = local_date(at)
                    if d > l:
                        break
                    paying.pop(tenant, None)
                    if new == "active":
                        paying[tenant] = mrr
                    if d >= f:
                        act = new == "active" and old != "active"
                        churn = old == "active" and new in ("suspended", "inactive")
                        n, c = want.get(d, (0, 0))
                        want[d] = (n + act, c + churn)
                        new_mrr += mrr if act else 0
                        churned_mrr += mrr if churn else 0
                    want[("mrr", d)] = sum(paying.values())
                expected, mrr_now = [], None
                for i in range((l - f).days + 1):
                    d = f + datetime.timedelta(days=i)
                    if ("mrr", d) in want:
                        mrr_now = want[("mrr", d)]
                    elif mrr_now is None:  # no row yet in the period: the MRR before it
                        before = {}
                        for tenant, _, new, mrr, at in rows:
                            if local_date(at) < f:
                                before.pop(tenant, None)
                                if new == "active":
                                    before[tenant] = mrr
                        mrr_now = sum(before.values())
                    expected.append((d.isoformat(), mrr_now) + want.get(d, (0, 0)))
                b = p.get(f"/internal/billing/overview?from={f}&to={l}", token=tok).json()
                got = [(d["date"], round(d["mrr"] * 100), d["new_tenants"], d["churned_tenants"])
                       for d in b["revenue_trend"]]
                self.assertEqual(got, expected, (f, l))
                self.assertEqual(round(b["financial_summary"]["new_mrr_this_period"] * 100), new_mrr)
                self.assertEqual(round(b["financial_summary"]["churned_mrr_this_period"] * 100), churned_mrr)
        finally:
            p.cleanup()


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
