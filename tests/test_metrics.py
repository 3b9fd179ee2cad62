"""/metrics for Prometheus and Grafana (issue 17): every family of the catalogue with # HELP
and # TYPE and present from the start, process_* read from the process, the web UI's files
under route "static", --metrics-token and --metrics-listen, and the shipped alert rules and
dashboards naming only metrics a real server serves. Also the logs: --log-format text for
access lines, user and tenant ids on them, level names as printed."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import http.client

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import BIN, SRC, Painel, main  # noqa: E402

TOKEN = "metrics-token-0123456789"
PASSWORD = "painel-test-pw-1"


def catalogue():
    """(name, type) of every family in src/obs/metric_catalog.cpp."""
    text = open(os.path.join(SRC, "src/obs/metric_catalog.cpp")).read()
    return [(n, t.lower()) for n, t in
            re.findall(r'MetricFamily\{"([a-zA-Z_:][a-zA-Z0-9_:]*)",\s*(Counter|Gauge|Histogram)', text)]


def families(text):
    """name → type from the # TYPE lines of an exposition."""
    return dict(re.findall(r"^# TYPE (\S+) (\S+)$", text, re.M))


def samples(text):
    """'name{labels}' → value of every sample line."""
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.rpartition(" ")
            out[key] = float(value)
    return out


def served_names(text):
    """Every metric name a query may use against this exposition: the families, and the
    _bucket/_sum/_count series of the histograms."""
    names = set()
    for name, kind in families(text).items():
        names.add(name)
        if kind == "histogram":
            names.update(name + s for s in ("_bucket", "_sum", "_count"))
    return names


def metric_names_in(expr):
    return set(re.findall(r"\b((?:painel|process)_[a-z0-9_]+)", expr))


def alert_exprs():
    """The expr of every rule of deploy/prometheus/alerts.yml (plain or folded `>`)."""
    lines = open(os.path.join(SRC, "deploy/prometheus/alerts.yml")).read().splitlines()
    exprs, i = [], 0
    while i < len(lines):
        m = re.match(r"^(\s*)expr:\s*(.*)$", lines[i])
        i += 1
        if not m:
            continue
        if m.group(2) not in (">", "|"):
            exprs.append(m.group(2))
            continue
        indent, body = len(m.group(1)), []
        while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > indent):
            body.append(lines[i].strip())
            i += 1
        exprs.append(" ".join(body))
    return exprs


def dashboard():
    with open(os.path.join(SRC, "deploy/grafana/painel.json")) as f:
        return json.load(f)


def dashboard_exprs(d):
    return [t["expr"] for p in d["panels"] for t in p.get("targets", [])]


