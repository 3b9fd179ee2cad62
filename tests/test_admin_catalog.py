"""The agent catalog (issue 15, API.md "Administration — the write side"): GET/POST
/internal/agents, GET/PATCH /internal/agents/{id} — shapes, filters, accent-folded search,
paging, validation 400s, 403/404, 409 same name, 412 If-Match, retirement, audit rows
(before → after), cache invalidation, MRR after a price change, and `painel agents`."""
import json
import os
import sys
import unittest
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import Painel, main  # noqa: E402
from fixtures import World  # noqa: E402

ROUTE = "/internal/agents"
KEYS = {"id", "slug", "name", "segment", "subnucleus", "description", "status", "price_monthly",
        "deployed_count", "created_at", "updated_at"}


class Catalog(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Painel().start()
        cls.w = World(cls.p)

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()

    def get(self, path, who="INTERNAL_ADMIN"):
        return self.p.get(path, token=self.w.token(who))

    def post(self, body, who="INTERNAL_ADMIN"):
        return self.p.post(ROUTE, body, token=self.w.token(who))

    def patch(self, aid, body, who="INTERNAL_ADMIN", if_match=None):
        h = {"If-Match": if_match} if if_match else None
        return self.p.request("PATCH", f"{ROUTE}/{aid}", body=body, token=self.w.token(who), headers=h)

    def create(self, name, segment="testes", subnucleus="sophia", **extra):
        r = self.post(dict({"name": name, "segment": segment, "subnucleus": subnucleus}, **extra))
        self.assertEqual(r.status, 201, r)
        return r.json()

    def audit(self, target):
        return [(a, json.loads(m)) for a, m in self.p.sql(
            "SELECT action, metadata FROM operational_events WHERE target = ? ORDER BY seq", (target,))]

    # --- reads ---
    def test_list_shape_order_and_deployed_count(self):
        b = self.get(ROUTE + "?segment=servicos").json()
        self.assertEqual((b["total"], b["limit"], b["offset"]), (3, 50, 0))
        self.assertEqual([a["name"] for a in b["agents"]], ["Agendador", "Agente de Cobrança", "Atendente Virtual"])
        for a in b["agents"]:
            self.assertEqual(set(a), KEYS)
            self.assertEqual(a["status"], "active")
            self.assertEqual(a["updated_at"], a["created_at"])  # never edited
        by_id = {a["id"]: a for a in b["agents"]}
        # active contracts only: agent1 for A and B, agent2 for A, agent3 inactive at A
        self.assertEqual(by_id[self.w.agent1]["deployed_count"], 2)
        self.assertEqual(by_id[self.w.agent2]["deployed_count"], 1)
        self.assertEqual(by_id[self.w.agent3]["deployed_count"], 0)
        self.assertEqual(by_id[self.w.agent2]["price_monthly"], 299)
        self.assertEqual(by_id[self.w.agent1]["subnucleus"], "hermes")

    def test_search_folds_case_and_accents(self):
        for q in ["cobranca", "COBRANÇA", "Cobran"]:
            b = self.get(ROUTE + "?status=all&search=" + q.replace("Ç", "%C3%87")).json()
            self.assertEqual([a["id"] for a in b["agents"]], [self.w.agent2], q)
            self.assertEqual(b["total"], 1)
        self.assertEqual(self.get(ROUTE + "?search=%25").json()["total"], 0)
        self.assertEqual(self.get(ROUTE + "?segment=nada-disso").json()["total"], 0)

    def test_paging_is_stable(self):
        ids = []
        for off in range(3):
            b = self.get(f"{ROUTE}?segment=servicos&limit=1&offset={off}").json()
            self.assertEqual(b["total"], 3)
            ids += [a["id"] for a in b["agents"]]
        self.assertEqual(len(set(ids)), 3)
        b = self.get(f"{ROUTE}?segment=servicos&search=a&limit=2&offset=2").json()
        self.assertEqual((b["total"], len(b["agents"])), (3, 1))

    def test_bad_query_values_are_400(self):
        for q in ["status=bogus", "limit=0", "limit=201", "offset=-1"]:
            r = self.get(f"{ROUTE}?{q}")
            self.assertEqual(r.status, 400, q)
            self.assertEqual(r.headers["content-type"], "application/problem+json")

    def test_one_agent_with_etag_and_404(self):
        r = self.get(f"{ROUTE}/{self.w.agent1}", "INTERNAL_SUPPORT")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(set(r.json()), KEYS)
        self.assertEqual(r.json()["name"], "Atendente Virtual")
        self.assertTrue(r.headers.get("etag"))
        r2 = self.p.get(f"{ROUTE}/{self.w.agent1}", token=self.w.token("INTERNAL_SUPPORT"),
                        headers={"If-None-Match": r.headers["etag"]})
        self.assertEqual(r2.status, 304)
        self.assertEqual(self.get(f"{ROUTE}/{uuid.uuid4()}").status, 404)
        self.assertEqual(self.get(f"{ROUTE}/not-a-uuid").status, 400)

    def test_roles(self):
        for who in ("INTERNAL_ADMIN", "INTERNAL_SUPPORT"):
            self.assertEqual(self.get(ROUTE, who).status, 200, who)
        for who in ("TENANT_ADMIN", "TENANT_USER"):
            self.assertEqual(self.get(ROUTE, who).status, 403, who)
            self.assertEqual(self.get(f"{ROUTE}/{self.w.agent1}", who).status, 403, who)
        body = {"name": "Proibido", "segment": "x", "subnucleus": "atlas"}
        for who in ("INTERNAL_SUPPORT", "TENANT_ADMIN", "TENANT_USER"):
            self.assertEqual(self.post(body, who).status, 403, who)
            self.assertEqual(self.patch(self.w.agent1, {"status": "retired"}, who).status, 403, who)
        self.assertEqual(self.p.get(ROUTE).status, 401)
        self.assertEqual(self.get(f"{ROUTE}/{self.w.agent1}").json()["status"], "active")

    # --- create ---
    def test_create_answer_audit_and_read_back(self):
        r = self.post({"name": "Triagem Clínica", "segment": "saude", "subnucleus": "oracle",
                       "description": "classifica pedidos", "price_monthly": "149.90"})
        self.assertEqual(r.status, 201, r)
        a = r.json()
        self.assertEqual(set(a), KEYS)
        self.assertEqual((a["name"], a["segment"], a["subnucleus"], a["status"]),
                         ("Triagem Clínica", "saude", "oracle", "active"))
        self.assertEqual(a["slug"], "triagem-clinica")
        self.assertEqual(a["price_monthly"], 149.9)
        self.assertEqual(a["deployed_count"], 0)
        self.assertEqual(r.headers["location"], f"{ROUTE}/{a['id']}")
        g = self.get(f"{ROUTE}/{a['id']}")
        self.assertEqual(g.json(), a)
        self.assertEqual(g.headers["etag"], r.headers["etag"])
        rows = self.audit(a["id"])
        self.assertEqual([x for x, _ in rows], ["agent.create"])
        ch = rows[0][1]["changes"]
        self.assertEqual(ch["name"], {"from": None, "to": "Triagem Clínica"})
        self.assertEqual(ch["price_monthly"], {"from": "0", "to": "149.90"})
        actor = self.p.sql("SELECT actor, role FROM operational_events WHERE target = ?", (a["id"],))[0]
        self.assertEqual(tuple(actor), (self.w.users["INTERNAL_ADMIN"], "INTERNAL_ADMIN"))

    def test_same_name_is_409_without_case_or_accents(self):
        self.create("Leitor de Notas")
        for name in ["Leitor de Notas", "LEITOR DE NOTAS", "Léitor  de notas", "Agente de Cobranca"]:
            r = self.post({"name": name, "segment": "x", "subnucleus": "atlas"})
            self.assertEqual(r.status, 409, (name, r))
            self.assertEqual(r.headers["content-type"], "application/problem+json")

    def test_slug_is_unique(self):
        a = self.create("Resumo & Co")
        b = self.create("Resumo e Co!")  # another name, the same slug
        self.assertEqual(a["slug"], "resumo-e-co")
        self.assertEqual(b["slug"], "resumo-e-co-2")
        self.assertEqual(self.create("Resumo: e co")["slug"], "resumo-e-co-3")

    def test_create_validation_is_400_naming_the_field(self):
        ok = {"name": "Valida", "segment": "x", "subnucleus": "atlas"}
        cases = [(dict(ok, colour="red"), "colour"), ({"segment": "x", "subnucleus": "atlas"}, "name"),
                 (dict(ok, name="   "), "name"), (dict(ok, name="x" * 201), "name"),
                 (dict(ok, subnucleus="alchemy"), "subnucleus"), (dict(ok, segment=3), "segment"),
                 (dict(ok, price_monthly="1.234"), "price_monthly"),
                 (dict(ok, price_monthly=-5), "price_monthly"), (dict(ok, status="retired"), "status")]
        for body, field in cases:
            r = self.post(body)
            self.assertEqual(r.status, 400, (body, r))
            self.assertIn(field, r.json()["detail"], body)
        r = self.p.post(ROUTE, raw=b"not json", token=self.w.token("INTERNAL_ADMIN"),
                        headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 400)
        self.assertEqual(self.get(ROUTE + "?status=all&search=Valida").json()["total"], 0)

    # --- edit, retire ---
    def test_patch_with_if_match_and_audit(self):
        a = self.create("Editavel", price_monthly=10)
        etag = self.get(f"{ROUTE}/{a['id']}").headers["etag"]
        r = self.patch(a["id"], {"price_monthly": 12.5, "description": "nova"}, if_match=etag)
        self.assertEqual(r.status, 200, r)
        b = r.json()
        self.assertEqual((b["price_monthly"], b["description"], b["name"]), (12.5, "nova", "Editavel"))
        self.assertNotEqual(r.headers["etag"], etag)
        self.assertEqual(self.get(f"{ROUTE}/{a['id']}").headers["etag"], r.headers["etag"])
        # the old tag is stale now
        r = self.patch(a["id"], {"name": "Outro"}, if_match=etag)
        self.assertEqual(r.status, 412, r)
        self.assertEqual(self.get(f"{ROUTE}/{a['id']}").json()["name"], "Editavel")
        rows = self.audit(a["id"])
        self.assertEqual([x for x, _ in rows], ["agent.create", "agent.update"])
        self.assertEqual(rows[1][1]["changes"], {"description": {"from": "", "to": "nova"},
                                                 "price_monthly": {"from": "10", "to": "12.50"}})
        # no change: 200, nothing audited
        self.assertEqual(self.patch(a["id"], {"description": "nova"}).status, 200)
        self.assertEqual(len(self.audit(a["id"])), 2)

    def test_patch_refusals(self):
        a = self.create("Recusas")
        self.assertEqual(self.patch(str(uuid.uuid4()), {"name": "x"}).status, 404)
        self.assertEqual(self.patch("nope", {"name": "x"}).status, 400)
        self.assertEqual(self.patch(a["id"], {"name": "Agendador"}).status, 409)
        for body, field in [({"status": "deleted"}, "status"), ({"name": None}, "name"),
                            ({"id": a["id"]}, "id"), ({"subnucleus": "x"}, "subnucleus")]:
            r = self.patch(a["id"], body)
            self.assertEqual(r.status, 400, (body, r))
            self.assertIn(field, r.json()["detail"])
        # renaming to its own name in other case is allowed
        self.assertEqual(self.patch(a["id"], {"name": "RECUSAS"}).status, 200)

    def test_retire_and_reactivate(self):
        a = self.create("Aposentado")
        r = self.patch(a["id"], {"status": "retired"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["status"], "retired")
        self.assertGreaterEqual(r.json()["updated_at"], r.json()["created_at"])
        ids = lambda q: [x["id"] for x in self.get(f"{ROUTE}?search=aposentado{q}").json()["agents"]]  # noqa: E731
        self.assertEqual(ids(""), [])
        self.assertEqual(ids("&status=retired"), [a["id"]])
        self.assertEqual(ids("&status=all"), [a["id"]])
        rows = self.audit(a["id"])
        self.assertEqual(rows[-1][0], "agent.retire")
        self.assertEqual(rows[-1][1]["changes"], {"status": {"from": "active", "to": "retired"}})
        self.assertEqual(self.patch(a["id"], {"status": "active"}).json()["status"], "active")
        self.assertEqual(self.audit(a["id"])[-1][0], "agent.update")

    def test_price_change_moves_mrr_of_contracting_tenants(self):
        t = self.p.tenant("Mrr Catalogo Ltda")  # starter: R$ 499.00
        a = self.create("Precificado", price_monthly=100)
        self.p.sql("INSERT INTO tenant_agents(id, tenant_id, agent_id, status, activated_at) VALUES (?,?,?,?,?)",
                   (str(uuid.uuid4()), t, a["id"], "active", "2026-01-01T00:00:00Z"))
        self.assertEqual(self.get(f"{ROUTE}/{a['id']}").json()["deployed_count"], 1)
        self.assertEqual(self.patch(a["id"], {"price_monthly": 200}).status, 200)
        self.assertEqual(self.get(f"/internal/tenants/{t}").json()["tenant"]["mrr_estimate"], 699)

    def test_writes_drop_cached_lists(self):
        q = ROUTE + "?segment=cache-test&status=all"
        self.get(q)
        self.assertEqual(self.get(q).headers.get("x-cache"), "hit")
        a = self.create("Cacheado", segment="cache-test")
        r = self.get(q)
        self.assertEqual(r.headers.get("x-cache"), "miss")
        self.assertEqual([x["id"] for x in r.json()["agents"]], [a["id"]])
        self.get(q)
        self.patch(a["id"], {"status": "retired"})
        self.assertEqual(self.get(q).json()["agents"][0]["status"], "retired")

    # --- command line ---
    def test_cli_create_list_retire(self):
        r = self.p.cli("agents", "create", "--name", "Via CLI", "--segment", "cli", "--subnucleus", "atlas",
                       "--price", "59.90", "--description", "feito no terminal")
        aid = r.stdout.strip()
        a = self.get(f"{ROUTE}/{aid}").json()
        self.assertEqual((a["name"], a["price_monthly"], a["description"]), ("Via CLI", 59.9, "feito no terminal"))
        self.assertEqual(self.audit(aid)[0][0], "agent.create")
        self.assertEqual(self.p.sql("SELECT actor FROM operational_events WHERE target = ?", (aid,))[0][0], "cli")
        # refused by the store: exit 1, one line
        r = self.p.cli("agents", "create", "--name", "VIA cli", "--segment", "cli", "--subnucleus", "atlas", check=False)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        self.assertIn("already", r.stderr)
        # bad arguments: exit 2
        for args in (["create", "--name", "X", "--segment", "s", "--subnucleus", "nope"],
                     ["create", "--name", "X", "--segment", "s", "--subnucleus", "atlas", "--price", "abc"],
                     ["create", "--segment", "s", "--subnucleus", "atlas"],
                     ["list", "--status", "bogus"], ["retire", "not-a-uuid"]):
            r = self.p.cli("agents", *args, check=False)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
        listed = json.loads(self.p.cli("agents", "list", "--json").stdout)
        self.assertIn(aid, [x["id"] for x in listed["agents"]])
        self.assertEqual(listed["total"], len(listed["agents"]))
        self.assertTrue(all(x["status"] == "active" for x in listed["agents"]))
        retired = json.loads(self.p.cli("agents", "retire", aid, "--json").stdout)
        self.assertEqual(retired["status"], "retired")
        self.assertEqual(self.get(f"{ROUTE}/{aid}").json()["status"], "retired")
        self.assertEqual(self.audit(aid)[-1][0], "agent.retire")
        listed = self.p.cli("agents", "list", "--status", "retired").stdout
        self.assertIn(aid, listed)
        r = self.p.cli("agents", "retire", str(uuid.uuid4()), check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("not found", r.stderr)


if __name__ == "__main__":
    main()
