"""Support requests (issue #15): a tenant user opens a request, staff see the queue, reply,
close and reopen it, both sides read the thread; tenants only ever see their own (and a
TENANT_USER only the requests they opened). Shapes, validation, 403/404/409/412, ordering,
paging and the audit rows (ids and status changes, never the text)."""
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import Painel, main  # noqa: E402
from fixtures import World  # noqa: E402
from test_openapi import SchemaValidator  # noqa: E402

T = "/tenant/support/requests"
I = "/internal/support/requests"
MISSING = "00000000-0000-4000-8000-000000000000"
FAST = ["--rate-user-per-min", "1000000", "--rate-user-burst", "100000",
        "--rate-tenant-per-min", "1000000", "--rate-tenant-burst", "100000"]
REQUEST_KEYS = {"id", "tenant_id", "tenant_name", "subject", "category", "status", "opened_by",
                "opened_by_name", "message_count", "created_at", "updated_at", "closed_at", "closed_by"}


class Support(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Painel(*FAST).start()
        cls.w = World(cls.p)
        cls.b_user = cls.p.user("user@b.com", "TENANT_USER", cls.w.b, name="Beto B")
        cls.w.emails["B_USER"] = "user@b.com"
        cls.a_user2 = cls.p.user("user2@a.com", "TENANT_USER", cls.w.a, name="Ana Dois")
        cls.w.emails["A_USER2"] = "user2@a.com"

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()

    # --- helpers ---
    def t(self, who):
        return self.w.token(who)

    def open(self, who="TENANT_USER", subject="Não consigo exportar", category="technical",
             description="O botão de exportar\r\nnão responde.", query=""):
        r = self.p.post(T + query, {"subject": subject, "category": category, "description": description},
                        token=self.t(who))
        self.assertEqual(r.status, 201, r)
        return r.json()

    def patch(self, rid, body, who="INTERNAL_ADMIN", headers=None):
        return self.p.request("PATCH", f"{I}/{rid}", body=body, token=self.t(who), headers=headers)

    def audit_rows(self, rid):
        return [(a, json.loads(m)) for a, m in self.p.sql(
            "SELECT action, metadata FROM operational_events WHERE target = ? ORDER BY seq", (rid,))]

    # --- opening ---
    def test_open_answers_the_thread_and_is_audited_without_text(self):
        r = self.p.post(T, {"subject": "  Fatura duplicada ", "category": "billing",
                            "description": "Recebi duas faturas\r\nem novembro.\n"}, token=self.t("TENANT_USER"))
        self.assertEqual(r.status, 201, r)
        b = r.json()
        self.assertEqual(set(b), REQUEST_KEYS | {"messages"})
        self.assertEqual(r.headers["location"], f"{T}/{b['id']}")
        self.assertIn("etag", r.headers)
        self.assertEqual(r.headers["cache-control"], "no-store")
        self.assertEqual((b["subject"], b["category"], b["status"]), ("Fatura duplicada", "billing", "open"))
        self.assertEqual((b["tenant_id"], b["tenant_name"]), (self.w.a, "Padaria Estrela Ltda"))
        self.assertEqual(b["opened_by"], self.w.users["TENANT_USER"])
        self.assertEqual(b["opened_by_name"], "Test User")
        self.assertEqual(b["message_count"], 1)
        self.assertIsNone(b["closed_at"])
        self.assertEqual(b["created_at"], b["updated_at"])
        [m] = b["messages"]
        self.assertEqual(set(m), {"id", "author_name", "side", "body", "created_at"})
        self.assertEqual((m["side"], m["body"], m["author_name"]),
                         ("tenant", "Recebi duas faturas\nem novembro.", "Test User"))
        # the read answers the same object
        g = self.p.get(f"{T}/{b['id']}", token=self.t("TENANT_USER"))
        self.assertEqual(g.status, 200, g)
        self.assertEqual(g.json(), b)
        self.assertEqual(g.headers["etag"], r.headers["etag"])
        [(action, meta)] = self.audit_rows(b["id"])
        self.assertEqual(action, "support.open")
        self.assertEqual(meta, {"category": "billing", "status": "open", "side": "tenant"})
        self.assertNotIn("faturas", json.dumps(meta))
        self.assertEqual(self.p.sql("SELECT tenant_id, actor, role FROM operational_events WHERE target = ?",
                                    (b["id"],))[0], (self.w.a, self.w.users["TENANT_USER"], "TENANT_USER"))

    def test_validation(self):
        good = {"subject": "Assunto", "category": "agent", "description": "texto"}
        cases = [
            ({**good, "priority": "high"}, "priority"),
            ({k: v for k, v in good.items() if k != "subject"}, "subject"),
            ({k: v for k, v in good.items() if k != "description"}, "description"),
            ({**good, "subject": "x" * 201}, "subject"),
            ({**good, "subject": "a\nb"}, "subject"),
            ({**good, "subject": "   "}, "subject"),
            ({**good, "subject": 5}, "subject"),
            ({**good, "category": "urgent"}, "category"),
            ({**good, "category": None}, "category"),
            ({**good, "description": "y" * 10001}, "description"),
            ({**good, "description": "tab\there"}, "description"),
            ({**good, "description": "bell\u0007"}, "description"),
            ({**good, "description": " \n\r\n "}, "description"),
            ({**good, "description": ["x"]}, "description"),
        ]
        for body, field in cases:
            with self.subTest(body=str(body)[:80]):
                r = self.p.post(T, body, token=self.t("TENANT_ADMIN"))
                self.assertEqual(r.status, 400, r)
                self.assertEqual(r.headers["content-type"], "application/problem+json")
                self.assertIn(field, r.json()["detail"])
        self.assertEqual(self.p.post(T, [good], token=self.t("TENANT_ADMIN")).status, 400)
        r = self.p.request("POST", T, raw=b"subject=x", token=self.t("TENANT_ADMIN"),
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 415, r)
        # at the bounds: 200 bytes of subject, 10 000 of text (CR LF counted as LF)
        b = self.open("TENANT_ADMIN", subject="s" * 200, description="d" * 9998 + "\r\nd")
        self.assertEqual(len(b["messages"][0]["body"]), 10000)
        self.assertEqual(self.p.post(f"{I}/{b['id']}/messages", {"body": "z" * 10001},
                                     token=self.t("INTERNAL_ADMIN")).status, 400)
        self.assertEqual(self.p.post(f"{I}/{b['id']}/messages", {"body": "ok", "side": "tenant"},
                                     token=self.t("INTERNAL_ADMIN")).status, 400)
        self.assertEqual(self.p.get(f"{T}/not-a-uuid", token=self.t("TENANT_ADMIN")).status, 400)
        self.assertEqual(self.p.get(f"{I}/not-a-uuid", token=self.t("INTERNAL_ADMIN")).status, 400)
        for q in ["?status=pending", "?category=x", "?limit=0", "?limit=201", "?offset=-1"]:
            self.assertEqual(self.p.get(T + q, token=self.t("TENANT_ADMIN")).status, 400, q)
        for q in ["?status=bogus", "?tenant_id=nope", "?category=x", "?limit=0"]:
            self.assertEqual(self.p.get(I + q, token=self.t("INTERNAL_SUPPORT")).status, 400, q)

    # --- who sees what ---
    def test_tenants_only_see_their_own(self):
        mine = self.open("TENANT_USER", subject="Do usuário 1")
        other = self.open("A_USER2", subject="Do usuário 2")
        adm = self.open("TENANT_ADMIN", subject="Do admin")
        bs = self.open("B_ADMIN", subject="Da clínica")
        ids = lambda who, q="": {x["id"] for x in self.p.get(T + "?limit=200" + q, token=self.t(who)).json()["requests"]}
        # a TENANT_USER: only what they opened
        self.assertIn(mine["id"], ids("TENANT_USER"))
        self.assertFalse({other["id"], adm["id"], bs["id"]} & ids("TENANT_USER"))
        for rid in (other["id"], adm["id"], bs["id"], MISSING):
            self.assertEqual(self.p.get(f"{T}/{rid}", token=self.t("TENANT_USER")).status, 404, rid)
            self.assertEqual(self.p.post(f"{T}/{rid}/messages", {"body": "oi"}, token=self.t("TENANT_USER")).status,
                             404, rid)
        # a TENANT_ADMIN: the whole tenant's, never another tenant's
        self.assertTrue({mine["id"], other["id"], adm["id"]} <= ids("TENANT_ADMIN"))
        self.assertNotIn(bs["id"], ids("TENANT_ADMIN"))
        self.assertEqual(self.p.get(f"{T}/{mine['id']}", token=self.t("TENANT_ADMIN")).status, 200)
        self.assertEqual(self.p.get(f"{T}/{bs['id']}", token=self.t("TENANT_ADMIN")).status, 404)
        self.assertEqual(self.p.post(f"{T}/{bs['id']}/messages", {"body": "oi"}, token=self.t("TENANT_ADMIN")).status,
                         404)
        self.assertEqual(self.p.get(f"{T}/{mine['id']}", token=self.t("B_ADMIN")).status, 404)
        self.assertEqual(self.p.get(f"{T}/{mine['id']}", token=self.t("B_USER")).status, 404)
        # naming another tenant: 403, as everywhere in /tenant/*
        self.assertEqual(self.p.get(f"{T}?tenant_id={self.w.b}", token=self.t("TENANT_ADMIN")).status, 403)
        self.assertEqual(self.p.post(f"{T}?tenant_id={self.w.b}", {"subject": "x", "category": "other",
                                                                    "description": "x"},
                                     token=self.t("TENANT_USER")).status, 403)
        # staff through /tenant: must name the tenant; then see all of it
        self.assertEqual(self.p.get(T, token=self.t("INTERNAL_SUPPORT")).status, 400)
        self.assertTrue({mine["id"], other["id"], adm["id"]} <= ids("INTERNAL_SUPPORT", f"&tenant_id={self.w.a}"))
        self.assertEqual(self.p.get(f"{T}/{bs['id']}?tenant_id={self.w.a}", token=self.t("INTERNAL_ADMIN")).status,
                         404)
        self.assertEqual(self.p.get(f"{T}/{bs['id']}?tenant_id={self.w.b}", token=self.t("INTERNAL_ADMIN")).status,
                         200)
        # the staff routes are staff only
        for who in ("TENANT_ADMIN", "TENANT_USER"):
            self.assertEqual(self.p.get(I, token=self.t(who)).status, 403)
            self.assertEqual(self.p.get(f"{I}/{mine['id']}", token=self.t(who)).status, 403)
            self.assertEqual(self.p.post(f"{I}/{mine['id']}/messages", {"body": "x"}, token=self.t(who)).status, 403)
            self.assertEqual(self.patch(mine["id"], {"status": "closed"}, who=who).status, 403)

    # --- the conversation ---
    def test_reply_close_reopen_lifecycle(self):
        b = self.open("TENANT_USER", subject="Agente parado", category="agent")
        rid = b["id"]
        time.sleep(0.01)
        r = self.p.post(f"{I}/{rid}/messages", {"body": "Reiniciamos o agente.\nPode testar?"},
                        token=self.t("INTERNAL_SUPPORT"))
        self.assertEqual(r.status, 201, r)
        s = r.json()
        self.assertEqual((s["status"], s["message_count"]), ("answered", 2))
        self.assertGreater(s["updated_at"], b["updated_at"])
        self.assertEqual([(m["side"], m["author_name"]) for m in s["messages"]],
                         [("tenant", "Test User"), ("staff", "Test User")])
        self.assertEqual(s["messages"][1]["body"], "Reiniciamos o agente.\nPode testar?")
        # the tenant sees the answer; its reply reopens the request
        t = self.p.get(f"{T}/{rid}", token=self.t("TENANT_USER")).json()
        self.assertEqual((t["status"], len(t["messages"])), ("answered", 2))
        r = self.p.post(f"{T}/{rid}/messages", {"body": "Ainda não funciona."}, token=self.t("TENANT_USER"))
        self.assertEqual(r.status, 201, r)
        self.assertEqual((r.json()["status"], r.json()["message_count"]), ("open", 3))
        # the admin of the tenant may reply too
        r = self.p.post(f"{T}/{rid}/messages", {"body": "Confirmo."}, token=self.t("TENANT_ADMIN"))
        self.assertEqual((r.status, r.json()["status"]), (201, "open"))
        # close with If-Match: a stale tag → 412, the current one → 200
        g = self.p.get(f"{I}/{rid}", token=self.t("INTERNAL_ADMIN"))
        self.assertEqual(g.status, 200)
        self.assertEqual(self.patch(rid, {"status": "closed"}, headers={"If-Match": '"stale"'}).status, 412)
        r = self.patch(rid, {"status": "closed"}, who="INTERNAL_SUPPORT", headers={"If-Match": g.headers["etag"]})
        self.assertEqual(r.status, 200, r)
        c = r.json()
        self.assertEqual(c["status"], "closed")
        self.assertEqual(c["closed_by"], self.w.users["INTERNAL_SUPPORT"])
        self.assertIsNotNone(c["closed_at"])
        self.assertEqual(r.headers["etag"], self.p.get(f"{I}/{rid}", token=self.t("INTERNAL_ADMIN")).headers["etag"])
        self.assertEqual(self.patch(rid, {"status": "closed"}, headers={"If-Match": g.headers["etag"]}).status, 412)
        # closed: no more messages from either side
        r = self.p.post(f"{T}/{rid}/messages", {"body": "Olá?"}, token=self.t("TENANT_USER"))
        self.assertEqual(r.status, 409, r)
        self.assertEqual(self.p.post(f"{I}/{rid}/messages", {"body": "x"}, token=self.t("INTERNAL_ADMIN")).status, 409)
        # closing again changes nothing; reopening clears the closing
        n_rows = len(self.audit_rows(rid))
        self.assertEqual(self.patch(rid, {"status": "closed"}).status, 200)
        self.assertEqual(len(self.audit_rows(rid)), n_rows)
        r = self.patch(rid, {"status": "open"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json()["status"], r.json()["closed_at"], r.json()["closed_by"]), ("open", None, None))
        self.assertEqual(self.p.post(f"{T}/{rid}/messages", {"body": "Voltou."}, token=self.t("TENANT_USER")).status,
                         201)
        # bad PATCHes
        for body in ({"status": "answered"}, {"status": "bogus"}, {}, {"status": "closed", "subject": "x"}):
            self.assertEqual(self.patch(rid, body).status, 400, body)
        self.assertEqual(self.patch(MISSING, {"status": "closed"}).status, 404)
        self.assertEqual(self.p.post(f"{I}/{MISSING}/messages", {"body": "x"}, token=self.t("INTERNAL_ADMIN")).status,
                         404)
        self.assertEqual(self.p.get(f"{I}/{MISSING}", token=self.t("INTERNAL_ADMIN")).status, 404)
        # the audit trail: ids and status changes, never the text
        rows = self.audit_rows(rid)
        self.assertEqual([a for a, _ in rows],
                         ["support.open", "support.reply", "support.reply", "support.reply", "support.status",
                          "support.status", "support.reply"])
        self.assertEqual(rows[1][1]["changes"], {"status": {"from": "open", "to": "answered"}})
        self.assertEqual(rows[1][1]["side"], "staff")
        self.assertEqual(rows[1][1]["message_id"], s["messages"][1]["id"])
        self.assertEqual(rows[2][1]["changes"], {"status": {"from": "answered", "to": "open"}})
        self.assertEqual(rows[3][1]["changes"], {})
        self.assertEqual(rows[4][1], {"changes": {"status": {"from": "open", "to": "closed"}}})
        self.assertEqual(rows[5][1], {"changes": {"status": {"from": "closed", "to": "open"}}})
        text = json.dumps(rows)
        for word in ("Reiniciamos", "funciona", "Confirmo", "Voltou", "Agente parado"):
            self.assertNotIn(word, text)

    def test_staff_opening_for_a_tenant_writes_as_staff(self):
        b = self.open("INTERNAL_SUPPORT", subject="Ligação do cliente", category="integration",
                      query=f"?tenant_id={self.w.b}")
        self.assertEqual((b["tenant_id"], b["messages"][0]["side"], b["status"]), (self.w.b, "staff", "open"))
        r = self.p.post(f"{T}/{b['id']}/messages?tenant_id={self.w.b}", {"body": "retorno"},
                        token=self.t("INTERNAL_ADMIN"))
        self.assertEqual((r.status, r.json()["status"]), (201, "answered"))
        self.assertIn(b["id"], {x["id"] for x in self.p.get(T, token=self.t("B_ADMIN")).json()["requests"]})

    # --- lists ---
    def test_queue_order_filters_and_paging(self):
        t = self.p.tenant("Suporte Fila Ltda")
        self.p.user("fila@x.com", "TENANT_ADMIN", t, name="Fila Admin")
        self.w.emails["FILA"] = "fila@x.com"
        made = []
        for i, cat in enumerate(["billing", "technical", "billing", "other"]):
            made.append(self.open("FILA", subject=f"Fila {i}", category=cat))
            time.sleep(0.01)
        q = self.p.get(f"{I}?tenant_id={t}", token=self.t("INTERNAL_SUPPORT"))
        self.assertEqual(q.status, 200, q)
        body = q.json()
        self.assertEqual(set(body), {"requests", "total", "limit", "offset"})
        self.assertEqual([x["id"] for x in body["requests"]], [m["id"] for m in made])  # oldest first
        first = body["requests"][0]
        self.assertEqual(set(first), REQUEST_KEYS)
        self.assertEqual((first["tenant_name"], first["opened_by_name"], first["message_count"]),
                         ("Suporte Fila Ltda", "Fila Admin", 1))
        # answering the oldest takes it out of the open queue; the tenant's reply puts it
        # back, now as the most recent activity (last in the queue)
        self.p.post(f"{I}/{made[0]['id']}/messages", {"body": "ok"}, token=self.t("INTERNAL_ADMIN"))
        ids = lambda q: [x["id"] for x in self.p.get(f"{I}?tenant_id={t}{q}", token=self.t("INTERNAL_ADMIN")).json()["requests"]]
        self.assertEqual(ids(""), [m["id"] for m in made[1:]])
        self.assertEqual(ids("&status=answered"), [made[0]["id"]])
        time.sleep(0.01)
        self.p.post(f"{T}/{made[0]['id']}/messages", {"body": "de novo"}, token=self.t("FILA"))
        self.assertEqual(ids(""), [m["id"] for m in made[1:]] + [made[0]["id"]])
        self.assertEqual(ids("&category=billing"), [made[2]["id"], made[0]["id"]])
        self.patch(made[3]["id"], {"status": "closed"})
        self.assertEqual(ids("&status=closed"), [made[3]["id"]])
        self.assertEqual(len(ids("&status=all")), 4)
        page = self.p.get(f"{I}?tenant_id={t}&status=all&limit=2&offset=1", token=self.t("INTERNAL_ADMIN")).json()
        self.assertEqual((page["total"], page["limit"], page["offset"], len(page["requests"])), (4, 2, 1, 2))
        # the tenant's own list: newest activity first, with a status filter
        mine = self.p.get(T, token=self.t("FILA")).json()
        self.assertEqual([x["id"] for x in mine["requests"]][0], made[3]["id"])  # closed last
        self.assertEqual(mine["total"], 4)
        self.assertEqual([x["id"] for x in self.p.get(T + "?status=closed", token=self.t("FILA")).json()["requests"]],
                         [made[3]["id"]])
        self.assertEqual(self.p.get(T + "?status=open&category=billing", token=self.t("FILA")).json()["total"], 2)
        # another tenant's filter shows nothing of this one
        b_ids = {x["id"] for x in self.p.get(f"{I}?tenant_id={self.w.b}&status=all",
                                             token=self.t("INTERNAL_ADMIN")).json()["requests"]}
        self.assertFalse({m["id"] for m in made} & b_ids)

    def test_answers_match_the_documented_schemas(self):
        doc = self.p.get("/openapi.json").json()
        v = SchemaValidator(doc)

        def check(method, path, status, body):
            resp = v.resolve(doc["paths"][path][method]["responses"][str(status)])
            self.assertEqual(v.errors(body, resp["content"]["application/json"]["schema"]), [], f"{method} {path}")

        b = self.open("TENANT_USER", subject="Esquema")
        check("post", T, 201, b)
        rid = b["id"]
        check("get", T, 200, self.p.get(T, token=self.t("TENANT_USER")).json())
        check("get", T + "/{id}", 200, self.p.get(f"{T}/{rid}", token=self.t("TENANT_ADMIN")).json())
        r = self.p.post(f"{T}/{rid}/messages", {"body": "mais"}, token=self.t("TENANT_USER"))
        check("post", T + "/{id}/messages", 201, r.json())
        r = self.p.post(f"{I}/{rid}/messages", {"body": "resposta"}, token=self.t("INTERNAL_SUPPORT"))
        check("post", I + "/{id}/messages", 201, r.json())
        check("get", I, 200, self.p.get(I + "?status=all", token=self.t("INTERNAL_SUPPORT")).json())
        check("get", I + "/{id}", 200, self.p.get(f"{I}/{rid}", token=self.t("INTERNAL_ADMIN")).json())
        check("patch", I + "/{id}", 200, self.patch(rid, {"status": "closed"}).json())

    def test_answers_are_not_cached(self):
        b = self.open("TENANT_ADMIN", subject="Cache")
        g1 = self.p.get(f"{T}/{b['id']}", token=self.t("TENANT_ADMIN"))
        self.p.post(f"{I}/{b['id']}/messages", {"body": "resposta"}, token=self.t("INTERNAL_ADMIN"))
        g2 = self.p.get(f"{T}/{b['id']}", token=self.t("TENANT_ADMIN"))
        self.assertEqual(g2.headers["cache-control"], "no-store")
        self.assertNotEqual(g1.headers["etag"], g2.headers["etag"])
        self.assertEqual(g2.json()["status"], "answered")
        self.assertEqual(self.p.get(f"{T}/{b['id']}", token=self.t("TENANT_ADMIN"),
                                    headers={"If-None-Match": g2.headers["etag"]}).status, 304)


if __name__ == "__main__":
    main()