def get(port, path, token=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Authorization": "Bearer " + token} if token else {})
    r = conn.getresponse()
    body = r.read().decode()
    headers = {k.lower(): v for k, v in r.getheaders()}
    conn.close()
    return r.status, headers, body


class Exposition(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Painel().start()
        cls.first = cls.p.get("/metrics")  # before any other request

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()

    def test_every_family_has_help_and_type_from_the_start(self):
        self.assertEqual(self.first.status, 200)
        self.assertTrue(self.first.headers["content-type"].startswith("text/plain; version=0.0.4"))
        text = self.first.body
        fams = families(text)
        cat = catalogue()
        self.assertGreater(len(cat), 40)
        for name, kind in cat:
            self.assertIn(f"# HELP {name} ", text)
            self.assertEqual(fams.get(name), kind, name)
        self.assertEqual(set(fams), {c[0] for c in cat}, "every family in /metrics is in the catalogue")

    def test_counters_and_known_label_values_start_at_zero(self):
        s = samples(self.first.body)
        for key in ["painel_internal_errors_total", "painel_rate_limited_total",
                    "painel_auth_rejections_total", "painel_commands_cancelled_total",
                    'painel_store_errors_total{kind="busy"}', 'painel_store_errors_total{kind="other"}',
                    'painel_cache_requests_total{result="hit"}', 'painel_login_refused_total{reason="locked"}',
                    'painel_auth_denials_total{reason="forbidden"}', 'painel_mail_sent_total{result="sent"}',
                    'painel_commands_created_total{type="FLUSH_TENANT_CACHE"}',
                    'painel_commands_finished_total{type="FLUSH_TENANT_CACHE",status="ERROR"}',
                    'painel_command_run_seconds_total{type="FLUSH_TENANT_CACHE"}',
                    "painel_metrics_unknown_total"]:
            self.assertIn(key, s)
            self.assertEqual(s[key], 0, key)
        # The login gate's capacity is known before the first login.
        self.assertGreaterEqual(s["painel_login_verifications_capacity"], 1)
        # No Redis configured: no painel_redis_up sample (0 would say "Redis is down").
        self.assertNotIn("painel_redis_up", s)
        # Seconds, not milliseconds: the old name is gone.
        self.assertNotIn("milliseconds", self.first.body)

    def test_process_families_are_the_process(self):
        s = samples(self.p.get("/metrics").body)
        now = time.time()
        self.assertGreater(s["process_resident_memory_bytes"], 1 << 20)
        self.assertGreaterEqual(s["process_virtual_memory_bytes"], s["process_resident_memory_bytes"])
        self.assertGreater(s["process_open_fds"], 3)
        self.assertGreaterEqual(s["process_max_fds"], s["process_open_fds"])
        self.assertGreater(s["process_start_time_seconds"], now - 600)
        self.assertLess(s["process_start_time_seconds"], now + 5)
        cpu = s["process_cpu_seconds_total"]
        self.assertGreaterEqual(cpu, 0)
        for _ in range(300):
            self.p.get("/healthz")
        self.assertGreaterEqual(samples(self.p.get("/metrics").body)["process_cpu_seconds_total"], cpu)

    def test_web_ui_files_are_counted_as_static_not_unmatched(self):
        for path in ["/app/", "/app/assets/index.js", "/"]:
            self.p.get(path)
        self.p.get("/no/such/route")
        s = samples(self.p.get("/metrics").body)
        static = sum(v for k, v in s.items()
                     if k.startswith('painel_http_requests_total{route="static",method="GET"'))
        unmatched = sum(v for k, v in s.items()
                        if k.startswith('painel_http_requests_total{route="unmatched"'))
        self.assertGreaterEqual(static, 3)
        self.assertEqual(unmatched, 1)

    def test_alert_rules_name_only_served_metrics(self):
        self.p.get("/healthz")
        served = served_names(self.p.get("/metrics").body)
        exprs = alert_exprs()
        self.assertGreaterEqual(len(exprs), 10)
        used = set().union(*(metric_names_in(e) for e in exprs))
        self.assertTrue({"painel_internal_errors_total", "painel_http_requests_total",
                         "painel_store_errors_total", "painel_redis_up",
                         "process_resident_memory_bytes", "painel_commands_oldest_pending_age_seconds",
                         "painel_aggregation_last_run_timestamp_seconds",
                         "painel_audit_checkpoint_failures_total"} <= used, used)
        self.assertEqual(used - served, set(), "named in alerts.yml but not served")

    def test_dashboards_name_only_served_metrics(self):
        served = served_names(self.p.get("/metrics").body)
        d = dashboard()
        exprs = dashboard_exprs(d)
        self.assertGreaterEqual(len(exprs), 25)
        used = set().union(*(metric_names_in(e) for e in exprs))
        self.assertEqual(used - served, set(), "named in painel.json but not served")


class Dashboards(unittest.TestCase):
    def test_grafana_dashboard_is_a_dashboard_on_a_prometheus_variable(self):
        d = dashboard()
        self.assertIsInstance(d["schemaVersion"], int)
        self.assertTrue(d["uid"] and d["title"])
        variables = {v["name"]: v for v in d["templating"]["list"]}
        self.assertEqual(variables["datasource"]["type"], "datasource")
        self.assertEqual(variables["datasource"]["query"], "prometheus")
        rows = [p["title"] for p in d["panels"] if p["type"] == "row"]
        self.assertEqual(rows, ["Overview", "Tenant APIs", "Internal APIs"])
        ids = [p["id"] for p in d["panels"]]
        self.assertEqual(len(ids), len(set(ids)))
        for p in d["panels"]:
            if p["type"] == "row":
                continue
            self.assertEqual(p["datasource"], {"type": "prometheus", "uid": "${datasource}"}, p["title"])
            self.assertTrue(p["targets"], p["title"])
            for t in p["targets"]:
                self.assertEqual(t["datasource"]["uid"], "${datasource}")
                self.assertTrue(t["expr"] and t["refId"])
            g = p["gridPos"]
            self.assertLessEqual(g["x"] + g["w"], 24, p["title"])

    @unittest.skipUnless(shutil.which("promtool"), "promtool (Debian package prometheus) is not installed")
    def test_every_dashboard_query_parses_as_promql(self):
        # promtool parses rule expressions: each query becomes a recording rule, with
        # Grafana's variables replaced by what Grafana would put there.
        exprs = dashboard_exprs(dashboard())
        with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
            f.write("groups:\n  - name: dashboard\n    rules:\n")
            for i, e in enumerate(exprs):
                e = e.replace("$__rate_interval", "1m").replace("$__range", "1h").replace("$job", ".*")
                f.write(f"      - record: painel:dashboard_query_{i}\n        expr: {json.dumps(e)}\n")
        try:
            r = subprocess.run(["promtool", "check", "rules", f.name], capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        finally:
            os.unlink(f.name)


class Protection(unittest.TestCase):
    def test_token_is_required_when_set(self):
        p = Painel("--metrics-token", TOKEN).start()
        try:
            r = p.get("/metrics")
            self.assertEqual(r.status, 401)
            self.assertEqual(r.headers["content-type"], "application/problem+json")
            self.assertEqual(r.headers["www-authenticate"], "Bearer")
            self.assertEqual(p.get("/metrics", token="wrong-token-0123456789").status, 401)
            self.assertEqual(p.get("/metrics", token=TOKEN[:-1]).status, 401)
            r = p.get("/metrics", token=TOKEN)
            self.assertEqual(r.status, 200)
            self.assertIn("# TYPE painel_http_requests_total counter", r.body)
            self.assertEqual(p.get("/healthz").status, 200)  # the rest is as before
        finally:
            p.cleanup()

    def test_a_short_token_is_refused_at_start(self):
        p = Painel("--metrics-token", "short")
        with self.assertRaises(AssertionError):
            p.start()
        p.cleanup()

    def metrics_port(self, p):
        line = p.proc.stderr.readline()
        m = re.search(r"metrics at http://[\d.]+:(\d+)/metrics", line)
        self.assertTrue(m, line)
        return int(m.group(1))

    def test_separate_listener_serves_only_metrics(self):
        p = Painel("--metrics-listen", "127.0.0.1:0").start()
        try:
            port = self.metrics_port(p)
            status, headers, body = get(port, "/metrics")
            self.assertEqual(status, 200)
            self.assertIn("# TYPE process_open_fds gauge", body)
            status, headers, body = get(port, "/healthz")
            self.assertEqual(status, 404)
            self.assertEqual(headers["content-type"], "application/problem+json")
            self.assertEqual(get(port, "/tenant/agents")[0], 404)
            # ... and the main listener no longer serves them.
            r = p.get("/metrics")
            self.assertEqual(r.status, 404)
            self.assertNotIn("painel_", r.body)
            self.assertEqual(p.get("/healthz").status, 200)
        finally:
            p.cleanup()

    def test_separate_listener_with_a_token(self):
        p = Painel("--metrics-listen", "127.0.0.1:0", "--metrics-token", TOKEN).start()
        try:
            port = self.metrics_port(p)
            self.assertEqual(get(port, "/metrics")[0], 401)
            self.assertEqual(get(port, "/metrics", TOKEN)[0], 200)
        finally:
            p.cleanup()

    def test_public_metrics_on_a_non_loopback_address_warn_at_start(self):
        p = Painel(listen="0.0.0.0:0").start()
        try:
            self.assertEqual(p.get("/metrics").status, 200)  # today's behaviour, kept
            log = open(p.log.name).read()
            self.assertIn("/metrics is public on 0.0.0.0:0", log)
        finally:
            p.cleanup()
        q = Painel().start()  # loopback: no warning
        try:
            q.get("/healthz")
            self.assertNotIn("/metrics is public", open(q.log.name).read())
        finally:
            q.cleanup()


class Logs(unittest.TestCase):
    def access_lines(self, p, path):
        p.stop()  # flushes
        return [line for line in open(p.log.name).read().splitlines() if path in line and "access" in line]

    def tenant_user(self, p):
        t = p.tenant("Padaria Estrela Ltda", plan="professional")
        uid = p.user("admin@a.com", "TENANT_ADMIN", t)
        return t, uid, p.login("admin@a.com", PASSWORD)["access_token"]

    def test_json_access_lines_carry_user_and_tenant_but_no_token(self):
        p = Painel().start()
        try:
            t, uid, token = self.tenant_user(p)
            self.assertEqual(p.get("/tenant/agents", token=token).status, 200)
            self.assertEqual(p.get("/healthz").status, 200)
            lines = self.access_lines(p, "/tenant/agents")
            self.assertEqual(len(lines), 1, lines)
            event = json.loads(lines[0])["event"]
            self.assertEqual(event["user_id"], uid)
            self.assertEqual(event["tenant_id"], t)
            self.assertEqual(event["route"], "/tenant/agents")
            log = open(p.log.name).read()
            self.assertNotIn(token, log)
            self.assertNotIn(token.split(".")[-1], log)
            health = [json.loads(x)["event"] for x in self.access_lines(p, '"/healthz"')]
            self.assertNotIn("user_id", health[0])  # anonymous: no empty ids
        finally:
            p.cleanup()

    def test_text_format_applies_to_access_lines(self):
        p = Painel(log_format="text").start()
        try:
            t, uid, token = self.tenant_user(p)
            self.assertEqual(p.get("/tenant/agents", token=token).status, 200)
            p.get("/no%20such%20path")
            lines = self.access_lines(p, "/tenant/agents")
            self.assertEqual(len(lines), 1, lines)
            line = lines[0]
            self.assertNotIn("{", line.split(" route=")[0])  # not a JSON object
            self.assertRegex(line, r"^\S+Z info access request_id=\S+ method=GET path=/tenant/agents "
                                   r"route=/tenant/agents status=200 duration_ms=[\d.]+ statements=\d+ ip=127\.0\.0\.1 "
                                   rf"user_id={uid} tenant_id={t}$")
            log = open(p.log.name).read()
            self.assertNotIn(token, log)
            self.assertFalse(any(x.lstrip().startswith("{") for x in log.splitlines()), log[:500])
            odd = [x for x in log.splitlines() if "no such path" in x]
            self.assertEqual(len(odd), 1, odd)
            self.assertIn('path="/no such path" route=- status=404', odd[0])
        finally:
            p.cleanup()

    def test_level_names_accept_what_lines_print(self):
        for level in ["warning", "warn", "WARNING", "error", "critical"]:
            p = Painel("--log-level", level).start()
            try:
                self.assertEqual(p.get("/healthz").status, 200)
                p.stop()
                log = open(p.log.name).read()
                self.assertNotIn('"level":"info"', log, level)
                self.assertNotIn('"type":"access"', log, level)
            finally:
                p.cleanup()
        p = Painel("--log-level", "info").start()
        try:
            p.get("/healthz")
            p.stop()
            self.assertIn('"level":"info"', open(p.log.name).read())
        finally:
            p.cleanup()
        d = tempfile.mkdtemp(prefix="painel-test-")
        try:
            r = subprocess.run([BIN, "serve", "--listen", "127.0.0.1:0", "--log-level", "verbose",
                                "--database", "sqlite:" + os.path.join(d, "p.db")],
                               capture_output=True, text=True, timeout=60,
                               env=dict(os.environ, PAINEL_MASTER_KEY="test-master-key"))
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("unknown log level: verbose", r.stderr + r.stdout)
        finally:
            shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
