"""Metric history and the Monitoring dashboards (issue 17): traffic becomes 1-minute points
in the store after a flush of the history job (--metrics-history-interval-ms shortens it),
GET /internal/monitoring/{overview,tenant-apis,internal-apis} sum them across instances
(two servers on one store), retention prunes old points, ?range is an enum, and only
staff may read them. Runs on SQLite and, with PAINEL_TEST_BACKEND=postgres, PostgreSQL."""
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import Painel, main  # noqa: E402
from fixtures import World  # noqa: E402
from test_openapi import SchemaValidator  # noqa: E402

FAST = ["--rate-user-per-min", "1000000", "--rate-user-burst", "100000",
        "--rate-tenant-per-min", "1000000", "--rate-tenant-burst", "100000",
        "--metrics-history-interval-ms", "200"]
PATHS = ["/internal/monitoring/overview", "/internal/monitoring/tenant-apis",
         "/internal/monitoring/internal-apis"]


def wait_for(fn, what, timeout=30):
    """Polls fn until it returns a true value (the job writes every 200 ms)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(0.2)
    raise AssertionError("timed out waiting for " + what)


class Monitoring(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Painel(*FAST).start()
        cls.w = World(cls.p)
        doc = cls.p.get("/openapi.json").json()
        cls.v = SchemaValidator(doc)
        cls.doc = doc

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()

    def staff(self):
        return self.w.token("INTERNAL_ADMIN")

    def read(self, path, token=None, p=None, **q):
        query = "&".join(f"{k}={v}" for k, v in q.items())
        r = (p or self.p).get(path + ("?" + query if query else ""), token=token or self.staff())
        self.assertEqual(r.status, 200, r)
        return r.json()

    def check_schema(self, path, body):
        schema = self.doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        self.assertEqual(self.v.errors(body, schema), [])

    def test_traffic_becomes_points_and_dashboards(self):
        tenant = self.w.token("TENANT_ADMIN")
        for _ in range(20):
            self.assertEqual(self.p.get("/tenant/agents", token=tenant).status, 200)
        self.assertEqual(self.p.get("/tenant/agents/" + "0" * 8, token=tenant).status // 100, 4)
        self.assertEqual(self.p.get("/internal/tenants", token=self.staff()).status, 200)

        def agents_counted():
            body = self.read(PATHS[1])
            rows = [e for e in body["endpoints"] if e["route"] == "/tenant/agents"]
            return body if rows and rows[0]["requests"] >= 20 else None
        body = wait_for(agents_counted, "/tenant/agents in the history")
        self.check_schema(PATHS[1], body)
        self.assertEqual(body["range"], "1h")
        self.assertEqual(body["step_seconds"], 60)
        self.assertEqual(len(body["points"]), 60)
        row = [e for e in body["endpoints"] if e["route"] == "/tenant/agents"][0]
        self.assertEqual(row["method"], "GET")
        self.assertEqual(row["errors_5xx"], 0)
        self.assertGreater(row["p99_ms"], 0)
        self.assertGreaterEqual(row["p99_ms"], row["p50_ms"])
        self.assertTrue(all(e["route"].startswith(("/tenant/", "/ingest/")) for e in body["endpoints"]))
        self.assertGreater(sum(pt["requests_per_s"] for pt in body["points"]), 0)
        top = {t["tenant_id"]: t for t in body["top_tenants"]}
        self.assertIn(self.w.a, top)
        self.assertEqual(top[self.w.a]["tenant_name"], "Padaria Estrela Ltda")
        self.assertGreaterEqual(top[self.w.a]["requests"], 21)
        self.assertEqual(body["top_tenants"][0]["tenant_id"], self.w.a)  # the most requests

        over = self.read(PATHS[0])
        self.check_schema(PATHS[0], over)
        self.assertEqual(over["instances_up"], 1)
        self.assertGreaterEqual(over["totals"]["requests"], 22)
        self.assertGreaterEqual(over["totals"]["errors_4xx"], 1)
        self.assertGreater(over["totals"]["p95_ms"], 0)
        self.assertTrue(any(pt["rss_bytes"] > 0 for pt in over["points"]))

        def staff_counted():
            body = self.read(PATHS[2])
            users = {u["user_id"]: u for u in body["users"]}
            return body if self.w.users["INTERNAL_ADMIN"] in users else None
        internal = wait_for(staff_counted, "the staff user in the history")
        self.check_schema(PATHS[2], internal)
        users = {u["user_id"]: u for u in internal["users"]}
        self.assertEqual(users[self.w.users["INTERNAL_ADMIN"]]["email"], "admin@alq.ai")
        self.assertTrue(all(e["route"].startswith("/internal/") for e in internal["endpoints"]))
        self.assertTrue(any(e["route"] == "/internal/tenants" for e in internal["endpoints"]))

    def test_ranges_and_steps(self):
        for rng, step, n in [("1h", 60, 60), ("6h", 300, 72), ("24h", 900, 96), ("7d", 3600, 168)]:
            for path in PATHS:
                body = self.read(path, range=rng)
                self.assertEqual(body["range"], rng)
                self.assertEqual(body["step_seconds"], step)
                self.assertEqual(len(body["points"]), n, (path, rng))
                self.assertEqual(body["to"] - body["from"], step * n)
        for bad in ["2h", "", "1H", "7d%27", "x" * 200]:
            r = self.p.get(PATHS[0] + "?range=" + bad, token=self.staff())
            self.assertEqual(r.status, 400, (bad, r))
            self.assertEqual(r.headers.get("content-type"), "application/problem+json")

    def test_only_staff(self):
        for path in PATHS:
            self.assertEqual(self.p.get(path).status, 401)
            for who in ["TENANT_ADMIN", "TENANT_USER", "B_ADMIN"]:
                self.assertEqual(self.p.get(path, token=self.w.token(who)).status, 403, (path, who))
            self.assertEqual(self.p.get(path, token=self.w.token("INTERNAL_SUPPORT")).status, 200)


class TwoInstancesAndRetention(unittest.TestCase):
    def test_two_instances_sum_and_retention_prunes(self):
        a = Painel(*FAST).start()
        b = None
        try:
            w = World(a)
            b = Painel(*FAST, db=a.db).start()
            staff = w.token("INTERNAL_ADMIN")
            for _ in range(7):
                self.assertEqual(a.get("/healthz").status, 200)
            for _ in range(5):
                self.assertEqual(b.get("/healthz").status, 200)

            def both():
                body = a.get(PATHS[0], token=staff).json()
                inst = body["instances_up"]
                rows = [r for r in a.sql("SELECT instance_id, SUM(value) FROM metric_points WHERE "
                                         "name = 'http_requests' AND labels LIKE '%/healthz%' "
                                         "GROUP BY instance_id")]
                return (body, rows) if inst == 2 and len(rows) == 2 and \
                    sorted(int(r[1]) for r in rows) == [5, 7] else None
            body, rows = wait_for(both, "both instances' points")
            self.assertEqual(body["instances_up"], 2)
            self.assertEqual(len({i["id"] for i in body["instances"]}), 2)
            # b reads the same sum a does: summed across instances, whoever answers.
            tb = b.get(PATHS[0], token=staff).json()
            self.assertEqual(tb["instances_up"], 2)

            # Retention: points older than --metrics-history-days are pruned by a job.
            old_minute = int(time.time() // 60) - 3 * 1440
            a.sql("INSERT INTO metric_points(instance_id, minute, name, labels, value) "
                  "VALUES ('gone', ?, 'instance_up', '', 1)", (old_minute,))
            a.sql("INSERT INTO metric_points(instance_id, minute, name, labels, value) "
                  "VALUES ('kept', ?, 'instance_up', '', 1)", (old_minute + 1440 + 10,))
            c = Painel(*FAST, "--metrics-history-days", "2", db=a.db).start()
            try:
                wait_for(lambda: not a.sql("SELECT 1 FROM metric_points WHERE instance_id = 'gone'"),
                         "the old point pruned")
                self.assertEqual(len(a.sql("SELECT 1 FROM metric_points WHERE instance_id = 'kept'")), 1)
            finally:
                c.cleanup()
        finally:
            if b:
                b.cleanup()
            a.cleanup()

    def test_stop_writes_the_last_minute(self):
        p = Painel("--metrics-history-interval-ms", "60000").start()
        try:
            for _ in range(3):
                self.assertEqual(p.get("/healthz").status, 200)
            self.assertEqual(p.stop(), 0)
            rows = p.sql("SELECT SUM(value) FROM metric_points WHERE name = 'http_requests' "
                         "AND labels LIKE '%/healthz%'")
            self.assertEqual(int(rows[0][0]), 3)
        finally:
            p.cleanup()

    def test_zero_days_records_nothing(self):
        p = Painel(*FAST, "--metrics-history-days", "0").start()
        try:
            for _ in range(3):
                self.assertEqual(p.get("/healthz").status, 200)
            # With the history on, stopping writes the last partial minute (see
            # test_stop_writes_the_last_minute); off, nothing at all.
            self.assertEqual(p.stop(), 0)
            self.assertEqual(p.sql("SELECT COUNT(*) FROM metric_points")[0][0], 0)
        finally:
            p.cleanup()


if __name__ == "__main__":
    main()
