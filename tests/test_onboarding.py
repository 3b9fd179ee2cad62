"""The scenario that matters most (issue #15): onboard a customer from zero with nothing but
the API — on an empty store, a staff admin creates the tenant, a catalog agent and the
contract; the tenant gets its admin and an ingest key; the platform sends usage events;
the aggregation runs; the tenant admin sees the figures and staff see the MRR move."""
import datetime
import os
import sys
import time
import unittest
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import Painel, main  # noqa: E402

UTC = datetime.timezone.utc
PASSWORD = "onboarding-pass-2026"


class OnboardFromZero(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Painel("--aggregate-dirty-interval-ms", "200").start()

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()

    def wait_for(self, fn, timeout=15):
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            last = fn()
            if last:
                return last
            time.sleep(0.1)
        self.fail(f"condition not reached (last: {last!r})")

    def test_a_customer_from_zero_to_figures(self):
        p = self.p
        # The one thing no API can do on an empty store: the first staff admin.
        p.user("ops@alquimista.ai", "INTERNAL_ADMIN", password=PASSWORD)
        staff = p.login("ops@alquimista.ai", PASSWORD)["access_token"]

        # An empty store: no tenants, no catalog, no usage.
        self.assertEqual(p.get("/internal/tenants?status=all", token=staff).json()["total"], 0)
        self.assertEqual(p.get("/internal/agents?status=all", token=staff).json()["total"], 0)

        # 1. the tenant
        r = p.post("/internal/tenants", {"name": "Ótica Visão Clara Ltda", "cnpj": "11.444.777/0001-61",
                                         "segment": "varejo", "plan": "starter", "status": "active"},
                   token=staff)
        self.assertEqual(r.status, 201, r)
        tenant = r.json()["tenant"] if "tenant" in r.json() else r.json()
        tid = tenant["id"]
        self.assertEqual(tenant["status"], "active")

        # 2. the catalog agent
        r = p.post("/internal/agents", {"name": "Atendente Óptico", "segment": "varejo",
                                        "subnucleus": "hermes", "price_monthly": 199.90}, token=staff)
        self.assertEqual(r.status, 201, r)
        agent_id = r.json()["id"]

        # 3. the contract
        r = p.request("PUT", f"/internal/tenants/{tid}/agents/{agent_id}", {"status": "active"}, token=staff)
        self.assertEqual(r.status, 201, r)

        # 4. the tenant's admin (the CLI until the users API lands) and 5. an ingest key
        p.user("dona@oticavisao.com.br", "TENANT_ADMIN", tenant=tid, password=PASSWORD)
        key = p.cli("keys", "create", "--name", "plataforma").stdout.strip()

        # 6. the platform reports usage
        now = datetime.datetime.now(UTC) - datetime.timedelta(minutes=2)
        events = [{"event_id": str(uuid.uuid4()), "tenant_id": tid, "agent_id": agent_id,
                   "occurred_at": now.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                   "status": "success" if i % 10 else "error", "response_time_ms": 200 + i,
                   "tokens_used": 50, "cost": 0.01} for i in range(40)]
        r = p.post("/ingest/usage", {"events": events}, token=key)
        self.assertEqual(r.status, 202, r)
        self.assertEqual(r.json()["accepted"], 40)

        # 7. the aggregation runs by itself; 8. the tenant admin sees the figures
        owner = p.login("dona@oticavisao.com.br", PASSWORD)["access_token"]

        def usage_total():
            u = p.get("/tenant/usage?period=7d", token=owner,
                      headers={"Cache-Control": "no-cache"}).json()
            return u if u["summary"]["total_requests"] == 40 else None
        u = self.wait_for(usage_total)
        self.assertEqual(u["summary"]["failed_requests"], 4)
        self.assertEqual(u["by_agent"][0]["agent_id"], agent_id)

        me = p.get("/tenant/me", token=owner).json()
        self.assertEqual(me["id"], tid)
        self.assertEqual(me["usage"]["active_agents"], 1)
        self.assertEqual(me["usage"]["active_users"], 1)
        agents = p.get("/tenant/agents", token=owner).json()["agents"]
        self.assertEqual([a["id"] for a in agents], [agent_id])
        self.assertEqual(agents[0]["usage_last_30_days"]["total_requests"], 40)

        # staff: the catalog counts the deployment; MRR = plan + agent, one number everywhere
        cat = p.get(f"/internal/agents/{agent_id}", token=staff).json()
        self.assertEqual(cat["deployed_count"], 1)
        bill = p.get("/internal/billing/overview?period=30d", token=staff).json()
        self.assertAlmostEqual(bill["financial_summary"]["total_mrr"], 499.00 + 199.90, places=2)
        self.assertAlmostEqual(bill["revenue_trend"][-1]["mrr"], bill["financial_summary"]["total_mrr"], places=2)


if __name__ == "__main__":
    main()
