"""Administration, incidents (API.md "Administration — the write side"): the staff's list
(filters, page, order), read with ETag, open (a tenant's or a global one), change (title,
description, severity, resolve / reopen, If-Match), audit rows, fresh cached tenant answers,
the tenant read (own + global, never another tenant's, API.md's words) and
`painel incidents open|resolve|list`."""
import json
import os
import sys
import unittest
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import Painel, main  # noqa: E402
from fixtures import World  # noqa: E402

MISSING = "00000000-0000-4000-8000-000000000000"


class AdminIncidents(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # A long cache TTL: answers must be dropped by the writes, not expire.
        cls.p = Painel("--cache-ttl-ms", "600000").start()
        cls.w = World(cls.p)

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()

    def tok(self, who):
        return self.w.token(who)

    def get(self, path, who="INTERNAL_ADMIN", **kw):
        return self.p.get(path, token=self.tok(who), **kw)

    def post(self, body, who="INTERNAL_ADMIN", **kw):
        return self.p.post("/internal/incidents", body, token=self.tok(who), **kw)

    def patch(self, iid, body, who="INTERNAL_ADMIN", headers=None):
        return self.p.request("PATCH", f"/internal/incidents/{iid}", body, token=self.tok(who), headers=headers)

    def open(self, tenant, title, severity="warning", who="INTERNAL_ADMIN", description="d"):
        r = self.post({"tenant_id": tenant, "severity": severity, "title": title, "description": description}, who)
        self.assertEqual(r.status, 201, r)
        return r.json()

    def tenant_ids(self, who="TENANT_ADMIN", q="limit=200"):
        b = self.p.get("/tenant/incidents?" + q, token=self.tok(who)).json()
        return {i["id"]: i for i in b["incidents"]}

    def audit_rows(self, iid):
        return self.p.sql("SELECT action, actor, role, tenant_id, metadata FROM operational_events "
                          "WHERE target = ? ORDER BY seq", (iid,))

    # --- create ---
    def test_open_shape_location_etag_audit(self):
        r = self.post({"tenant_id": self.w.a, "severity": "error", "title": "  Fila parada  ",
                       "description": "Mensagens não saem"}, "INTERNAL_SUPPORT")
        self.assertEqual(r.status, 201, r)
        b = r.json()
        self.assertEqual(set(b), {"id", "tenant_id", "tenant_name", "severity", "title", "description", "status",
                                  "source", "created_at", "resolved_at", "resolved_by"})
        self.assertEqual((b["tenant_id"], b["tenant_name"], b["severity"], b["title"], b["status"], b["source"]),
                         (self.w.a, "Padaria Estrela Ltda", "error", "Fila parada", "open", "manual"))
        self.assertIsNone(b["resolved_at"])
        self.assertIsNone(b["resolved_by"])
        self.assertEqual(r.headers["location"], "/internal/incidents/" + b["id"])
        g = self.get(r.headers["location"], "INTERNAL_SUPPORT")
        self.assertEqual(g.status, 200)
        self.assertEqual(g.json(), b)
        self.assertEqual(g.headers["etag"], r.headers["etag"])
        self.assertEqual(self.get(r.headers["location"], headers={"If-None-Match": g.headers["etag"]}).status, 304)
        rows = self.audit_rows(b["id"])
        self.assertEqual(len(rows), 1)
        action, actor, role, tenant, meta = rows[0]
        self.assertEqual((action, actor, role, tenant),
                         ("incident.create", self.w.users["INTERNAL_SUPPORT"], "INTERNAL_SUPPORT", self.w.a))
        self.assertEqual(json.loads(meta)["changes"]["severity"], {"from": None, "to": "error"})

    def test_open_validation(self):
        ok = {"tenant_id": self.w.a, "severity": "info", "title": "t", "description": "d"}
        for bad, field in [({**ok, "severity": "low"}, "severity"), ({**ok, "severity": None}, "severity"),
                           ({**ok, "title": ""}, "title"), ({**ok, "title": "x" * 201}, "title"),
                           ({**ok, "title": 5}, "title"), ({k: v for k, v in ok.items() if k != "title"}, "title"),
                           ({**ok, "tenant_id": "nope"}, "tenant_id"), ({**ok, "tenant_id": 7}, "tenant_id"),
                           ({k: v for k, v in ok.items() if k != "tenant_id"}, "tenant_id"),
                           ({**ok, "source": "alert"}, "source"), ({**ok, "status": "resolved"}, "status"),
                           ({**ok, "description": "x" * 4001}, "description")]:
            r = self.post(bad)
            self.assertEqual(r.status, 400, (bad, r))
            self.assertEqual(r.headers["content-type"], "application/problem+json")
            self.assertIn(field, r.json()["detail"], bad)
        self.assertEqual(self.p.post("/internal/incidents", raw=b"{", token=self.tok("INTERNAL_ADMIN"),
                                     headers={"Content-Type": "application/json"}).status, 400)
        self.assertEqual(self.p.post("/internal/incidents", raw=b"[]", token=self.tok("INTERNAL_ADMIN"),
                                     headers={"Content-Type": "application/json"}).status, 400)
        r = self.post({**ok, "tenant_id": MISSING})
        self.assertEqual(r.status, 404, r)
        # an empty description is allowed
        self.assertEqual(self.post({**ok, "description": ""}).json()["description"], "")
        self.assertEqual(self.post({k: v for k, v in ok.items() if k != "description"}).json()["description"], "")

    def test_roles(self):
        body = {"tenant_id": self.w.a, "severity": "info", "title": "t"}
        for who in ["TENANT_ADMIN", "TENANT_USER"]:
            self.assertEqual(self.post(body, who).status, 403, who)
            self.assertEqual(self.get("/internal/incidents", who).status, 403, who)
            self.assertEqual(self.get(f"/internal/incidents/{MISSING}", who).status, 403, who)
            self.assertEqual(self.patch(MISSING, {"title": "x"}, who).status, 403, who)
        self.assertEqual(self.p.get("/internal/incidents").status, 401)
        for who in ["INTERNAL_ADMIN", "INTERNAL_SUPPORT"]:
            self.assertEqual(self.get(f"/internal/incidents/{MISSING}", who).status, 404)
            self.assertEqual(self.patch(MISSING, {"title": "x"}, who).status, 404)
        self.assertEqual(self.get("/internal/incidents/not-a-uuid").status, 400)
        self.assertEqual(self.patch("not-a-uuid", {"title": "x"}).status, 400)

    # --- global incidents and the tenant read ---
    def test_global_incident_reaches_every_tenant_and_cache_is_fresh(self):
        before_a = self.tenant_ids("TENANT_ADMIN")  # warms the caches
        before_b = self.tenant_ids("B_ADMIN")
        self.p.get(f"/tenant/incidents?tenant_id={self.w.b}&limit=200", token=self.tok("INTERNAL_ADMIN"))
        g = self.open(None, "Instabilidade geral", "critical")
        self.assertIsNone(g["tenant_id"])
        self.assertIsNone(g["tenant_name"])
        a, b = self.tenant_ids("TENANT_ADMIN"), self.tenant_ids("B_ADMIN")
        self.assertIn(g["id"], a)
        self.assertIn(g["id"], b)
        self.assertEqual(len(a), len(before_a) + 1)
        self.assertEqual(len(b), len(before_b) + 1)
        staff = self.p.get(f"/tenant/incidents?tenant_id={self.w.b}&limit=200", token=self.tok("INTERNAL_ADMIN")).json()
        self.assertIn(g["id"], {i["id"] for i in staff["incidents"]})
        self.assertEqual(set(a[g["id"]]), {"id", "severity", "title", "description", "status", "created_at",
                                           "resolved_at"})
        # resolving it shows everywhere at once (cached answers dropped)
        r = self.patch(g["id"], {"status": "resolved"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.tenant_ids("B_ADMIN")[g["id"]]["status"], "resolved")
        self.assertNotIn(g["id"], self.tenant_ids("TENANT_USER", "status=open&limit=200"))

    def test_tenant_never_sees_another_tenants_incident(self):
        self.tenant_ids("TENANT_ADMIN")
        mine = self.open(self.w.b, "Só da B")
        self.assertNotIn(mine["id"], self.tenant_ids("TENANT_ADMIN"))
        self.assertNotIn(mine["id"], self.tenant_ids("TENANT_USER"))
        self.assertIn(mine["id"], self.tenant_ids("B_ADMIN"))

    def test_tenant_cache_dropped_on_tenant_incident(self):
        self.tenant_ids("TENANT_USER")
        i = self.open(self.w.a, "Novo para A")
        self.assertIn(i["id"], self.tenant_ids("TENANT_USER"))
        self.patch(i["id"], {"title": "Renomeado"})
        self.assertEqual(self.tenant_ids("TENANT_USER")[i["id"]]["title"], "Renomeado")

    def test_tenant_read_speaks_the_api_words(self):
        words = {"info", "warning", "error", "critical"}
        for who in ["TENANT_ADMIN", "B_ADMIN"]:
            for i in self.tenant_ids(who).values():
                self.assertIn(i["severity"], words, i)

    # --- change ---
    def test_patch_fields_resolve_reopen_and_audit(self):
        i = self.open(self.w.a, "Lento", "info")
        r = self.patch(i["id"], {"title": "Muito lento", "severity": "error", "description": "p95 > 5 s"},
                       "INTERNAL_SUPPORT")
        self.assertEqual(r.status, 200, r)
        b = r.json()
        self.assertEqual((b["title"], b["severity"], b["description"], b["status"]),
                         ("Muito lento", "error", "p95 > 5 s", "open"))
        self.assertEqual(r.headers["etag"], self.get(f"/internal/incidents/{i['id']}").headers["etag"])
        r = self.patch(i["id"], {"status": "resolved"}, "INTERNAL_SUPPORT")
        b = r.json()
        self.assertEqual(b["status"], "resolved")
        self.assertEqual(b["resolved_by"], self.w.users["INTERNAL_SUPPORT"])
        self.assertTrue(b["resolved_at"].endswith("Z"), b)
        # resolving again changes nothing and audits nothing
        n = len(self.audit_rows(i["id"]))
        again = self.patch(i["id"], {"status": "resolved"}).json()
        self.assertEqual(again, b)
        self.assertEqual(len(self.audit_rows(i["id"])), n)
        # reopening clears the stamps
        b = self.patch(i["id"], {"status": "open"}).json()
        self.assertEqual((b["status"], b["resolved_at"], b["resolved_by"]), ("open", None, None))
        rows = self.audit_rows(i["id"])
        self.assertEqual([r[0] for r in rows], ["incident.create"] + ["incident.update"] * 3)
        changes = [json.loads(r[4])["changes"] for r in rows]
        self.assertEqual(changes[1]["title"], {"from": "Lento", "to": "Muito lento"})
        self.assertEqual(changes[1]["severity"], {"from": "info", "to": "error"})
        self.assertNotIn("status", changes[1])
        self.assertEqual(changes[2]["status"], {"from": "open", "to": "resolved"})
        self.assertEqual(changes[2]["resolved_by"], {"from": None, "to": self.w.users["INTERNAL_SUPPORT"]})
        self.assertEqual(changes[3]["resolved_by"], {"from": self.w.users["INTERNAL_SUPPORT"], "to": None})
        self.assertEqual(rows[3][1:4], (self.w.users["INTERNAL_ADMIN"], "INTERNAL_ADMIN", self.w.a))

    def test_patch_validation(self):
        i = self.open(self.w.a, "Validar")
        for bad, field in [({}, "nothing"), ({"status": "closed"}, "status"), ({"severity": "high"}, "severity"),
                           ({"title": ""}, "title"), ({"tenant_id": self.w.b}, "tenant_id"),
                           ({"source": "alert"}, "source"), ({"title": None}, "title")]:
            r = self.patch(i["id"], bad)
            self.assertEqual(r.status, 400, (bad, r))
            self.assertIn(field, r.json()["detail"], bad)
        self.assertEqual(self.get(f"/internal/incidents/{i['id']}").json()["title"], "Validar")

    def test_if_match(self):
        i = self.open(self.w.a, "Concorrente")
        tag = self.get(f"/internal/incidents/{i['id']}").headers["etag"]
        r = self.patch(i["id"], {"title": "Primeiro"}, headers={"If-Match": tag})
        self.assertEqual(r.status, 200, r)
        r = self.patch(i["id"], {"title": "Segundo"}, headers={"If-Match": tag})
        self.assertEqual(r.status, 412, r)
        self.assertEqual(self.get(f"/internal/incidents/{i['id']}").json()["title"], "Primeiro")
        fresh = self.get(f"/internal/incidents/{i['id']}").headers["etag"]
        r2 = self.patch(i["id"], {"title": "Segundo"}, headers={"If-Match": fresh})
        self.assertEqual(r2.status, 200, r2)
        self.assertEqual(self.patch(i["id"], {"title": "Terceiro"}, headers={"If-Match": "*"}).status, 200)

    # --- list ---
    def test_list_filters_order_and_paging(self):
        t = self.p.tenant("Lista Ltda")
        made = [self.open(t, f"L{n}", sev) for n, sev in enumerate(["info", "warning", "error", "critical", "info"])]
        self.patch(made[0]["id"], {"status": "resolved"})
        b = self.get(f"/internal/incidents?tenant_id={t}", "INTERNAL_SUPPORT").json()
        self.assertEqual((b["total"], b["limit"], b["offset"]), (5, 20, 0))
        self.assertEqual([i["id"] for i in b["incidents"]], [m["id"] for m in reversed(made)])  # newest first
        self.assertEqual(set(b["incidents"][0]), {"id", "tenant_id", "tenant_name", "severity", "title",
                                                  "description", "status", "source", "created_at",
                                                  "resolved_at", "resolved_by"})
        self.assertEqual(self.get(f"/internal/incidents?tenant_id={t}&status=open").json()["total"], 4)
        self.assertEqual(self.get(f"/internal/incidents?tenant_id={t}&status=resolved").json()["total"], 1)
        self.assertEqual(self.get(f"/internal/incidents?tenant_id={t}&severity=info").json()["total"], 2)
        self.assertEqual(self.get(f"/internal/incidents?tenant_id={t}&source=manual").json()["total"], 5)
        self.assertEqual(self.get(f"/internal/incidents?tenant_id={t}&source=health_check").json()["total"], 0)
        ids = []
        for off in range(0, 6, 2):
            ids += [i["id"] for i in self.get(f"/internal/incidents?tenant_id={t}&limit=2&offset={off}").json()["incidents"]]
        self.assertEqual(ids, [m["id"] for m in reversed(made)])
        everything = self.get("/internal/incidents?limit=200").json()
        self.assertGreaterEqual(everything["total"], 25 + 1 + 5)
        keys = [(i["created_at"], i["id"]) for i in everything["incidents"]]
        self.assertEqual(keys, sorted(keys, reverse=True))
        for q in ["status=closed", "severity=high", "source=staff", "tenant_id=x", "limit=0", "limit=201",
                  "offset=-1"]:
            self.assertEqual(self.get("/internal/incidents?" + q).status, 400, q)
        self.assertEqual(self.get(f"/internal/incidents?tenant_id={MISSING}").json()["total"], 0)

    def test_health_check_incidents_have_their_source(self):
        iid = str(uuid.uuid4())
        self.p.sql("INSERT INTO incidents(id, tenant_id, severity, title, status, source, created_at) "
                   "VALUES (?,?,?,?,?,?,?)", (iid, self.w.b, "warning", "HC", "open", "health_check",
                                              "2026-01-02T00:00:00Z"))
        b = self.get(f"/internal/incidents?source=health_check&tenant_id={self.w.b}").json()
        self.assertEqual([i["id"] for i in b["incidents"]], [iid])

    def test_resolve_command_of_a_global_incident_refreshes_tenants(self):
        g = self.open(None, "Global via comando")
        self.assertEqual(self.tenant_ids("B_ADMIN")[g["id"]]["status"], "open")  # cached
        r = self.p.post("/internal/operations/commands", {"command_type": "RESOLVE_INCIDENT",
                                                          "parameters": {"incident_id": g["id"]}},
                        token=self.tok("INTERNAL_ADMIN"))
        self.assertEqual(r.status, 202, r)
        cid = r.json()["command_id"]
        out = self.p.get(f"/internal/operations/commands/{cid}?wait=10&status_not=PENDING",
                         token=self.tok("INTERNAL_ADMIN")).json()
        if out["status"] == "RUNNING":
            out = self.p.get(f"/internal/operations/commands/{cid}?wait=10", token=self.tok("INTERNAL_ADMIN")).json()
        self.assertEqual(out["status"], "SUCCESS", out)
        self.assertEqual(self.tenant_ids("B_ADMIN")[g["id"]]["status"], "resolved")
        self.assertEqual(self.get(f"/internal/incidents/{g['id']}").json()["resolved_by"],
                         self.w.users["INTERNAL_ADMIN"])

    # --- command line ---
    def test_cli_open_resolve_list(self):
        r = self.p.cli("incidents", "open", "--severity", "error", "--title", "Pelo terminal",
                       "--description", "script", "--tenant", self.w.a, "--json")
        i = json.loads(r.stdout)
        self.assertEqual((i["tenant_id"], i["severity"], i["source"], i["status"]),
                         (self.w.a, "error", "manual", "open"))
        self.assertEqual(self.get(f"/internal/incidents/{i['id']}").json(), i)
        gid = self.p.cli("incidents", "open", "--severity", "info", "--title", "Global do terminal").stdout.strip()
        self.assertIsNone(self.get(f"/internal/incidents/{gid}").json()["tenant_id"])
        out = json.loads(self.p.cli("incidents", "resolve", i["id"], "--json").stdout)
        self.assertEqual((out["status"], out["resolved_by"]), ("resolved", "cli"))
        self.assertEqual(self.p.cli("incidents", "resolve", i["id"]).returncode, 0)  # already resolved: no-op
        lst = json.loads(self.p.cli("incidents", "list", "--json", "--tenant", self.w.a, "--status", "resolved").stdout)
        self.assertIn(i["id"], {x["id"] for x in lst["incidents"]})
        self.assertTrue(all(x["status"] == "resolved" for x in lst["incidents"]))
        text = self.p.cli("incidents", "list").stdout
        self.assertIn(gid, text)
        rows = self.audit_rows(i["id"])
        self.assertEqual([(r[0], r[1], r[2]) for r in rows],
                         [("incident.create", "cli", "system"), ("incident.update", "cli", "system")])
        # exit codes: 2 bad arguments, 1 refused by the store
        for args in [("incidents", "open", "--severity", "high", "--title", "x"),
                     ("incidents", "open", "--severity", "info"),
                     ("incidents", "open", "--severity", "info", "--title", "x", "--tenant", "nope"),
                     ("incidents", "resolve", "nope"),
                     ("incidents", "list", "--status", "closed")]:
            r = self.p.cli(*args, check=False)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
        for args in [("incidents", "open", "--severity", "info", "--title", "x", "--tenant", MISSING),
                     ("incidents", "resolve", MISSING)]:
            r = self.p.cli(*args, check=False)
            self.assertEqual(r.returncode, 1, (args, r.stderr))
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
            self.assertIn("not found" if args[1] == "open" else "no such incident", r.stderr)


if __name__ == "__main__":
    main()
