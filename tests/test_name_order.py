"""Issue 21, item 8: every list sorted by name comes out in the order a Brazilian reader expects
(accents and case do not move a name: "Ótica" before "universo", "avião" before "Zeta"), on
SQLite and PostgreSQL, and paging through such a list neither skips nor repeats a name.

Lists: /internal/tenants (default order, sort_by=name, both directions, with and without a
status filter), the agent catalog /internal/agents, a tenant's contracted agents
(/tenant/agents, /internal/tenants/{id}/agents, the detail's agents[]) and its people (the
detail's users[]). Names are written through every path that sets one: create (CLI and API)
and rename (PATCH)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from fixtures import PASSWORD  # noqa: E402
from harness import Painel, main  # noqa: E402

# Byte order (what the lists gave before): Universo Tecnologia, Zeta, avião, universo, Água,
# Ética, Ótica Rio Claro.
PT_BR = ["Água", "avião", "Ética", "Ótica Rio Claro", "universo", "Universo Tecnologia", "Zeta"]
RENAMED = "Ética"  # written first as PLACEHOLDER, then renamed through PATCH
PLACEHOLDER = "Provisório"


def names(items, key="name"):
    return [x[key] for x in items]


class NameOrder(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        p = cls.p = Painel().start()
        p.user("root@alq.ai", "INTERNAL_ADMIN")
        cls.admin = p.login("root@alq.ai", PASSWORD)["access_token"]
        # Tenants: created by the CLI (store::create_tenant), one renamed through the API.
        cls.tenants = {}
        for name in PT_BR:
            cls.tenants[name] = p.tenant(PLACEHOLDER if name == RENAMED else name, plan="enterprise")
        cls.patch(f"/internal/tenants/{cls.tenants[RENAMED]}", {"name": RENAMED})
        cls.zeta = cls.tenants["Zeta"]
        # People of one tenant: the tenant admin and five users, one renamed.
        users = {}
        for i, name in enumerate(PT_BR[:-1]):
            group = "TENANT_ADMIN" if i == 0 else "TENANT_USER"
            users[name] = p.user(f"u{i}@zeta.com", group, cls.zeta, name=PLACEHOLDER if name == RENAMED else name)
        cls.patch(f"/internal/users/{users[RENAMED]}", {"name": RENAMED})
        cls.tenant_admin = p.login("u0@zeta.com", PASSWORD)["access_token"]
        # Agents: created through the API, one renamed; each contracted by the tenant.
        for name in PT_BR:
            r = p.post("/internal/agents", {"name": PLACEHOLDER if name == RENAMED else name,
                                            "segment": "testes", "subnucleus": "atlas"}, token=cls.admin)
            assert r.status == 201, r
            aid = r.json()["id"]
            if name == RENAMED:
                cls.patch(f"/internal/agents/{aid}", {"name": RENAMED})
            r = p.request("PUT", f"/internal/tenants/{cls.zeta}/agents/{aid}", body={"status": "active"},
                          token=cls.admin)
            assert r.status == 201, r

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()

    @classmethod
    def patch(cls, path, body):
        r = cls.p.request("PATCH", path, body=body, token=cls.admin)
        assert r.status == 200, (path, r)

    def get(self, path, token=None):
        r = self.p.get(path, token=token or self.admin)
        self.assertEqual(r.status, 200, r)
        return r.json()

    def test_tenants_list_in_pt_br_order(self):
        for q in ("status=all", "status=all&sort_by=name", "status=all&sort_by=name&sort_order=asc",
                  "status=active", "status=active&sort_by=name"):
            with self.subTest(q=q):
                self.assertEqual(names(self.get(f"/internal/tenants?{q}")["tenants"]), PT_BR)
        for q in ("status=all&sort_order=desc", "status=active&sort_by=name&sort_order=desc"):
            with self.subTest(q=q):
                self.assertEqual(names(self.get(f"/internal/tenants?{q}")["tenants"]), PT_BR[::-1])
        # a search keeps the order of what it finds
        self.assertEqual(names(self.get("/internal/tenants?status=all&search=UNIVERSO")["tenants"]),
                         ["universo", "Universo Tecnologia"])

    def test_tenants_pages_neither_skip_nor_repeat(self):
        for order, expected in (("asc", PT_BR), ("desc", PT_BR[::-1])):
            for limit in (1, 2, 3, 4):
                with self.subTest(order=order, limit=limit):
                    seen = []
                    for offset in range(0, len(PT_BR) + limit, limit):
                        b = self.get(f"/internal/tenants?status=all&sort_order={order}&limit={limit}&offset={offset}")
                        self.assertEqual(b["total"], len(PT_BR))
                        seen += names(b["tenants"])
                    self.assertEqual(seen, expected)

    def test_names_equal_but_for_accents_and_case_keep_one_order(self):
        p = Painel().start()
        try:
            p.user("root@alq.ai", "INTERNAL_ADMIN")
            token = p.login("root@alq.ai", PASSWORD)["access_token"]
            for name in ("etica", "Ética", "ETICA", "Etica", "Ética Á"):
                p.tenant(name)
            pages = []
            for offset in range(5):
                r = p.get(f"/internal/tenants?limit=1&offset={offset}", token=token)
                pages += names(r.json()["tenants"])
            # one key ("etica"): the names' bytes break the tie, the same on both stores
            self.assertEqual(pages, ["ETICA", "Etica", "etica", "Ética", "Ética Á"])
        finally:
            p.cleanup()

    def test_agent_catalog_in_pt_br_order(self):
        self.assertEqual(names(self.get("/internal/agents")["agents"]), PT_BR)
        self.assertEqual(names(self.get("/internal/agents?status=active")["agents"]), PT_BR)
        seen = []
        for offset in range(0, len(PT_BR), 2):
            seen += names(self.get(f"/internal/agents?limit=2&offset={offset}")["agents"])
        self.assertEqual(seen, PT_BR)

    def test_contracted_agents_in_pt_br_order(self):
        self.assertEqual(names(self.get("/tenant/agents?status=all", self.tenant_admin)["agents"]), PT_BR)
        self.assertEqual(names(self.get("/tenant/agents", self.tenant_admin)["agents"]), PT_BR)
        self.assertEqual(names(self.get(f"/internal/tenants/{self.zeta}/agents")["agents"]), PT_BR)
        self.assertEqual(names(self.get(f"/internal/tenants/{self.zeta}")["agents"]), PT_BR)

    def test_tenant_people_in_pt_br_order(self):
        users = self.get(f"/internal/tenants/{self.zeta}")["users"]
        self.assertEqual(names(users, "full_name"), PT_BR[:-1])


if __name__ == "__main__":
    main()
