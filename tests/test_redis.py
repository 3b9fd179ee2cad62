"""Redis mode (--redis): two `painel serve` on one store and one throwaway redis-server
(scripts/redis-test-server.sh) share the rate-limit buckets and the response cache; a cache
invalidation by one instance is seen by the other; Redis going away costs no request, shows
in /metrics (painel_redis_up 0), and Redis is used again once it returns. A bad --redis URL
stops `painel serve` at start-up."""
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import BIN, SRC, Painel, main  # noqa: E402
from fixtures import PASSWORD, ZONE, World  # noqa: E402

SCRIPT = os.path.join(SRC, "scripts/redis-test-server.sh")
LOOSE = ["--rate-user-per-min", "1000000", "--rate-user-burst", "100000",
         "--rate-tenant-per-min", "1000000", "--rate-tenant-burst", "100000"]
COMMANDS = "/internal/operations/commands"


class RedisServer:
    """A redis-server of our own; stop() kills it at once (kill -9, no save), start() again
    brings it back empty on the same port."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="painel-redis-")
        self.port = None
        self.url = None

    def start(self):
        args = [SCRIPT, "start", os.path.join(self.dir, "r")] + ([str(self.port)] if self.port else [])
        r = subprocess.run(args, capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise AssertionError("redis-test-server.sh start failed: " + r.stderr)
        self.url = r.stdout.strip()
        self.port = int(self.url.rsplit(":", 1)[1])
        return self.url

    def stop(self):
        subprocess.run([SCRIPT, "stop", os.path.join(self.dir, "r")], check=True, timeout=60)

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def metric(p, name):
    """The value of an unlabelled metric line, or None."""
    for line in p.get("/metrics").body.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return None


def wait_for(what, check, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"{what}: not within {timeout} s")


class SharedCache(unittest.TestCase):
    """Two instances on one store and one Redis, cached answers kept for 10 minutes: only
    a shared invalidation can make B see a change made through A."""

    @classmethod
    def setUpClass(cls):
        cls.redis = RedisServer()
        url = cls.redis.start()
        args = [*LOOSE, "--redis", url, "--cache-ttl-ms", "600000"]
        cls.a = Painel(*args).start()
        cls.b = Painel(*args, db=cls.a.db).start()
        cls.w = World(cls.a)

    @classmethod
    def tearDownClass(cls):
        cls.b.cleanup()
        cls.a.cleanup()
        cls.redis.cleanup()

    def agent_status(self, p, token, agent):
        r = p.get("/tenant/agents?status=all", token=token)
        self.assertEqual(r.status, 200, r)
        return r, {a["id"]: a["status"] for a in r.json()["agents"]}.get(agent)

    def test_an_invalidation_by_a_is_seen_by_b(self):
        tok = self.w.token("TENANT_ADMIN")
        r, status = self.agent_status(self.b, tok, self.w.agent1)
        self.assertEqual((r.headers.get("x-cache"), status), ("miss", "active"))
        r, _ = self.agent_status(self.a, tok, self.w.agent1)
        self.assertEqual(r.headers.get("x-cache"), "hit")  # B's answer, served by A
        r, _ = self.agent_status(self.b, tok, self.w.agent1)
        self.assertEqual(r.headers.get("x-cache"), "hit")

        admin = self.w.token("INTERNAL_ADMIN")
        r = self.a.post(COMMANDS, {"command_type": "PAUSE_AGENT", "tenant_id": self.w.a,
                                   "parameters": {"agent_id": self.w.agent1}}, token=admin)
        self.assertEqual(r.status, 202, r)
        cid = r.json()["command_id"]
        deadline = time.time() + 20
        while True:
            done = self.a.get(f"{COMMANDS}/{cid}?wait=5", token=admin).json()
            if done["status"] in ("SUCCESS", "ERROR", "CANCELLED") or time.time() > deadline:
                break
        self.assertEqual(done["status"], "SUCCESS", done)
        wait_for("B shows the paused agent", lambda: self.agent_status(self.b, tok, self.w.agent1)[1] == "inactive",
                 2.0)
        self.assertEqual(self.agent_status(self.a, tok, self.w.agent1)[1], "inactive")

    def test_redis_going_away_costs_no_request_and_it_is_used_again(self):
        tok = self.w.token("B_ADMIN")
        path = "/tenant/integrations"
        self.assertEqual(self.b.get(path, token=tok).status, 200)
        wait_for("a cached hit", lambda: self.a.get(path, token=tok).headers.get("x-cache") == "hit", 2)

        self.redis.stop()
        for p in (self.a, self.b, self.a, self.b):
            r = p.get(path, token=tok)
            self.assertEqual((r.status, r.headers.get("x-cache")), (200, "miss"), r)
            self.assertIn("ratelimit-remaining", r.headers)  # in-process buckets answer
        for p in (self.a, self.b):
            wait_for("painel_redis_up 0", lambda: metric(p, "painel_redis_up") == 0, 3)
            self.assertIn("painel_redis_errors_total", p.get("/metrics").body)
        t0 = time.time()
        for _ in range(20):  # Redis down costs no timeout per request
            self.assertEqual(self.b.get(path, token=tok).status, 200)
        self.assertLess(time.time() - t0, 5)

        self.redis.start()  # same port, empty
        for p in (self.a, self.b):
            wait_for("painel_redis_up 1", lambda: metric(p, "painel_redis_up") == 1, 5)
        wait_for("a cached hit again", lambda: self.b.get(path, token=tok).headers.get("x-cache") == "hit", 5)
        self.assertEqual(self.a.get(path, token=tok).headers.get("x-cache"), "hit")


class SharedRateLimit(unittest.TestCase):
    def test_a_burst_is_shared_by_both_instances(self):
        redis = RedisServer()
        url = redis.start()
        tight = ["--rate-user-per-min", "1", "--rate-user-burst", "5", "--redis", url]
        a = Painel(*tight).start()
        b = Painel(*tight, db=a.db).start()
        try:
            t = a.tenant("Limite Ltda")
            a.user("limite@a.com", "TENANT_ADMIN", t)
            tok = a.login("limite@a.com", PASSWORD)["access_token"]
            got = [(p.get("/tenant/me", token=tok)) for p in (a, a, a, b, b, b)]
            self.assertEqual([r.status for r in got], [200, 200, 200, 200, 200, 429], got)
            self.assertEqual([r.headers["ratelimit-remaining"] for r in got], ["4", "3", "2", "1", "0", "0"])
            self.assertEqual(got[-1].headers["ratelimit-limit"], "5")
            self.assertGreaterEqual(int(got[-1].headers["retry-after"]), 1)
            self.assertEqual(a.get("/tenant/me", token=tok).status, 429)  # A sees B's spending too
        finally:
            b.cleanup()
            a.cleanup()
            redis.cleanup()


class SharedJobs(unittest.TestCase):
    """Both instances run the background jobs, racing for the aggregation lease every
    100 ms: each late tenant-day is re-aggregated by exactly one of them, once."""

    def test_each_dirty_day_is_aggregated_once_across_instances(self):
        import datetime
        import uuid
        redis = RedisServer()
        url = redis.start()
        args = [*LOOSE, "--redis", url, "--aggregate-dirty-interval-ms", "100",
                "--aggregate-cron", "0 0 1 1 *"]
        a = Painel(*args).start()
        b = Painel(*args, db=a.db).start()
        try:
            w = World(a)
            key = a.cli("keys", "create", "--name", "jobs").stdout.strip()
            admin = w.token("TENANT_ADMIN")
            # Local noon (the tenant's zone): the fixture's days are its local dates.
            today = datetime.datetime.now(ZONE).replace(hour=12, minute=0, second=0, microsecond=0)
            base = a.get("/tenant/usage?period=30d", token=admin).json()["summary"]["total_requests"]
            before = sum(metric(p, "painel_aggregation_days_total") or 0 for p in (a, b))

            def aggregated():
                return sum(metric(p, "painel_aggregation_days_total") or 0 for p in (a, b)) - before
            days = 6
            for n in range(days):  # one late tenant-day per round (days the fixture left empty)
                at = (today - datetime.timedelta(days=11 + n)).astimezone(datetime.timezone.utc).strftime(
                    "%Y-%m-%dT%H:%M:%S.000Z")
                events = [{"event_id": str(uuid.uuid4()), "tenant_id": w.a, "agent_id": w.agent2,
                           "occurred_at": at, "status": "success", "response_time_ms": 50,
                           "tokens_used": 1, "cost": 0.01} for _ in range(5)]
                r = (a if n % 2 else b).post("/ingest/usage", {"events": events}, token=key)
                self.assertEqual(r.status, 202, r)
                # The marks go at the aggregation's commit and the counter moves just after it.
                wait_for("the day aggregated",
                         lambda: a.sql("SELECT count(*) FROM usage_dirty_days")[0][0] == 0
                         and aggregated() >= n + 1, 10)
            runs = [metric(p, "painel_aggregation_days_total") or 0 for p in (a, b)]
            self.assertEqual(sum(runs) - before, days, runs)  # never twice, never lost
            time.sleep(0.5)  # more lease rounds on both: nothing left to redo
            self.assertEqual(sum(metric(p, "painel_aggregation_days_total") or 0 for p in (a, b)) - before, days)
            for p in (a, b):
                s = p.get("/tenant/usage?period=30d", token=admin).json()["summary"]
                self.assertEqual(s["total_requests"], base + 5 * days)
        finally:
            b.cleanup()
            a.cleanup()
            redis.cleanup()


class StartUp(unittest.TestCase):
    def test_a_bad_url_stops_serve_with_one_line(self):
        d = tempfile.mkdtemp(prefix="painel-test-")
        try:
            for bad in ("localhost:6379", "redis://h:99999", "rediss://h:6379"):
                r = subprocess.run([BIN, "serve", "--listen", "127.0.0.1:0", "--database",
                                    "sqlite:" + os.path.join(d, "p.db"), "--redis", bad],
                                   capture_output=True, text=True, timeout=30,
                                   env=dict(os.environ, PAINEL_MASTER_KEY="k"))
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
                self.assertIn("--redis", r.stderr)
            self.assertFalse(os.path.exists(os.path.join(d, "p.db")))  # refused before opening anything
        finally:
            shutil.rmtree(d, ignore_errors=True)

    def test_serve_starts_without_a_reachable_redis(self):
        import socket
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()  # nothing listens there
        p = Painel("--redis", f"redis://127.0.0.1:{port}").start()
        try:
            self.assertEqual(p.get("/readyz").status, 200)
            self.assertEqual(metric(p, "painel_redis_up"), 0)
        finally:
            p.cleanup()


if __name__ == "__main__":
    main()
