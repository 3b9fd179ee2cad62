"""Issue 21, items 1 and 3: the original console's command bodies are accepted and a command's
`output` is the original's `string | null` (a one-line summary; the structure is in `result`).

Bodies are the shapes the original's console, docs and integration test send:
`{command_type, tenant_id?, parameters}` with `parameters.tenant_id` standing for the
top-level tenant, RESET_TOKEN `{tenant_id, integration_id}`, RESTART_AGENT
`{tenant_id, agent_id}`, REPROCESS_QUEUE `{queue_name, max_messages | message_count |
message_ids}` (no tenant: every tenant's usage)."""
import os
import sys
import unittest
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import main  # noqa: E402
from test_commands import ROUTE, CommandWorld  # noqa: E402


class CompatCommands(CommandWorld, unittest.TestCase):
    # SUSPEND_TENANT waits for approval: a command that deterministically never finishes.
    SERVE_ARGS = ("--require-approval", "SUSPEND_TENANT")

    def assert_finished_shape(self, c):
        """output: a one-line string once SUCCESS, null otherwise; result: the structure."""
        if c["status"] == "SUCCESS":
            self.assertIsInstance(c["output"], str, c)
            self.assertNotIn("\n", c["output"])
            self.assertFalse(c["output"].lstrip().startswith("{"), c)
            self.assertIsInstance(c["result"], dict, c)
        else:
            self.assertIsNone(c["output"], c)
            if c["status"] != "ERROR":
                self.assertIsNone(c["result"], c)

    def run_ok(self, body, client=None):
        out = (client or self.admin).run(body)
        self.assertEqual(out["status"], "SUCCESS", out)
        self.assert_finished_shape(out)
        return out

    def create_meta(self, cid):
        rows = self.p.sql("SELECT tenant_id, metadata FROM operational_events WHERE action = 'command.create' "
                          "AND target = ?", (cid,))
        self.assertEqual(len(rows), 1)
        return rows[0]

    # --- item 3: the original's bodies ---

    def test_reset_token_with_tenant_in_parameters(self):
        iid = str(uuid.uuid4())
        self.p.sql("INSERT INTO tenant_integrations(id, tenant_id, type, name, status, credential_sealed, "
                   "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)",
                   (iid, self.w.a, "crm", "CRM Compat", "active", "sealed-secret-value",
                    "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"))
        out = self.run_ok({"command_type": "RESET_TOKEN",
                           "parameters": {"tenant_id": self.w.a, "integration_id": iid}}, self.support)
        self.assertEqual(out["tenant_id"], self.w.a)
        self.assertEqual(out["parameters"], {"integration_id": iid})  # the tenant is not a parameter
        self.assertTrue(out["result"]["credential_cleared"])
        self.assertIn("CRM Compat", out["output"])
        self.assertIn("reset", out["output"].lower())
        tenant, meta = self.create_meta(out["command_id"])
        self.assertEqual(tenant, self.w.a)
        self.assertNotIn("sealed-secret-value", meta)

    def test_restart_agent_with_tenant_in_parameters_and_both_equal(self):
        out = self.run_ok({"command_type": "RESTART_AGENT",
                           "parameters": {"tenant_id": self.w.a, "agent_id": self.w.agent1}})
        self.assertEqual(out["tenant_id"], self.w.a)
        self.assertEqual(out["result"]["status"], "active")
        self.assertIn("restarted", out["output"])
        both = self.run_ok({"command_type": "RESTART_AGENT", "tenant_id": self.w.a.upper(),
                            "parameters": {"tenant_id": self.w.a, "agent_id": self.w.agent1}})
        self.assertEqual(both["tenant_id"], self.w.a)
        self.assertEqual(both["result"]["restart_count"], out["result"]["restart_count"] + 1)

    def test_health_check_as_the_original_posts_it(self):
        out = self.run_ok({"command_type": "HEALTH_CHECK", "parameters": {}})
        self.assertIsNone(out["tenant_id"])
        self.assertIn("Health check", out["output"])
        one = self.run_ok({"command_type": "HEALTH_CHECK", "parameters": {"tenant_id": self.w.b}})
        self.assertEqual(one["tenant_id"], self.w.b)
        self.assertEqual(one["result"]["tenant_id"], self.w.b)

    def test_reprocess_queue_of_the_integration_test_without_tenant(self):
        out = self.run_ok({"command_type": "REPROCESS_QUEUE",
                           "parameters": {"queue_name": "test-queue", "max_messages": 100}})
        self.assertIsNone(out["tenant_id"])
        self.assertEqual(out["parameters"], {"queue_name": "test-queue", "max_messages": 100})
        r = out["result"]
        self.assertEqual((r["scope"], r["queue_name"], r["reprocessed"]),
                         ("all_tenants", "test-queue", "usage_aggregation"))
        self.assertIn("'test-queue'", out["output"])
        self.assertIn("every tenant's usage", out["output"])
        self.assertIn("max_messages not applied", out["output"])

    def test_reprocess_queue_of_the_console_for_a_tenant(self):
        out = self.run_ok({"command_type": "REPROCESS_QUEUE", "tenant_id": self.w.b,
                           "parameters": {"queue_name": "leads", "message_ids": ["msg-123", "msg-456"],
                                          "message_count": 2}})
        self.assertEqual(out["tenant_id"], self.w.b)
        self.assertEqual(out["result"]["scope"], "tenant")
        self.assertIn("Queue 'leads' reprocessed as the tenant's usage", out["output"])
        self.assertIn("message_ids, message_count not applied", out["output"])
        days = self.run_ok({"command_type": "REPROCESS_QUEUE",
                            "parameters": {"tenant_id": self.w.b, "queue_name": "leads",
                                           "from": "2026-01-01", "to": "2026-01-02"}})
        self.assertEqual(days["result"]["days_processed"], 2)
        self.assertIn("2 days re-aggregated (2026-01-01 to 2026-01-02)", days["output"])

    def test_refusals(self):
        a = self.admin
        other = self.w.b
        cases = [
            ({"command_type": "RESTART_AGENT", "tenant_id": self.w.a,
              "parameters": {"tenant_id": other, "agent_id": self.w.agent1}}, 422, "parameters.tenant_id"),
            ({"command_type": "RESET_TOKEN",
              "parameters": {"tenant_id": "tenant-123", "integration_id": self.w.integ_err}}, 422, "tenant_id"),
            ({"command_type": "RESET_TOKEN", "parameters": {"integration_id": self.w.integ_err}}, 422, "tenant_id"),
            ({"command_type": "RESTART_AGENT",
              "parameters": {"tenant_id": self.w.a, "agent_id": self.w.agent1, "force": True}}, 422, "force"),
            ({"command_type": "REPROCESS_QUEUE", "parameters": {"queue": "leads"}}, 422, "queue"),
            ({"command_type": "REPROCESS_QUEUE", "parameters": {"queue_name": ""}}, 422, "queue_name"),
            ({"command_type": "REPROCESS_QUEUE", "parameters": {"queue_name": "x", "max_messages": -1}},
             422, "max_messages"),
            ({"command_type": "REPROCESS_QUEUE", "parameters": {"queue_name": "x", "message_ids": "id1"}},
             422, "message_ids"),
            ({"command_type": "RESTART_AGENT",
              "parameters": {"tenant_id": str(uuid.uuid4()), "agent_id": self.w.agent1}}, 404, "tenant"),
            ({"command_type": "RESTART_AGENT",  # contracted by A only
              "parameters": {"tenant_id": other, "agent_id": self.w.agent2}}, 422, "agent_id"),
        ]
        for body, status, word in cases:
            r = a.create(body)
            self.assertEqual(r.status, status, (body, r))
            self.assertEqual(r.headers["content-type"], "application/problem+json")
            self.assertIn(word, r.json()["detail"], (body, r))

    def test_roles(self):
        r = self.support.create({"command_type": "PAUSE_AGENT",
                                 "parameters": {"tenant_id": self.w.a, "agent_id": self.w.agent1}})
        self.assertEqual(r.status, 403, r)
        for who in ("TENANT_ADMIN", "TENANT_USER"):
            r = self.p.post(ROUTE, {"command_type": "RESET_TOKEN",
                                    "parameters": {"tenant_id": self.w.a, "integration_id": self.w.integ_err}},
                            token=self.w.token(who))
            self.assertEqual(r.status, 403, (who, r))

    def test_idempotency_compares_the_normalized_body(self):
        key = "compat-" + str(uuid.uuid4())
        first = self.admin.create({"command_type": "HEALTH_CHECK", "tenant_id": self.w.b, "parameters": {}},
                                  key=key)
        self.assertEqual(first.status, 202, first)
        same = self.admin.create({"parameters": {"tenant_id": self.w.b.upper()}, "command_type": "HEALTH_CHECK"},
                                 key=key)
        self.assertEqual(same.status, 202, same)
        self.assertEqual(same.headers.get("idempotent-replayed"), "true")
        self.assertEqual(same.json()["command_id"], first.json()["command_id"])
        other = self.admin.create({"command_type": "HEALTH_CHECK", "parameters": {"tenant_id": self.w.a}}, key=key)
        self.assertEqual(other.status, 422, other)
        self.assertIn("Idempotency-Key", other.json()["detail"])

    # --- item 1: output is string | null everywhere a command goes out ---

    def test_output_is_text_or_null_in_list_read_and_long_poll(self):
        done = self.run_ok({"command_type": "FLUSH_TENANT_CACHE", "parameters": {"tenant_id": self.w.b}})
        self.assertEqual(done["output"], "Tenant cache flushed")
        self.assertEqual(done["result"], {"tenant_id": self.w.b, "cache_flushed": True})
        waiting = self.admin.create({"command_type": "SUSPEND_TENANT", "parameters": {"tenant_id": self.w.b}})
        self.assertEqual(waiting.status, 202, waiting)
        wid = waiting.json()["command_id"]
        read = self.admin.get(wid).json()
        self.assertEqual(read["status"], "AWAITING_APPROVAL")
        self.assertIsNone(read["output"])
        self.assertIsNone(read["result"])
        polled = self.admin.get(wid, "?wait=1").json()
        self.assertEqual((polled["status"], polled["output"], polled["result"]), ("AWAITING_APPROVAL", None, None))
        self.assertEqual(self.admin.get(done["command_id"], "?wait=1").json()["output"], done["output"])
        listed = self.p.get(ROUTE + "?status=all&limit=100", token=self.admin.token).json()["commands"]
        self.assertTrue(listed)
        for c in listed:
            self.assertIn("output", c)
            self.assertIn("result", c)
            self.assert_finished_shape(c)
        ids = {c["command_id"] for c in listed}
        self.assertTrue({wid, done["command_id"]} <= ids)
        r = self.p.post(f"{ROUTE}/{wid}/cancel", token=self.admin.token)
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json()["status"], r.json()["output"]), ("CANCELLED", None))

    def test_text_output_written_by_the_original_is_shown_as_is(self):
        cid = str(uuid.uuid4())
        self.p.sql("INSERT INTO operational_commands(id, command_type, tenant_id, parameters, status, created_by, "
                   "created_by_role, created_at, started_at, completed_at, output) "
                   "VALUES (?,?,?,?,'SUCCESS',?,?,?,?,?,?)",
                   (cid, "REPROCESS_QUEUE", self.w.a, '{"queue_name":"leads"}', self.w.users["INTERNAL_ADMIN"],
                    "INTERNAL_ADMIN", "2026-01-01T00:00:00.000Z", "2026-01-01T00:00:01.000Z",
                    "2026-01-01T00:00:02.000Z", "Reprocessed 10 messages from queue leads"))
        c = self.admin.get(cid).json()
        self.assertEqual((c["output"], c["result"]), ("Reprocessed 10 messages from queue leads", None))


if __name__ == "__main__":
    main()
