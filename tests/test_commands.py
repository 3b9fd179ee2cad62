"""Operational commands: every type's effect end to end, validation, permissions,
Idempotency-Key (replay, mismatch, 20 concurrent requests), cancel rules, filters and
paging, long-polling, two workers on one store never double-run, and recovery after a
worker is killed (kill -9)."""
import calendar
import json
import os
import signal
import subprocess
import sys
import threading
import time
import unittest
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import BIN, Painel, db_url, main  # noqa: E402
from fixtures import PASSWORD, World, day, local_day  # noqa: E402

ROUTE = "/internal/operations/commands"
FAST = ["--rate-user-per-min", "1000000", "--rate-user-burst", "100000",
        "--rate-tenant-per-min", "1000000", "--rate-tenant-burst", "100000"]
TERMINAL = {"SUCCESS", "ERROR", "CANCELLED"}


def now_ms():
    return int(time.time() * 1000)


class Client:
    """Command calls for one server and one token."""

    def __init__(self, p, token):
        self.p, self.token = p, token

    def create(self, body, key=None, token=None):
        h = {"Idempotency-Key": key} if key else None
        return self.p.post(ROUTE, body, token=token or self.token, headers=h)

    def get(self, cid, query=""):
        return self.p.get(f"{ROUTE}/{cid}{query}", token=self.token)

    def wait(self, cid, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            r = self.get(cid, "?wait=5")
            assert r.status == 200, r
            if r.json()["status"] in TERMINAL:
                return r.json()
        raise AssertionError(f"command {cid} did not finish")

    def run(self, body):
        r = self.create(body)
        assert r.status == 202, r
        return self.wait(r.json()["command_id"])


def start_worker(db, env):
    proc = subprocess.Popen([BIN, "worker", "--database", db_url(db), "--log-format", "json"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.time() + 20
    while time.time() < deadline:
        line = proc.stderr.readline()
        if "command worker" in line and "running" in line:
            return proc
        if not line and proc.poll() is not None:
            raise AssertionError("painel worker exited")
    raise AssertionError("painel worker did not start")


def stop_worker(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    proc.stderr.close()
    return proc.returncode


class CommandWorld:
    """Mixin: one server (FAST + SERVE_ARGS) with its worker, the shared World data set and
    an admin and a support Client."""

    SERVE_ARGS = ()

    @classmethod
    def setUpClass(cls):
        cls.p = Painel(*FAST, *cls.SERVE_ARGS).start()
        cls.w = World(cls.p)
        cls.admin = Client(cls.p, cls.w.token("INTERNAL_ADMIN"))
        cls.support = Client(cls.p, cls.w.token("INTERNAL_SUPPORT"))

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()


class Effects(CommandWorld, unittest.TestCase):
    """One server with its worker, the shared World data set."""

    def contract(self, tenant, catalog_agent):
        return self.p.sql("SELECT id, status, restart_count, last_restart_at, deactivated_at FROM tenant_agents "
                          "WHERE tenant_id = ? AND agent_id = ?", (tenant, catalog_agent))[0]

    def test_create_answer_lifecycle_and_audit(self):
        r = self.admin.create({"command_type": "FLUSH_TENANT_CACHE", "tenant_id": self.w.a})
        self.assertEqual(r.status, 202, r)
        b = r.json()
        self.assertEqual(b["status"], "PENDING")
        for k in ("command_id", "created_at", "message"):
            self.assertIn(k, b)
        self.assertEqual(r.headers["location"], f"{ROUTE}/{b['command_id']}")
        done = self.admin.wait(b["command_id"])
        self.assertEqual(done["status"], "SUCCESS", done)
        self.assertEqual(done["result"], {"tenant_id": self.w.a, "cache_flushed": True})
        self.assertEqual(done["tenant_name"], "Padaria Estrela Ltda")
        self.assertEqual(done["created_by"], self.w.users["INTERNAL_ADMIN"])
        self.assertEqual(done["parameters"], {})
        self.assertTrue(done["started_at"] and done["completed_at"])
        self.assertIsNone(done["error_message"])
        actions = [a for (a,) in self.p.sql("SELECT action FROM operational_events WHERE target = ? ORDER BY seq",
                                            (b["command_id"],))]
        self.assertEqual(actions, ["command.create", "command.running", "command.success"])
        m = self.p.get("/metrics").body
        self.assertIn('painel_commands_finished_total{type="FLUSH_TENANT_CACHE",status="SUCCESS"}', m)

    def test_flush_tenant_cache_drops_cached_answers(self):
        tok = self.w.token("TENANT_ADMIN")
        self.p.get("/tenant/me", token=tok)
        self.assertEqual(self.p.get("/tenant/me", token=tok).headers.get("x-cache"), "hit")
        self.admin.run({"command_type": "FLUSH_TENANT_CACHE", "tenant_id": self.w.a})
        self.assertEqual(self.p.get("/tenant/me", token=tok).headers.get("x-cache"), "miss")

    def test_reprocess_queue_days_and_dirty_days(self):
        t = self.p.tenant("Reprocessa Ltda")
        agent = self.w.agent1
        base = calendar.timegm(time.strptime(day(20), "%Y-%m-%d")) * 1000  # 00:00 UTC of day 20 ago
        d20 = base // 86400000  # the local days the events below fall on (15:00 UTC: noon)
        for i in range(6):  # day 20 ago: 6 events (2 failed); day 19 ago: 3 events
            self.p.sql("INSERT INTO usage_events(event_id, tenant_id, agent_id, occurred_at_ms, success, "
                       "response_time_ms, tokens_used, cost_cents, ingested_at_ms, local_day) VALUES (?,?,?,?,?,?,?,?,?,?)",
                       (str(uuid.uuid4()), t, agent, base + 15 * 3600000 + i, 0 if i < 2 else 1, 100, 10, 1, base,
                        d20))
        for i in range(3):
            self.p.sql("INSERT INTO usage_events(event_id, tenant_id, agent_id, occurred_at_ms, success, "
                       "response_time_ms, tokens_used, cost_cents, ingested_at_ms, local_day) VALUES (?,?,?,?,?,?,?,?,?,?)",
                       (str(uuid.uuid4()), t, agent, base + 86400000 + 15 * 3600000 + i, 1, 200, 10, 1, base,
                        d20 + 1))
        out = self.admin.run({"command_type": "REPROCESS_QUEUE", "tenant_id": t,
                              "parameters": {"from": day(20), "to": day(19)}})
        self.assertEqual(out["status"], "SUCCESS", out)
        self.assertEqual(out["result"]["mode"], "days")
        self.assertEqual(out["result"]["days_processed"], 2)
        rows = self.p.sql("SELECT day, total_requests, failed_requests FROM tenant_usage_daily WHERE tenant_id = ? "
                          "ORDER BY day", (t,))
        self.assertEqual(rows, [(day(20), 6, 2), (day(19), 3, 0)])
        # A late event marks its day dirty; REPROCESS_QUEUE without days picks it up.
        self.p.sql("INSERT INTO usage_events(event_id, tenant_id, agent_id, occurred_at_ms, success, "
                   "response_time_ms, tokens_used, cost_cents, ingested_at_ms, local_day) VALUES (?,?,?,?,?,?,?,?,?,?)",
                   (str(uuid.uuid4()), t, agent, base + 86400000 + 15 * 3600000 + 99, 0, 200, 10, 1, base, d20 + 1))
        self.p.sql("INSERT INTO usage_dirty_days(day, tenant_id, marked_at) VALUES (?,?,?)",
                   (day(19), t, "2026-01-01T00:00:00Z"))
        out = self.admin.run({"command_type": "REPROCESS_QUEUE", "tenant_id": t})
        self.assertEqual(out["status"], "SUCCESS", out)
        self.assertEqual(out["result"]["mode"], "dirty_days")
        self.assertEqual((out["result"]["from"], out["result"]["days_processed"]), (day(19), 1))
        self.assertEqual(self.p.sql("SELECT total_requests, failed_requests FROM tenant_usage_daily "
                                    "WHERE tenant_id = ? AND day = ?", (t, day(19))), [(4, 1)])
        self.assertEqual(self.p.sql("SELECT count(*) FROM usage_dirty_days WHERE tenant_id = ?", (t,)), [(0,)])

    def test_reset_token_of_integration(self):
        iid = str(uuid.uuid4())
        self.p.sql("INSERT INTO tenant_integrations(id, tenant_id, type, name, status, credential_sealed, "
                   "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)",
                   (iid, self.w.a, "crm", "CRM", "active", "sealed-secret", "2026-01-01T00:00:00Z",
                    "2026-01-01T00:00:00Z"))
        tok = self.w.token("TENANT_ADMIN")
        self.p.get("/tenant/integrations", token=tok)  # warm the cache
        out = self.support.run({"command_type": "RESET_TOKEN", "tenant_id": self.w.a,
                                "parameters": {"integration_id": iid}})
        self.assertEqual(out["status"], "SUCCESS", out)
        self.assertTrue(out["result"]["credential_cleared"])
        self.assertEqual(self.p.sql("SELECT credential_sealed, status, last_error FROM tenant_integrations "
                                    "WHERE id = ?", (iid,)), [(None, "inactive", "reconnect required")])
        seen = {i["id"]: i for i in self.p.get("/tenant/integrations", token=tok).json()["integrations"]}
        self.assertEqual(seen[iid]["status"], "inactive")

    def test_reset_token_of_user_revokes_sessions(self):
        email = "reset-me@a.com"
        uid = self.p.user(email, "TENANT_USER", self.w.a)
        pair1, pair2 = self.p.login(email, PASSWORD), self.p.login(email, PASSWORD)
        out = self.admin.run({"command_type": "RESET_TOKEN", "tenant_id": self.w.a,
                              "parameters": {"user_id": uid}})
        self.assertEqual(out["status"], "SUCCESS", out)
        self.assertEqual(out["result"]["sessions_revoked"], 2)
        for pair in (pair1, pair2):
            self.assertEqual(self.p.post("/auth/refresh", {"refresh_token": pair["refresh_token"]}).status, 401)
        self.assertEqual(self.p.sql("SELECT count(*) FROM sessions WHERE user_id = ? AND revoked_at_ms IS NULL",
                                    (uid,)), [(0,)])

    def test_restart_agent(self):
        before = self.contract(self.w.a, self.w.agent3)  # inactive in the World
        self.assertEqual(before[1], "inactive")
        out = self.support.run({"command_type": "RESTART_AGENT", "tenant_id": self.w.a,
                                "parameters": {"agent_id": self.w.agent3}})
        self.assertEqual(out["status"], "SUCCESS", out)
        after = self.contract(self.w.a, self.w.agent3)
        self.assertEqual((after[1], after[2]), ("active", before[2] + 1))
        self.assertIsNotNone(after[3])
        self.assertEqual(out["result"]["restart_count"], after[2])
        # the contract's own id is accepted too
        out = self.support.run({"command_type": "RESTART_AGENT", "tenant_id": self.w.a,
                                "parameters": {"agent_id": after[0]}})
        self.assertEqual(self.contract(self.w.a, self.w.agent3)[2], before[2] + 2)
        self.admin.run({"command_type": "PAUSE_AGENT", "tenant_id": self.w.a,
                        "parameters": {"agent_id": self.w.agent3}})

    def test_pause_and_resume_agent_change_status_and_mrr(self):
        t = self.p.tenant("Pausa Ltda")  # starter: 499.00
        self.p.sql("INSERT INTO tenant_agents(id, tenant_id, agent_id, status, activated_at) VALUES (?,?,?,?,?)",
                   (str(uuid.uuid4()), t, self.w.agent2, "active", "2026-01-01T00:00:00Z"))
        u = "pausa@a.com"
        self.p.user(u, "TENANT_ADMIN", t)
        tok = self.p.login(u, PASSWORD)["access_token"]
        self.p.get("/tenant/agents?status=all", token=tok)  # warm the cache
        out = self.admin.run({"command_type": "PAUSE_AGENT", "tenant_id": t,
                              "parameters": {"agent_id": self.w.agent2}})
        self.assertEqual(out["status"], "SUCCESS", out)
        self.assertEqual(out["result"]["status"], "inactive")
        row = self.contract(t, self.w.agent2)
        self.assertEqual(row[1], "inactive")
        self.assertIsNotNone(row[4])
        agents = self.p.get("/tenant/agents?status=all", token=tok).json()["agents"]
        self.assertEqual([a["status"] for a in agents], ["inactive"])
        self.assertEqual(self.p.get("/tenant/me", token=tok).json()["mrr_estimate"], 499)
        out = self.admin.run({"command_type": "RESUME_AGENT", "tenant_id": t,
                              "parameters": {"agent_id": self.w.agent2}})
        self.assertEqual(out["status"], "SUCCESS", out)
        row = self.contract(t, self.w.agent2)
        self.assertEqual((row[1], row[4]), ("active", None))
        self.assertEqual(self.p.get("/tenant/me", token=tok).json()["mrr_estimate"], 499 + 299)

    def test_health_check_reports_and_opens_one_incident(self):
        t = self.p.tenant("Saude Ltda")
        self.p.sql("INSERT INTO tenant_agents(id, tenant_id, agent_id, status, activated_at) VALUES (?,?,?,?,?)",
                   (str(uuid.uuid4()), t, self.w.agent1, "active", "2026-01-01T00:00:00Z"))
        out = self.admin.run({"command_type": "HEALTH_CHECK", "tenant_id": t})
        self.assertEqual(out["status"], "SUCCESS", out)
        self.assertTrue(out["result"]["healthy"])
        self.assertIsNone(out["result"]["incident_id"])
        now = now_ms()
        for i in range(20):  # 8 of 20 failed in the last hour: 40 % > 20 %
            self.p.sql("INSERT INTO usage_events(event_id, tenant_id, agent_id, occurred_at_ms, success, "
                       "response_time_ms, tokens_used, cost_cents, ingested_at_ms, local_day) VALUES (?,?,?,?,?,?,?,?,?,?)",
                       (str(uuid.uuid4()), t, self.w.agent1, now - 60000 - i, 0 if i < 8 else 1, 100, 1, 1, now,
                        local_day(now - 60000 - i)))
        out = self.support.run({"command_type": "HEALTH_CHECK", "tenant_id": t})
        o = out["result"]
        self.assertFalse(o["healthy"], o)
        self.assertEqual(o["agents"][0]["requests_24h"], 20)
        self.assertEqual(o["agents"][0]["errors_24h"], 8)
        self.assertEqual(o["agents"][0]["error_rate"], 40.0)
        self.assertTrue(o["incident_opened"])
        self.assertEqual(self.p.sql("SELECT status, source FROM incidents WHERE id = ?", (o["incident_id"],)),
                         [("open", "health_check")])
        again = self.support.run({"command_type": "HEALTH_CHECK", "tenant_id": t})["result"]
        self.assertEqual((again["incident_id"], again["incident_opened"]), (o["incident_id"], False))
        # integrations in error count too (tenant A's WhatsApp), and a global check lists both
        a = self.admin.run({"command_type": "HEALTH_CHECK", "tenant_id": self.w.a})["result"]
        self.assertTrue(any("WhatsApp" in p for p in a["problems"]), a)
        g = self.admin.run({"command_type": "HEALTH_CHECK"})
        self.assertEqual(g["status"], "SUCCESS", g)
        self.assertIsNone(g["tenant_id"])
        degraded = {d["tenant_id"] for d in g["result"]["degraded"]}
        self.assertTrue({t, self.w.a} <= degraded, g["result"])

    def test_resolve_incident(self):
        iid = next(i for i in self.w.incidents
                   if self.p.sql("SELECT status FROM incidents WHERE id = ?", (i,))[0][0] == "open")
        tok = self.w.token("TENANT_ADMIN")
        self.p.get("/tenant/incidents?status=open", token=tok)  # warm the cache
        out = self.support.run({"command_type": "RESOLVE_INCIDENT", "tenant_id": self.w.a,
                                "parameters": {"incident_id": iid}})
        self.assertEqual(out["status"], "SUCCESS", out)
        row = self.p.sql("SELECT status, resolved_by FROM incidents WHERE id = ?", (iid,))[0]
        self.assertEqual(row, ("resolved", self.w.users["INTERNAL_SUPPORT"]))
        open_ids = {i["id"] for i in self.p.get("/tenant/incidents?status=open&limit=200", token=tok).json()["incidents"]}
        self.assertNotIn(iid, open_ids)
        r = self.support.create({"command_type": "RESOLVE_INCIDENT", "tenant_id": self.w.a,
                                 "parameters": {"incident_id": iid}})
        self.assertEqual(r.status, 422, r)
        self.assertIn("incident_id", r.json()["detail"])
        gid = str(uuid.uuid4())  # a global incident: no tenant
        self.p.sql("INSERT INTO incidents(id, tenant_id, severity, title, status, created_at) VALUES (?,?,?,?,?,?)",
                   (gid, None, "error", "Global", "open", "2026-01-01T00:00:00Z"))
        out = self.admin.run({"command_type": "RESOLVE_INCIDENT", "parameters": {"incident_id": gid}})
        self.assertEqual(out["status"], "SUCCESS", out)

    def test_suspend_and_reactivate_tenant(self):
        t = self.p.tenant("Suspensa Ltda")
        self.p.user("susp@a.com", "TENANT_USER", t)
        tok = self.p.login("susp@a.com", PASSWORD)["access_token"]
        self.assertEqual(self.p.get("/auth/me", token=tok).status, 200)
        out = self.admin.run({"command_type": "SUSPEND_TENANT", "tenant_id": t})
        self.assertEqual((out["status"], out["result"]["status"]), ("SUCCESS", "suspended"))
        r = self.p.get("/auth/me", token=tok)
        self.assertEqual(r.status, 403)
        self.assertIn("tenant suspended", r.json()["detail"])
        out = self.admin.run({"command_type": "REACTIVATE_TENANT", "tenant_id": t})
        self.assertEqual((out["status"], out["result"]["status"]), ("SUCCESS", "active"))
        self.assertEqual(self.p.get("/auth/me", token=tok).status, 200)
        hist = self.p.sql("SELECT new_status FROM tenant_status_history WHERE tenant_id = ? ORDER BY id", (t,))
        self.assertEqual([h for (h,) in hist][-2:], ["suspended", "active"])

    def test_validation(self):
        a = self.admin
        cases = [
            ({"tenant_id": self.w.a}, 422, "command_type"),
            ({"command_type": "DROP_EVERYTHING", "tenant_id": self.w.a}, 422, "command_type"),
            ({"command_type": "RESTART_AGENT", "tenant_id": self.w.a}, 422, "agent_id"),
            ({"command_type": "RESTART_AGENT", "tenant_id": self.w.a, "parameters": {"agent_id": "x"}}, 422, "agent_id"),
            ({"command_type": "RESTART_AGENT", "tenant_id": self.w.b,  # contracted by A only
              "parameters": {"agent_id": self.w.agent2}}, 422, "agent_id"),
            ({"command_type": "RESET_TOKEN", "tenant_id": self.w.b,  # A's integration
              "parameters": {"integration_id": self.w.integ_err}}, 422, "integration_id"),
            ({"command_type": "RESET_TOKEN", "tenant_id": self.w.b,  # A's user
              "parameters": {"user_id": self.w.users["TENANT_USER"]}}, 422, "user_id"),
            ({"command_type": "RESET_TOKEN", "tenant_id": self.w.a, "parameters": {}}, 422, "integration_id"),
            ({"command_type": "RESOLVE_INCIDENT", "tenant_id": self.w.b,  # A's incident
              "parameters": {"incident_id": self.w.incidents[1]}}, 422, "incident_id"),
            ({"command_type": "REPROCESS_QUEUE", "tenant_id": self.w.a,
              "parameters": {"from": "2026-02-30"}}, 422, "from"),
            ({"command_type": "FLUSH_TENANT_CACHE", "tenant_id": self.w.a, "parameters": {"x": "1"}}, 422, "x"),
            ({"command_type": "FLUSH_TENANT_CACHE", "tenant_id": self.w.a, "parameters": []}, 422, "parameters"),
            ({"command_type": "FLUSH_TENANT_CACHE"}, 422, "tenant_id"),
            ({"command_type": "FLUSH_TENANT_CACHE", "tenant_id": "not-a-uuid"}, 422, "tenant_id"),
            ({"command_type": "FLUSH_TENANT_CACHE", "tenant_id": str(uuid.uuid4())}, 404, "tenant"),
        ]
        for body, status, word in cases:
            r = a.create(body)
            self.assertEqual(r.status, status, (body, r))
            self.assertEqual(r.headers["content-type"], "application/problem+json")
            self.assertIn(word, r.json()["detail"], (body, r))
        r = self.p.post(ROUTE, raw=b"{nope", token=a.token, headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 400)
        r = self.p.post(ROUTE, raw=b"{}", token=a.token, headers={"Content-Type": "text/plain"})
        self.assertEqual(r.status, 415)
        self.assertEqual(a.get("nope").status, 400)
        self.assertEqual(a.get(str(uuid.uuid4())).status, 404)
        for q in ("?wait=abc", "?wait=-1", "?wait=999", "?wait=1&status_not=DONE"):
            self.assertEqual(a.get(str(uuid.uuid4()), q).status, 400, q)

    def test_permissions_per_type_and_route(self):
        for t in ("SUSPEND_TENANT", "REACTIVATE_TENANT"):
            r = self.support.create({"command_type": t, "tenant_id": self.w.b})
            self.assertEqual(r.status, 403, r)
            self.assertIn("INTERNAL_SUPPORT", r.json()["detail"])
        for t in ("PAUSE_AGENT", "RESUME_AGENT"):
            r = self.support.create({"command_type": t, "tenant_id": self.w.b,
                                     "parameters": {"agent_id": self.w.agent1}})
            self.assertEqual(r.status, 403, r)
        self.assertEqual(self.support.create({"command_type": "HEALTH_CHECK", "tenant_id": self.w.b}).status, 202)
        cid = self.admin.create({"command_type": "HEALTH_CHECK", "tenant_id": self.w.b}).json()["command_id"]
        self.assertEqual(self.support.get(cid).status, 200)
        for who in ("TENANT_ADMIN", "TENANT_USER"):
            tok = self.w.token(who)
            calls = [("POST", ROUTE, {"command_type": "FLUSH_TENANT_CACHE", "tenant_id": self.w.a}),
                     ("GET", ROUTE, None), ("GET", f"{ROUTE}/{cid}", None),
                     ("POST", f"{ROUTE}/{cid}/cancel", None)]
            for method, path, body in calls:
                r = self.p.request(method, path, body=body, token=tok)
                self.assertEqual(r.status, 403, (who, method, path, r))
        self.assertEqual(self.p.get(ROUTE).status, 401)

    def test_idempotency_replay_mismatch_and_scope(self):
        body = {"command_type": "HEALTH_CHECK", "tenant_id": self.w.b}
        key = "key-" + str(uuid.uuid4())
        r1 = self.admin.create(body, key=key)
        self.assertEqual(r1.status, 202, r1)
        r2 = self.admin.create({"tenant_id": self.w.b, "command_type": "HEALTH_CHECK"}, key=key)  # same meaning
        self.assertEqual(r2.status, 202, r2)
        self.assertEqual(r2.json(), r1.json())
        self.assertEqual(r2.headers.get("idempotent-replayed"), "true")
        r3 = self.admin.create({"command_type": "FLUSH_TENANT_CACHE", "tenant_id": self.w.b}, key=key)
        self.assertEqual(r3.status, 422, r3)
        self.assertIn("Idempotency-Key", r3.json()["detail"])
        # scoped to the user: the same key of another user is another request
        r4 = self.support.create(body, key=key)
        self.assertEqual(r4.status, 202, r4)
        self.assertNotEqual(r4.json()["command_id"], r1.json()["command_id"])
        # validation failures are not stored: the key is still free afterwards
        key2 = "key-" + str(uuid.uuid4())
        self.assertEqual(self.admin.create({"command_type": "NOPE", "tenant_id": self.w.b}, key=key2).status, 422)
        self.assertEqual(self.admin.create(body, key=key2).status, 202)
        self.assertEqual(self.admin.create(body, key="k" * 256).status, 400)
        self.assertEqual(self.admin.create(body, key="k" * 255).status, 202)
        n = self.p.sql("SELECT count(*) FROM operational_commands WHERE id = ?", (r1.json()["command_id"],))
        self.assertEqual(n, [(1,)])

    def test_idempotency_twenty_concurrent_requests_create_one_command(self):
        t = self.p.tenant("Concorrente Ltda")
        key = "parallel-" + str(uuid.uuid4())
        body = {"command_type": "FLUSH_TENANT_CACHE", "tenant_id": t}
        results = []
        barrier = threading.Barrier(20)

        def post():
            barrier.wait()
            r = self.admin.create(body, key=key)
            results.append(r)

        threads = [threading.Thread(target=post) for _ in range(20)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        self.assertEqual(self.p.sql("SELECT count(*) FROM operational_commands WHERE tenant_id = ?", (t,)), [(1,)])
        self.assertTrue(all(r.status in (202, 409) for r in results), [r.status for r in results])
        ids = {r.json()["command_id"] for r in results if r.status == 202}
        self.assertEqual(len(ids), 1)
        # once finished, every retry replays the same answer
        r = self.admin.create(body, key=key)
        self.assertEqual((r.status, r.json()["command_id"]), (202, ids.pop()))

    def test_long_poll_returns_on_change(self):
        r = self.admin.create({"command_type": "FLUSH_TENANT_CACHE", "tenant_id": self.w.b})
        cid = r.json()["command_id"]
        t0 = time.time()
        got = self.admin.get(cid, "?wait=10&status_not=PENDING").json()
        self.assertLess(time.time() - t0, 3)
        self.assertIn(got["status"], ("RUNNING", "SUCCESS"))
        self.assertEqual(self.admin.wait(cid)["status"], "SUCCESS")
        # a finished command answers at once
        t0 = time.time()
        self.assertEqual(self.admin.get(cid, "?wait=10").json()["status"], "SUCCESS")
        self.assertLess(time.time() - t0, 1)


class Queue(unittest.TestCase):
    """A server without jobs (commands stay PENDING): cancel rules, filters, paging,
    long-polling on a cancel."""

    @classmethod
    def setUpClass(cls):
        cls.p = Painel(*FAST, "--no-jobs").start()
        cls.p.user("admin@alq.ai", "INTERNAL_ADMIN")
        cls.c = Client(cls.p, cls.p.login("admin@alq.ai", PASSWORD)["access_token"])
        cls.t1 = cls.p.tenant("Primeira Ltda")
        cls.t2 = cls.p.tenant("Segunda Ltda")

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()

    def new(self, typ="FLUSH_TENANT_CACHE", tenant=None):
        r = self.c.create({"command_type": typ, "tenant_id": tenant or self.t1})
        self.assertEqual(r.status, 202, r)
        return r.json()["command_id"]

    def cancel(self, cid):
        return self.p.post(f"{ROUTE}/{cid}/cancel", token=self.c.token)

    def test_cancel_rules(self):
        cid = self.new()
        r = self.cancel(cid)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["status"], "CANCELLED")
        self.assertIsNotNone(r.json()["completed_at"])
        self.assertEqual(self.cancel(cid).status, 409)
        for status in ("RUNNING", "SUCCESS", "ERROR"):
            other = self.new()
            self.p.sql("UPDATE operational_commands SET status = ? WHERE id = ?", (status, other))
            r = self.cancel(other)
            self.assertEqual(r.status, 409, r)
            self.assertIn(status, r.json()["detail"])
        self.assertEqual(self.cancel(str(uuid.uuid4())).status, 404)
        self.assertEqual(self.cancel("nope").status, 400)
        self.assertEqual(self.p.sql("SELECT count(*) FROM operational_events WHERE action = 'command.cancel' "
                                    "AND target = ?", (cid,)), [(1,)])

    def test_filters_and_paging(self):
        t = self.p.tenant("Filtros Ltda")
        ids = [self.new("HEALTH_CHECK" if i % 3 == 0 else "FLUSH_TENANT_CACHE", t) for i in range(7)]
        self.cancel(ids[0])
        r = self.p.get(f"{ROUTE}?tenant_id={t}", token=self.c.token).json()
        self.assertEqual(r["total"], 7)
        # newest first, ties (same millisecond) broken by id
        newest = [i for (i,) in self.p.sql("SELECT id FROM operational_commands WHERE tenant_id = ? "
                                           "ORDER BY created_at DESC, id DESC", (t,))]
        self.assertEqual(sorted(newest), sorted(ids))
        self.assertEqual([c["command_id"] for c in r["commands"]], newest)
        self.assertEqual(r["commands"][0]["created_at"], max(c["created_at"] for c in r["commands"]))
        self.assertTrue(all(c["tenant_name"] == "Filtros Ltda" for c in r["commands"]))
        self.assertEqual(r["commands"][0]["parameters"], {})
        r = self.p.get(f"{ROUTE}?tenant_id={t}&command_type=HEALTH_CHECK", token=self.c.token).json()
        self.assertEqual(r["total"], 3)
        r = self.p.get(f"{ROUTE}?tenant_id={t}&status=CANCELLED", token=self.c.token).json()
        self.assertEqual([c["command_id"] for c in r["commands"]], [ids[0]])
        r = self.p.get(f"{ROUTE}?tenant_id={t}&status=PENDING&command_type=FLUSH_TENANT_CACHE", token=self.c.token)
        self.assertEqual(r.json()["total"], 4)
        pages = []
        for off in (0, 3, 6):
            r = self.p.get(f"{ROUTE}?tenant_id={t}&limit=3&offset={off}", token=self.c.token).json()
            self.assertEqual(r["total"], 7)
            pages += [c["command_id"] for c in r["commands"]]
        self.assertEqual(pages, newest)
        for q in ("status=DONE", "command_type=NOPE", "tenant_id=x", "limit=0", "limit=201", "offset=-1"):
            self.assertEqual(self.p.get(f"{ROUTE}?{q}", token=self.c.token).status, 400, q)

    def test_long_poll_wakes_on_cancel_and_times_out(self):
        cid = self.new()
        t0 = time.time()
        got = self.c.get(cid, "?wait=1").json()
        self.assertGreaterEqual(time.time() - t0, 0.9)
        self.assertEqual(got["status"], "PENDING")
        threading.Timer(0.5, lambda: self.cancel(cid)).start()
        t0 = time.time()
        got = self.c.get(cid, "?wait=10").json()
        self.assertEqual(got["status"], "CANCELLED")
        self.assertLess(time.time() - t0, 3)


class Workers(unittest.TestCase):
    """Several workers on one SQLite store; a killed worker's commands are recovered."""

    def test_two_instances_and_a_worker_never_double_run(self):
        a = Painel(*FAST).start()
        b = Painel(*FAST, db=a.db).start()
        w = start_worker(a.db, a.env)
        try:
            t = a.tenant("Muitos Ltda")
            a.user("admin@alq.ai", "INTERNAL_ADMIN")
            tok = a.login("admin@alq.ai", PASSWORD)["access_token"]
            clients = [Client(a, tok), Client(b, tok)]
            ids, errors = [], []

            def post(n0):
                for i in range(n0, 500, 10):
                    typ = "HEALTH_CHECK" if i % 5 == 0 else "FLUSH_TENANT_CACHE"
                    r = clients[i % 2].create({"command_type": typ, "tenant_id": t})
                    (ids if r.status == 202 else errors).append(r.json().get("command_id", r))

            threads = [threading.Thread(target=post, args=(k,)) for k in range(10)]
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            self.assertEqual((len(ids), errors), (500, []))
            deadline = time.time() + 90
            while time.time() < deadline:
                left = a.sql("SELECT count(*) FROM operational_commands WHERE status IN ('PENDING','RUNNING')")[0][0]
                if left == 0:
                    break
                time.sleep(0.2)
            rows = a.sql("SELECT status, attempts, worker_id FROM operational_commands WHERE tenant_id = ?", (t,))
            self.assertEqual(len(rows), 500)
            self.assertEqual({(s, n) for s, n, _ in rows}, {("SUCCESS", 1)})
            workers = {wid for _, _, wid in rows}
            self.assertGreaterEqual(len(workers), 2, workers)
            runs = a.sql("SELECT target, count(*) FROM operational_events WHERE action = 'command.running' "
                         "GROUP BY target")
            self.assertEqual(len(runs), 500)
            self.assertEqual({n for _, n in runs}, {1})
            self.assertEqual(a.sql("SELECT count(*) FROM operational_events WHERE action = 'command.success'"),
                             [(500,)])
            self.assertEqual(stop_worker(w), 0)
        finally:
            if w.poll() is None:
                w.kill()
                w.wait()
            b.cleanup()
            a.cleanup()

    def test_killed_worker_commands_are_recovered(self):
        p = Painel(*FAST).start()
        try:
            w = World(p)
            admin = Client(p, w.token("INTERNAL_ADMIN"))
            ids = [admin.create({"command_type": "HEALTH_CHECK", "tenant_id": w.a}).json()["command_id"]
                   for _ in range(100)]
            p.stop(signal.SIGKILL)  # mid-run: some SUCCESS, maybe one RUNNING, the rest PENDING
            # Simulate what the dead worker leaves behind once its lease has expired: a safe
            # command and an unsafe one (RESTART_AGENT) still RUNNING.
            past = now_ms() - 1000
            p.sql("UPDATE operational_commands SET lease_until_ms = ? WHERE status = 'RUNNING'", (past,))
            p.sql("UPDATE operational_commands SET status = 'RUNNING', worker_id = 'dead:1:x', attempts = 1, "
                  "lease_until_ms = ? WHERE id = ?", (past, ids[-1]))
            unsafe = str(uuid.uuid4())
            params = json.dumps({"agent_id": w.agent1})
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
            p.sql("INSERT INTO operational_commands(id, command_type, tenant_id, parameters, status, created_by, "
                  "created_by_role, created_at, started_at, worker_id, lease_until_ms, attempts) "
                  "VALUES (?,?,?,?,'RUNNING',?,?,?,?,?,?,1)",
                  (unsafe, "RESTART_AGENT", w.a, params, w.users["INTERNAL_ADMIN"], "INTERNAL_ADMIN",
                   stamp, stamp, "dead:1:x", past))
            restarts = p.sql("SELECT restart_count FROM tenant_agents WHERE tenant_id = ? AND agent_id = ?",
                             (w.a, w.agent1))
            # restart with the worker alone
            worker = start_worker(p.db, p.env)
            try:
                deadline = time.time() + 30
                while time.time() < deadline:
                    if p.sql("SELECT count(*) FROM operational_commands WHERE status IN ('PENDING','RUNNING')")[0][0] == 0:
                        break
                    time.sleep(0.2)
                rows = dict(p.sql("SELECT id, status FROM operational_commands"))
                self.assertTrue(all(rows[i] == "SUCCESS" for i in ids), [rows[i] for i in ids])
                self.assertEqual(p.sql("SELECT attempts FROM operational_commands WHERE id = ?", (ids[-1],)), [(2,)])
                self.assertEqual(p.sql("SELECT count(*) FROM operational_events WHERE action = 'command.requeued' "
                                       "AND target = ?", (ids[-1],)), [(1,)])
                status, msg = p.sql("SELECT status, error_message FROM operational_commands WHERE id = ?",
                                    (unsafe,))[0]
                self.assertEqual(status, "ERROR")
                self.assertIn("not safe to run twice", msg)
                self.assertIn("dead:1:x", msg)
                # the unsafe command's effect did not run a second time
                self.assertEqual(p.sql("SELECT restart_count FROM tenant_agents WHERE tenant_id = ? AND agent_id = ?",
                                       (w.a, w.agent1)), restarts)
            finally:
                self.assertEqual(stop_worker(worker), 0)
        finally:
            p.cleanup()


if __name__ == "__main__":
    main()
