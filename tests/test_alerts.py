"""Built-in alerts (issue 17) against the real binary: a real store failure (a table held
locked by another client, so a write gets 503 "busy") makes the PainelStoreBusy rule fire,
which opens an incident (source "alert") and POSTs a signed notification to a webhook
receiver (a local http.server that answers 500 first: the delivery is retried with the same
body); the state survives a restart (no second incident); once the window passes without
errors the rule resolves the same incident and notifies again. Also: a bad --alerts file or
webhook URL exits 2 with one line; who may read the alerts and send a test notification.
SQLite and PostgreSQL (PAINEL_TEST_BACKEND=postgres)."""
import hashlib
import hmac
import http.client
import http.server
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import BIN, SRC, Painel, main  # noqa: E402

SECRET = "alert-webhook-test-secret"
ADMIN = ("alerts-admin@painel.test", "INTERNAL_ADMIN")
SUPPORT = ("alerts-support@painel.test", "INTERNAL_SUPPORT")
PW = "painel-test-pw-1"


class Receiver:
    """A webhook endpoint: records every POST; answers the statuses in `script` in turn,
    then 200."""

    def __init__(self, script=()):
        self.calls = []
        self.script = list(script)
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with outer.lock:
                    status = outer.script.pop(0) if outer.script else 200
                    outer.calls.append({"path": self.path, "headers": dict(self.headers),
                                        "body": body, "status": status})
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *a):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/painel?token=s3cret"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self, event):
        with self.lock:
            return [c for c in self.calls if c["headers"].get("X-Painel-Event") == event]

    def wait(self, event, n, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            got = self.events(event)
            if len(got) >= n:
                return got
            time.sleep(0.05)
        raise AssertionError(f"expected {n} '{event}' call(s), got {len(self.events(event))}")

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def signature(secret, body):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def rules_file(rules):
    fd, path = tempfile.mkstemp(prefix="painel-alerts-", suffix=".json")
    with os.fdopen(fd, "w") as f:
        f.write(json.dumps({"rules": rules}))
    return path


# The shipped rule with a window and waits a test can live through (the default: 5 min).
STORE_BUSY = {"name": "PainelStoreBusy", "expr": "store_busy", "threshold": 0, "window_s": 5,
              "severity": "warning", "for_s": 0, "clear_s": 1,
              "summary": "The store was busy in the last 5 seconds"}


class Lock:
    """Holds a write lock on the store from another client, so Painel's writes wait and end
    busy (SQLite: the writer lock, 6 tries of 10 s; PostgreSQL: the incidents table,
    --db-statement-timeout-ms)."""

    def __init__(self, p):
        self.p = p
        if p.database.startswith("postgres"):
            self.proc = subprocess.Popen(["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", p.db],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            self.proc.stdin.write("BEGIN; LOCK TABLE incidents IN ACCESS EXCLUSIVE MODE; "
                                  "SELECT 'locked';\n")
            self.proc.stdin.flush()
            assert "locked" in self.proc.stdout.readline()
        else:
            self.conn = sqlite3.connect(p.db, timeout=10, isolation_level=None)
            self.conn.execute("BEGIN IMMEDIATE")

    def release(self):
        if self.p.database.startswith("postgres"):
            self.proc.stdin.write("ROLLBACK;\n")
            self.proc.stdin.close()
            self.proc.wait(10)
            self.proc.stdout.close()
        else:
            self.conn.execute("ROLLBACK")
            self.conn.close()


def wait_until(fn, what, timeout=40):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}: {last!r}")


class AlertFiresAndResolves(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.hook = Receiver(script=[500])  # the first delivery fails: retried
        cls.rules = rules_file([STORE_BUSY])
        cls.p = Painel("--alerts", cls.rules, "--alerts-interval-ms", "200",
                       "--alert-webhook", cls.hook.url, "--alert-webhook-secret", SECRET,
                       "--alert-webhook-retry-ms", "300", "--db-statement-timeout-ms", "1000",
                       "--public-url", "https://painel.example").start()
        cls.p.user(*ADMIN)
        cls.token = cls.p.login(ADMIN[0], PW)["access_token"]

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()
        cls.hook.stop()
        os.unlink(cls.rules)

    def rule(self, name):
        r = self.p.get("/internal/alerts", token=self.token)
        self.assertEqual(r.status, 200, r)
        return next(x for x in r.json()["rules"] if x["name"] == name)

    def alert_incidents(self):
        r = self.p.get("/internal/incidents?source=alert", token=self.token)
        self.assertEqual(r.status, 200, r)
        return r.json()["incidents"]

    def test_a_store_failure_fires_notifies_survives_a_restart_and_resolves(self):
        self.assertEqual(self.rule("PainelStoreBusy")["state"], "ok")
        # The failure: another client holds the lock; an incident write ends 503 (busy).
        lock = Lock(self.p)
        try:
            # SQLite: the store retries a busy write 6 times at 10 s each before 503.
            conn = http.client.HTTPConnection("127.0.0.1", self.p.port, timeout=120)
            conn.request("POST", "/internal/incidents",
                         body=json.dumps({"tenant_id": None, "severity": "info", "title": "blocked"}),
                         headers={"Authorization": "Bearer " + self.token,
                                  "Content-Type": "application/json"})
            status = conn.getresponse().status
            conn.close()
        finally:
            lock.release()
        self.assertEqual(status, 503)

        rule = wait_until(lambda: (lambda x: x if x["state"] in ("firing", "clearing")
                                   and x["incident_id"] else None)(self.rule("PainelStoreBusy")),
                          "PainelStoreBusy to fire")
        self.assertGreaterEqual(rule["value"], 1)
        incidents = self.alert_incidents()
        self.assertEqual(len(incidents), 1, incidents)
        inc = incidents[0]
        self.assertEqual(inc["id"], rule["incident_id"])
        self.assertEqual((inc["source"], inc["status"], inc["severity"], inc["tenant_id"]),
                         ("alert", "open", "warning", None))
        self.assertIn("PainelStoreBusy", inc["title"])

        # The webhook: a first 500, then the same signed body again, accepted.
        calls = self.hook.wait("firing", 2)
        self.assertEqual([c["status"] for c in calls[:2]], [500, 200])
        self.assertEqual(calls[0]["body"], calls[1]["body"])
        self.assertEqual(calls[0]["headers"]["X-Painel-Delivery"], calls[1]["headers"]["X-Painel-Delivery"])
        for c in calls[:2]:
            self.assertEqual(c["path"], "/hooks/painel?token=s3cret")
            self.assertEqual(c["headers"]["Content-Type"], "application/json")
            self.assertEqual(c["headers"]["X-Painel-Signature"], signature(SECRET, c["body"]))
            self.assertNotEqual(c["headers"]["X-Painel-Signature"], signature("wrong", c["body"]))
        body = json.loads(calls[0]["body"])
        self.assertEqual(body["event"], "firing")
        self.assertEqual(body["alert"]["name"], "PainelStoreBusy")
        self.assertEqual(body["alert"]["severity"], "warning")
        self.assertEqual(body["incident_id"], inc["id"])
        self.assertEqual(body["delivery_id"], calls[0]["headers"]["X-Painel-Delivery"])
        self.assertTrue(body["text"].startswith("[FIRING] PainelStoreBusy (warning)"), body["text"])
        self.assertIn("https://painel.example/app/company/incidents", body["text"])

        log = wait_until(lambda: [d for d in self.p.get("/internal/alerts/deliveries", token=self.token)
                                  .json()["deliveries"] if d["event"] == "firing"
                                  and d["status"] == "delivered"], "the delivery log")
        d = log[0]
        self.assertEqual((d["rule"], d["attempts"], d["last_http_status"]), ("PainelStoreBusy", 2, 200))
        self.assertEqual(d["target"], "http://127.0.0.1:%d" % self.hook.server.server_address[1])
        self.assertNotIn("s3cret", json.dumps(log))  # the URL's path and query are not shown

        # A restart while firing: the state is in the store, no second incident. The restarted
        # instance keeps the default statement timeout: with 1 s, any write that waits a second
        # for PostgreSQL's write lock on a loaded machine counts as "busy" again and keeps the
        # rule firing (CI saw it never clear in 40 s).
        self.p.stop()
        self.p.proc.stderr.close()
        self.p.log.close()
        i = self.p.extra.index("--db-statement-timeout-ms")
        del self.p.extra[i:i + 2]
        self.p.start()
        self.token = self.p.login(ADMIN[0], PW)["access_token"]
        type(self).token = self.token

        # The window passes without errors: resolved, the same incident, notified. The
        # history counts every minute the 5 s window touches: up to ~65 s after the error.
        try:
            wait_until(lambda: self.rule("PainelStoreBusy")["state"] == "ok", "PainelStoreBusy to clear",
                       timeout=110)
        except AssertionError as e:  # say why: the rule as served and what the server logged
            self.p.log.flush()
            with open(self.p.log.name, encoding="utf-8", errors="replace") as f:
                tail = f.read()[-3000:]
            raise AssertionError(f"{e}; rule now {self.rule('PainelStoreBusy')}; server log:\n{tail}")
        incidents = self.alert_incidents()
        self.assertEqual(len(incidents), 1, incidents)
        self.assertEqual(incidents[0]["id"], inc["id"])
        self.assertEqual(incidents[0]["status"], "resolved")
        self.assertEqual(incidents[0]["resolved_by"], "alert")
        self.assertIsNone(self.rule("PainelStoreBusy")["incident_id"])
        resolved = self.hook.wait("resolved", 1)
        rb = json.loads(resolved[0]["body"])
        self.assertEqual((rb["event"], rb["alert"]["name"], rb["incident_id"]),
                         ("resolved", "PainelStoreBusy", inc["id"]))
        self.assertEqual(resolved[0]["headers"]["X-Painel-Signature"], signature(SECRET, resolved[0]["body"]))
        self.assertTrue(rb["text"].startswith("[RESOLVED] PainelStoreBusy"), rb["text"])
        self.assertEqual(len(self.hook.events("firing")), 2)  # nothing fired again

        # Counted.
        m = self.p.get("/metrics").body
        self.assertIn('painel_alert_webhook_deliveries_total{result="delivered"}', m)

    def test_the_shipped_rules_are_listed_with_their_state(self):
        r = self.p.get("/internal/alerts", token=self.token)
        self.assertEqual(r.status, 200, r)
        j = r.json()
        self.assertEqual(j["interval_ms"], 200)
        names = [x["name"] for x in j["rules"]]
        for n in ("PainelHandlerErrors", "PainelHttp5xx", "PainelStoreBusy", "PainelRedisCpuHigh",
                  "PainelRedisMemoryHigh", "PainelMemoryHigh", "PainelCommandQueueStuck",
                  "PainelAggregationLagging", "PainelIngestionFailing", "PainelAuditChainFailing"):
            self.assertIn(n, names)
        busy = next(x for x in j["rules"] if x["name"] == "PainelStoreBusy")
        self.assertEqual((busy["window_s"], busy["clear_s"], busy["threshold"]), (5, 1, 0))
        h5 = next(x for x in j["rules"] if x["name"] == "PainelHttp5xx")
        self.assertEqual((h5["threshold"], h5["window_s"], h5["severity"]), (10, 300, "critical"))
        self.assertEqual(j["webhooks"], ["http://127.0.0.1:%d" % self.hook.server.server_address[1]])
        # The same rules as deploy/prometheus/alerts.yml, by name.
        with open(os.path.join(SRC, "deploy/prometheus/alerts.yml"), encoding="utf-8") as f:
            prometheus = {line.split("alert:", 1)[1].strip() for line in f if "- alert:" in line}
        self.assertEqual([n for n in names if n not in prometheus], [])
        redis_rules = [x for x in j["rules"] if x["name"].startswith("PainelRedis")]
        self.assertEqual([(x["value"], x["state"]) for x in redis_rules], [(None, "ok")] * 2)


class RedisMemory(unittest.TestCase):
    """The seed's cache-memory alarm from Redis's INFO: with --redis and a maxmemory, the
    rule has a value (used / maxmemory) and, over a threshold of 0 here, fires; without
    --redis it has none and stays ok."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="painel-alerts-redis-")
        script = os.path.join(SRC, "scripts/redis-test-server.sh")
        r = subprocess.run([script, "start", os.path.join(cls.dir, "r")], capture_output=True,
                           text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        cls.redis_url = r.stdout.strip()
        cls.script = script
        port = cls.redis_url.rsplit(":", 1)[1]
        subprocess.run(["redis-cli", "-p", port, "CONFIG", "SET", "maxmemory", "104857600"],
                       check=True, capture_output=True, timeout=30)
        cls.rules = rules_file([{"name": "PainelRedisMemoryHigh", "expr": "redis_memory",
                                 "threshold": 0, "severity": "warning"}])
        cls.p = Painel("--alerts", cls.rules, "--alerts-interval-ms", "200",
                       "--redis", cls.redis_url).start()
        cls.p.user(*ADMIN)
        cls.token = cls.p.login(ADMIN[0], PW)["access_token"]

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()
        subprocess.run([cls.script, "stop", os.path.join(cls.dir, "r")], timeout=60)
        os.unlink(cls.rules)

    def test_redis_memory_over_the_threshold_fires(self):
        def rule():
            j = self.p.get("/internal/alerts", token=self.token).json()
            return next(x for x in j["rules"] if x["name"] == "PainelRedisMemoryHigh")
        r = wait_until(lambda: (lambda x: x if x["state"] == "firing" else None)(rule()),
                       "PainelRedisMemoryHigh to fire")
        self.assertGreater(r["value"], 0)
        self.assertLess(r["value"], 1)
        cpu = next(x for x in self.p.get("/internal/alerts", token=self.token).json()["rules"]
                   if x["name"] == "PainelRedisCpuHigh")
        self.assertIsNotNone(cpu["value"])  # with --redis the CPU rule has a value too


class BadConfiguration(unittest.TestCase):
    def serve(self, *args):
        return subprocess.run([BIN, "serve", "--listen", "127.0.0.1:0", "--database",
                               "sqlite:/nonexistent/x.db", *args], capture_output=True, text=True,
                              timeout=60, env=dict(os.environ, PAINEL_MASTER_KEY="test-master-key"))

    def test_a_bad_alerts_file_exits_2_with_one_line(self):
        cases = [
            ("not json", "not JSON"),
            (json.dumps({"rules": [{"name": "X", "expr": "http_5xx", "threshold": 1,
                                    "severity": "loud"}]}), 'rule "X": severity'),
            (json.dumps({"rules": [{"name": "X", "expr": "counter", "metric": "painel_nope_total",
                                    "threshold": 1, "severity": "info"}]}), "not a counter"),
            (json.dumps({"rules": [{"name": "X", "expr": "http_5xx", "threshold": 1,
                                    "severity": "info", "oops": True}]}), 'unknown field "oops"'),
            (json.dumps({"alerts": []}), '{"rules"'),
        ]
        for text, expect in cases:
            path = rules_file([])
            with open(path, "w") as f:
                f.write(text)
            try:
                r = self.serve("--alerts", path)
            finally:
                os.unlink(path)
            self.assertEqual(r.returncode, 2, (text, r.stderr))
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
            self.assertIn("--alerts " + path, r.stderr)
            self.assertIn(expect, r.stderr)
        r = self.serve("--alerts", "/nonexistent/alerts.json")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("cannot read", r.stderr)

    def test_bad_webhook_settings_exit_2(self):
        for args in (["--alert-webhook", "ftp://example.com/x"], ["--alert-webhook", "http://"],
                     ["--alert-webhook", "https://example.com", "--alert-webhook-secret", "short"],
                     ["--alerts-interval-ms", "10"]):
            r = self.serve(*args)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
            self.assertTrue(r.stderr.strip(), args)


class Permissions(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.hook = Receiver()
        cls.p = Painel("--alert-webhook", cls.hook.url, "--alert-webhook-retry-ms", "300").start()
        cls.bare = Painel().start()  # no webhook
        cls.tenant = cls.p.tenant("Alerts Tenant Ltda")
        for p in (cls.p, cls.bare):
            p.user(*ADMIN)
        cls.p.user(*SUPPORT)
        cls.p.user("alerts-tenant@painel.test", "TENANT_ADMIN", tenant=cls.tenant)
        cls.admin = cls.p.login(ADMIN[0], PW)["access_token"]
        cls.support = cls.p.login(SUPPORT[0], PW)["access_token"]
        cls.tenant_admin = cls.p.login("alerts-tenant@painel.test", PW)["access_token"]

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()
        cls.bare.cleanup()
        cls.hook.stop()

    def test_staff_read_others_do_not(self):
        for path in ("/internal/alerts", "/internal/alerts/deliveries"):
            self.assertEqual(self.p.get(path).status, 401)
            self.assertEqual(self.p.get(path, token=self.tenant_admin).status, 403)
            self.assertEqual(self.p.get(path, token=self.support).status, 200)
            self.assertEqual(self.p.get(path, token=self.admin).status, 200)

    def test_deliveries_are_paged_and_bad_paging_is_refused(self):
        r = self.p.get("/internal/alerts/deliveries?limit=1&offset=0", token=self.admin)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["limit"], 1)
        for q in ("limit=0", "limit=abc", "offset=-1", "limit=100000"):
            r = self.p.get("/internal/alerts/deliveries?" + q, token=self.admin)
            self.assertEqual(r.status, 400, (q, r))
            self.assertEqual(r.headers.get("content-type"), "application/problem+json")

    def test_only_an_internal_admin_sends_a_test_signed_with_the_derived_secret(self):
        self.assertEqual(self.p.post("/internal/alerts/test").status, 401)
        self.assertEqual(self.p.post("/internal/alerts/test", token=self.tenant_admin).status, 403)
        self.assertEqual(self.p.post("/internal/alerts/test", token=self.support).status, 403)
        bare_admin = self.bare.login(ADMIN[0], PW)["access_token"]
        r = self.bare.post("/internal/alerts/test", token=bare_admin)
        self.assertEqual(r.status, 409, r)
        self.assertIn("--alert-webhook", r.json()["detail"])

        r = self.p.post("/internal/alerts/test", token=self.admin)
        self.assertEqual(r.status, 202, r)
        (d,) = r.json()["deliveries"]
        call = self.hook.wait("test", 1)[0]
        self.assertEqual(call["headers"]["X-Painel-Delivery"], d["id"])
        body = json.loads(call["body"])
        self.assertEqual(body["event"], "test")
        self.assertTrue(body["text"].startswith("[TEST]"))
        # No --alert-webhook-secret: the secret derived from the master key, as the CLI prints it.
        s = subprocess.run([BIN, "alerts", "webhook-secret", "--database", self.p.database],
                           capture_output=True, text=True, timeout=60, env=self.p.env)
        self.assertEqual(s.returncode, 0, s.stderr)
        secret = s.stdout.strip()
        self.assertEqual(len(secret), 64)
        self.assertEqual(call["headers"]["X-Painel-Signature"], signature(secret, call["body"]))
        # Audited, with who sent it.
        rows = self.p.get("/internal/audit?action=alert.test", token=self.admin)
        self.assertEqual(rows.status, 200, rows)
        events = rows.json().get("events") or rows.json().get("items") or []
        self.assertTrue(any(e.get("action") == "alert.test" for e in events), rows.json())
        wait_until(lambda: any(x["id"] == d["id"] and x["status"] == "delivered" for x in
                               self.p.get("/internal/alerts/deliveries", token=self.admin)
                               .json()["deliveries"]), "the test delivery to be logged")


if __name__ == "__main__":
    main()
