"""Integrations, the write side: create / edit / delete by tenant admins (and INTERNAL_ADMIN
naming the tenant), credentials sealed and never returned, logged or audited, If-Match,
RESET_TOKEN clearing the sealed credentials, the staff "integrations with error" list,
sync reports from the platform (POST /ingest/integrations) and cached answers that follow
every write."""
import datetime
import json
import os
import sys
import time
import unittest
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import Painel, main  # noqa: E402
from fixtures import World  # noqa: E402

ROUTE = "/tenant/integrations"
FAST = ["--rate-user-per-min", "1000000", "--rate-user-burst", "100000",
        "--rate-tenant-per-min", "1000000", "--rate-tenant-burst", "100000"]
SECRET = "s3cr3t-Zq9-never-shown"


def iso(dt):
    return dt.astimezone(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def ago(seconds):
    return iso(datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=seconds))


class Integrations(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Painel(*FAST).start()
        cls.w = World(cls.p)
        cls.key = cls.p.cli("keys", "create", "--name", "platform").stdout.strip().splitlines()[-1]
        cls.key_b = cls.p.cli("keys", "create", "--name", "platform-b", "--tenant", cls.w.b
                              ).stdout.strip().splitlines()[-1]

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()

    # --- helpers ---
    def tok(self, who="TENANT_ADMIN"):
        return self.w.token(who)

    def create(self, body, who="TENANT_ADMIN", query=""):
        return self.p.post(ROUTE + query, body, token=self.tok(who))

    def made(self, name, **extra):
        r = self.create(dict({"type": "crm", "name": name}, **extra))
        self.assertEqual(r.status, 201, r)
        return r

    def patch(self, iid, body, who="TENANT_ADMIN", query="", headers=None):
        return self.p.request("PATCH", f"{ROUTE}/{iid}{query}", body=body, token=self.tok(who),
                              headers=headers)

    def delete(self, iid, who="TENANT_ADMIN", query="", headers=None):
        return self.p.request("DELETE", f"{ROUTE}/{iid}{query}", token=self.tok(who), headers=headers)

    def audit_rows(self, target):
        return [(a, json.loads(m)) for a, m in self.p.sql(
            "SELECT action, metadata FROM operational_events WHERE target = ? ORDER BY seq", (target,))]

    def report(self, body, key=None):
        return self.p.post("/ingest/integrations", body, token=key or self.key)

    def listed(self, who="TENANT_ADMIN", query=""):
        r = self.p.get(ROUTE + query, token=self.tok(who))
        self.assertEqual(r.status, 200, r)
        return {i["id"]: i for i in r.json()["integrations"]}

    def assert_no_secret_anywhere(self):
        rows = self.p.sql("SELECT metadata FROM operational_events")
        self.assertFalse(any(SECRET in m for (m,) in rows), "a secret in the audit log")
        self.p.log.flush()
        with open(self.p.log.name) as f:
            self.assertNotIn(SECRET, f.read(), "a secret in the server's log")

    # --- create ---
    def test_create_answers_the_integration_and_never_the_credentials(self):
        r = self.made("CRM Vendas", config={"region": "sa-east-1"},
                      credentials={"api_key": SECRET, "user": "bot"})
        b = r.json()
        self.assertEqual(set(b), {"id", "type", "name", "status", "last_sync_at", "last_error",
                                  "has_credentials", "config", "last_error_at", "created_at", "updated_at"})
        self.assertEqual((b["type"], b["name"], b["status"], b["has_credentials"]),
                         ("crm", "CRM Vendas", "active", True))
        self.assertEqual(b["config"], {"region": "sa-east-1"})
        self.assertIsNone(b["last_sync_at"])
        self.assertEqual(r.headers["location"], f"{ROUTE}/{b['id']}")
        self.assertIn("etag", r.headers)
        self.assertNotIn(SECRET, r.body)
        # sealed at rest under key id 1, never the plaintext
        sealed, key_id = self.p.sql("SELECT credential_sealed, credentials_key_id FROM tenant_integrations "
                                    "WHERE id = ?", (b["id"],))[0]
        self.assertTrue(sealed)
        self.assertNotIn(SECRET, sealed)
        self.assertNotIn("api_key", sealed)
        self.assertEqual(key_id, 1)
        # listed, with has_credentials, and no read shows the secret
        got = self.listed()[b["id"]]
        self.assertTrue(got["has_credentials"])
        for who, path in [("TENANT_ADMIN", ROUTE), ("TENANT_USER", ROUTE),
                          ("INTERNAL_ADMIN", f"/internal/tenants/{self.w.a}"),
                          ("INTERNAL_SUPPORT", "/internal/integrations?status=all&limit=200")]:
            body = self.p.get(path, token=self.tok(who)).body
            self.assertNotIn(SECRET, body, path)
        (action, meta), = self.audit_rows(b["id"])
        self.assertEqual(action, "integration.create")
        self.assertEqual(meta["credentials"], "changed")
        self.assertEqual(meta["changes"]["name"], {"from": None, "to": "CRM Vendas"})
        self.assertEqual(meta["changes"]["type"], {"from": None, "to": "crm"})
        self.assertNotIn("api_key", json.dumps(meta))
        self.assert_no_secret_anywhere()

    def test_create_without_credentials(self):
        b = self.made("Webhook sem segredo", type="webhook").json()
        self.assertFalse(b["has_credentials"])
        self.assertIsNone(b["config"])
        (_, meta), = self.audit_rows(b["id"])
        self.assertNotIn("credentials", meta)

    def test_roles_and_tenants(self):
        body = {"type": "email", "name": "SMTP staff"}
        self.assertEqual(self.create(body, "INTERNAL_ADMIN").status, 400)  # tenant_id required
        self.assertEqual(self.create(body, "INTERNAL_SUPPORT", f"?tenant_id={self.w.a}").status, 403)
        self.assertEqual(self.create(body, "TENANT_USER").status, 403)
        self.assertEqual(self.create(body, "TENANT_ADMIN", f"?tenant_id={self.w.b}").status, 403)
        r = self.create(body, "INTERNAL_ADMIN", f"?tenant_id={self.w.b}")
        self.assertEqual(r.status, 201, r)
        iid = r.json()["id"]
        self.assertIn(iid, self.listed("B_ADMIN"))
        self.assertNotIn(iid, self.listed("TENANT_ADMIN"))
        self.assertEqual(self.create(body, "INTERNAL_ADMIN", f"?tenant_id={uuid.uuid4()}").status, 404)
        # another tenant's integration is not found, whatever the verb
        self.assertEqual(self.patch(iid, {"name": "x"}).status, 404)
        self.assertEqual(self.delete(iid).status, 404)
        self.assertEqual(self.patch(iid, {"name": "x"}, "TENANT_USER").status, 403)
        r = self.patch(iid, {"name": "SMTP B"}, "INTERNAL_ADMIN", f"?tenant_id={self.w.b}")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.patch(iid, {"name": "x"}, "INTERNAL_SUPPORT", f"?tenant_id={self.w.b}").status, 403)
        self.assertEqual(self.delete(iid, "INTERNAL_ADMIN", f"?tenant_id={self.w.a}").status, 404)
        self.assertEqual(self.delete(iid, "INTERNAL_ADMIN", f"?tenant_id={self.w.b}").status, 204)

    def test_validation(self):
        cases = [
            ({"type": "crm", "name": "x", "secret": 1}, "secret"),
            ({"type": "fax", "name": "x"}, "type"),
            ({"name": "x"}, "type"),
            ({"type": "crm"}, "name"),
            ({"type": "crm", "name": "  "}, "name"),
            ({"type": "crm", "name": "x" * 121}, "name"),
            ({"type": "crm", "name": "x", "config": [1]}, "config"),
            ({"type": "crm", "name": "x", "credentials": SECRET}, "credentials"),
            ({"type": "crm", "name": "x", "credentials": {}}, "credentials"),
            ({"type": "crm", "name": "x", "credentials": {"k": "v" * 9000}}, "credentials"),
        ]
        for body, field in cases:
            with self.subTest(body=str(body)[:60]):
                r = self.create(body)
                self.assertEqual(r.status, 400, r)
                self.assertEqual(r.headers["content-type"], "application/problem+json")
                self.assertIn(field, r.json()["detail"])
                self.assertNotIn(SECRET, r.body)
        r = self.p.request("POST", ROUTE, raw=b'{"type":"crm","name":"x"}', token=self.tok(),
                           headers={"Content-Type": "text/plain"})
        self.assertEqual(r.status, 415)
        r = self.p.request("POST", ROUTE, raw=b'{"type":', token=self.tok(),
                           headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 400)
        self.made("Duplicado")
        self.assertEqual(self.create({"type": "erp", "name": "Duplicado"}).status, 409)

    # --- edit ---
    def test_patch_fields_credentials_and_audit(self):
        r = self.made("ERP", type="erp", config={"a": 1}, credentials={"password": SECRET})
        iid, etag = r.json()["id"], r.headers["etag"]
        sealed0 = self.p.sql("SELECT credential_sealed FROM tenant_integrations WHERE id = ?", (iid,))[0][0]
        r = self.patch(iid, {"name": "ERP Protheus", "status": "inactive", "config": None}, headers={"If-Match": etag})
        self.assertEqual(r.status, 200, r)
        b = r.json()
        self.assertEqual((b["name"], b["status"], b["config"], b["has_credentials"]),
                         ("ERP Protheus", "inactive", None, True))
        self.assertNotEqual(r.headers["etag"], etag)
        # the old ETag no longer matches
        self.assertEqual(self.patch(iid, {"name": "Stale"}, headers={"If-Match": etag}).status, 412)
        self.assertEqual(self.listed()[iid]["name"], "ERP Protheus")
        # credentials replaced: sealed anew; then cleared with null
        r = self.patch(iid, {"credentials": {"password": SECRET + "2"}}, headers={"If-Match": r.headers["etag"]})
        self.assertEqual(r.status, 200, r)
        sealed1 = self.p.sql("SELECT credential_sealed FROM tenant_integrations WHERE id = ?", (iid,))[0][0]
        self.assertNotEqual(sealed0, sealed1)
        r = self.patch(iid, {"credentials": None, "status": "active"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json()["has_credentials"], r.json()["status"]), (False, "active"))
        self.assertEqual(self.p.sql("SELECT credential_sealed, credentials_key_id FROM tenant_integrations "
                                    "WHERE id = ?", (iid,))[0], (None, None))
        rows = self.audit_rows(iid)
        self.assertEqual([a for a, _ in rows], ["integration.create"] + ["integration.update"] * 3)
        first = rows[1][1]
        self.assertEqual(first["changes"]["name"], {"from": "ERP", "to": "ERP Protheus"})
        self.assertEqual(first["changes"]["status"], {"from": "active", "to": "inactive"})
        self.assertEqual(first["changes"]["config"], {"from": '{"a":1}', "to": None})
        self.assertNotIn("credentials", first)
        self.assertEqual(rows[2][1], {"changes": {}, "credentials": "changed"})
        self.assertEqual(rows[3][1]["credentials"], "changed")
        self.assert_no_secret_anywhere()
        # nothing changed: answered, not written
        r = self.patch(iid, {"name": "ERP Protheus"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(len(self.audit_rows(iid)), 4)

    def test_patch_validation(self):
        iid = self.made("Para validar").json()["id"]
        for body in [{}, {"type": "erp"}, {"status": "error"}, {"status": None}, {"name": None},
                     {"name": 5}, {"credentials": []}, {"config": "x"}]:
            with self.subTest(body=body):
                self.assertEqual(self.patch(iid, body).status, 400, body)
        self.assertEqual(self.patch("not-a-uuid", {"name": "x"}).status, 400)
        self.assertEqual(self.patch(str(uuid.uuid4()), {"name": "x"}).status, 404)
        self.made("Outro nome")
        self.assertEqual(self.patch(iid, {"name": "Outro nome"}).status, 409)
        self.assertEqual(self.patch(iid, {"name": "x"}, headers={"If-Match": '"nope"'}).status, 412)
        self.assertEqual(self.patch(iid, {"name": "Validado"}, headers={"If-Match": "*"}).status, 200)

    def test_delete(self):
        r = self.made("Apagar", credentials={"token": SECRET})
        iid = r.json()["id"]
        self.assertEqual(self.delete(iid, headers={"If-Match": '"old"'}).status, 412)
        r = self.delete(iid, headers={"If-Match": r.headers["etag"]})
        self.assertEqual(r.status, 204, r)
        self.assertEqual(r.body, "")
        self.assertNotIn(iid, self.listed())
        self.assertEqual(self.delete(iid).status, 404)
        (a1, _), (a2, meta) = self.audit_rows(iid)
        self.assertEqual((a1, a2), ("integration.create", "integration.delete"))
        self.assertEqual(meta["changes"]["name"], {"from": "Apagar", "to": None})
        self.assertEqual(meta["credentials"], "changed")
        self.assertEqual(self.delete(iid, "TENANT_USER").status, 403)

    # --- caches follow writes ---
    def test_cached_answers_follow_writes(self):
        admin, staff = self.tok(), self.tok("INTERNAL_SUPPORT")
        detail = f"/internal/tenants/{self.w.a}"
        for path, t in [(ROUTE, admin), (detail, staff), ("/internal/integrations", staff)]:
            self.p.get(path, token=t)
        self.assertEqual(self.p.get(ROUTE, token=admin).headers.get("x-cache"), "hit")
        iid = self.made("Cache novo").json()["id"]
        for path, t in [(ROUTE, admin), (detail, staff), ("/internal/integrations", staff)]:
            r = self.p.get(path, token=t)
            self.assertIn(iid, r.body, path)
        self.patch(iid, {"name": "Cache renomeado"})
        self.assertIn("Cache renomeado", self.p.get(detail, token=staff).body)
        self.assertIn("Cache renomeado", self.p.get(ROUTE, token=admin).body)
        self.report({"integration_id": iid, "status": "error", "synced_at": ago(1), "error": "cache err"})
        self.assertIn("cache err", self.p.get(ROUTE, token=admin).body)
        self.assertIn("cache err", self.p.get(detail, token=staff).body)
        self.delete(iid)
        self.assertNotIn(iid, self.p.get(ROUTE, token=admin).body)
        self.assertNotIn(iid, self.p.get(detail, token=staff).body)

    # --- RESET_TOKEN ---
    def test_reset_token_clears_the_sealed_credentials(self):
        iid = self.made("WhatsApp", type="whatsapp", credentials={"token": SECRET}).json()["id"]
        r = self.p.post("/internal/operations/commands",
                        {"command_type": "RESET_TOKEN", "tenant_id": self.w.a,
                         "parameters": {"integration_id": iid}}, token=self.tok("INTERNAL_ADMIN"))
        self.assertEqual(r.status, 202, r)
        cid = r.json()["command_id"]
        deadline = time.time() + 15
        while time.time() < deadline:
            c = self.p.get(f"/internal/operations/commands/{cid}?wait=5", token=self.tok("INTERNAL_ADMIN")).json()
            if c["status"] in ("SUCCESS", "ERROR"):
                break
        self.assertEqual(c["status"], "SUCCESS", c)
        self.assertTrue(c["result"]["credential_cleared"])
        got = self.listed()[iid]
        self.assertEqual((got["status"], got["has_credentials"]), ("inactive", False))
        self.assertEqual(self.p.sql("SELECT credential_sealed, credentials_key_id FROM tenant_integrations "
                                    "WHERE id = ?", (iid,))[0], (None, None))

    # --- staff list ---
    def test_internal_list_most_recent_error_first(self):
        t = self.p.tenant("Lista Erros Ltda")
        ids = []
        for n in range(3):
            r = self.create({"type": "erp", "name": f"Erro {n}"}, "INTERNAL_ADMIN", f"?tenant_id={t}")
            self.assertEqual(r.status, 201, r)
            ids.append(r.json()["id"])
        for n, iid in enumerate(ids):  # Erro 2 failed last
            r = self.report({"integration_id": iid, "status": "error", "synced_at": ago(300 - n * 100),
                             "error": f"falha {n}"})
            self.assertEqual(r.status, 202, r)
        staff = self.tok("INTERNAL_SUPPORT")
        r = self.p.get(f"/internal/integrations?status=error&tenant_id={t}", token=staff)
        self.assertEqual(r.status, 200, r)
        b = r.json()
        self.assertEqual(set(b), {"integrations", "total", "limit", "offset"})
        self.assertEqual([i["id"] for i in b["integrations"]], list(reversed(ids)))
        self.assertEqual(b["total"], 3)
        row = b["integrations"][0]
        self.assertEqual(set(row), {"id", "tenant_id", "tenant_name", "type", "name", "status",
                                    "last_sync_at", "last_error", "last_error_at"})
        self.assertEqual((row["tenant_id"], row["tenant_name"], row["status"], row["last_error"]),
                         (t, "Lista Erros Ltda", "error", "falha 2"))
        self.assertTrue(row["last_error_at"].endswith("Z"))
        page = self.p.get(f"/internal/integrations?status=error&tenant_id={t}&limit=1&offset=1", token=staff).json()
        self.assertEqual(([i["id"] for i in page["integrations"]], page["total"], page["limit"], page["offset"]),
                         ([ids[1]], 3, 1, 1))
        # the fixture's failing integration of tenant A is there too, across tenants
        every = self.p.get("/internal/integrations?status=error&limit=200", token=staff).json()
        self.assertIn(self.w.integ_err, [i["id"] for i in every["integrations"]])
        self.assertEqual(self.p.get(f"/internal/integrations?type=email&tenant_id={t}", token=staff).json()["total"], 0)
        self.assertEqual(self.p.get(f"/internal/integrations?type=erp&status=all&tenant_id={t}",
                                    token=staff).json()["total"], 3)
        self.assertEqual(self.p.get(f"/internal/integrations?status=active&tenant_id={t}", token=staff).json()["total"], 0)
        for q in ["status=broken", "type=fax", "tenant_id=nope", "limit=0", "limit=201", "offset=-1"]:
            self.assertEqual(self.p.get(f"/internal/integrations?{q}", token=staff).status, 400, q)
        self.assertEqual(self.p.get("/internal/integrations", token=self.tok("TENANT_ADMIN")).status, 403)
        self.assertEqual(self.p.get("/internal/integrations").status, 401)

    # --- sync reports ---
    def test_sync_reports(self):
        iid = self.made("Relatado", type="email").json()["id"]
        r = self.report({"integration_id": iid, "status": "error", "synced_at": ago(60), "error": "535 auth"})
        self.assertEqual(r.status, 202, r)
        self.assertEqual(r.json(), {"integration_id": iid, "status": "error", "applied": True})
        got = self.listed()[iid]
        self.assertEqual((got["status"], got["last_error"]), ("error", "535 auth"))
        self.assertIsNotNone(got["last_sync_at"])
        self.assertNotIn("last_error", self.listed("TENANT_USER")[iid])
        # an older report changes nothing
        r = self.report({"integration_id": iid, "status": "active", "synced_at": ago(120)})
        self.assertEqual((r.status, r.json()["applied"]), (202, False))
        self.assertEqual(self.listed()[iid]["status"], "error")
        # a newer success clears the error
        r = self.report({"integration_id": iid, "status": "active", "synced_at": ago(1)})
        self.assertEqual((r.status, r.json()["applied"]), (202, True))
        got = self.listed()[iid]
        self.assertEqual((got["status"], got["last_error"]), ("active", None))
        self.assertIsNone(self.p.sql("SELECT last_error_at FROM tenant_integrations WHERE id = ?", (iid,))[0][0])
        rows = self.audit_rows(iid)
        self.assertEqual([a for a, _ in rows], ["integration.create", "integration.sync", "integration.sync"])
        self.assertEqual(rows[1][1]["changes"]["status"], {"from": "active", "to": "error"})
        actor, role = self.p.sql("SELECT actor, role FROM operational_events WHERE target = ? AND "
                                 "action = 'integration.sync' ORDER BY seq", (iid,))[0]
        self.assertEqual(role, "ingest_key")
        # a repeated success (same state) is recorded but not audited again
        self.assertEqual(self.report({"integration_id": iid, "status": "active", "synced_at": ago(0)}).status, 202)
        self.assertEqual(len(self.audit_rows(iid)), 3)

    def test_sync_report_refusals(self):
        iid = self.made("Recusas", type="crm").json()["id"]
        ok = {"integration_id": iid, "status": "active", "synced_at": ago(1)}
        for bad in [{}, dict(ok, extra=1), dict(ok, status="broken"), dict(ok, integration_id="x"),
                    dict(ok, synced_at="yesterday"), dict(ok, synced_at=None), dict(ok, error=7)]:
            with self.subTest(body=bad):
                self.assertEqual(self.report(bad).status, 400, bad)
        future = iso(datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1))
        self.assertEqual(self.report(dict(ok, synced_at=future)).status, 422)
        self.assertEqual(self.report(dict(ok, error="no")).status, 422)
        self.assertEqual(self.report(dict(ok, integration_id=str(uuid.uuid4()))).status, 404)
        # a key scoped to tenant B cannot report on tenant A's integration
        self.assertEqual(self.report(ok, key=self.key_b).status, 404)
        # users' tokens are not ingest keys
        self.assertEqual(self.report(ok, key=self.tok()).status, 401)
        self.assertEqual(self.p.post("/ingest/integrations", ok).status, 401)
        # an inactive integration takes no reports
        self.assertEqual(self.patch(iid, {"status": "inactive"}).status, 200)
        self.assertEqual(self.report(ok).status, 409)

    def test_scoped_key_reports_on_its_own_tenant(self):
        r = self.create({"type": "email", "name": "B SMTP"}, "B_ADMIN")
        self.assertEqual(r.status, 201, r)
        iid = r.json()["id"]
        r = self.report({"integration_id": iid, "status": "error", "synced_at": ago(5)}, key=self.key_b)
        self.assertEqual(r.status, 202, r)
        self.assertEqual(self.listed("B_ADMIN")[iid]["last_error"], "sync failed")


if __name__ == "__main__":
    main()
