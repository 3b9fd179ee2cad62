"""Abuse over real HTTP (issue 13): what an outsider on the network tried, and must keep
failing. Each case broke an earlier build (crash, starvation, invalid JSON served, a
smuggling primitive); here each must get a clear 4xx/503 and leave the server serving.
Loopback only, bounded in count and time; memory is read from /proc, never timed."""
import gzip
import json
import os
import socket
import sys
import threading
import time
import unittest
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from fixtures import World, now_iso  # noqa: E402
from harness import Painel, main, raw_exchange  # noqa: E402


def rss_kib(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError(field + " not found")


def status_of(raw):
    line = raw.split(b"\r\n", 1)[0]
    return int(line.split()[1]) if line.startswith(b"HTTP/1.1 ") else None


def body_of(raw):
    return json.loads(raw.split(b"\r\n\r\n", 1)[1].decode())


class HttpAbuse(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Painel("--max-connections", "64", "--network-threads", "2",
                       "--header-timeout-ms", "1500", "--max-body-memory-mb", "32").start()
        cls.w = World(cls.p)
        cls.key = cls.p.cli("keys", "create", "--name", "abuse").stdout.strip()

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()

    def alive(self):
        r = self.p.get("/healthz")
        self.assertEqual(r.status, 200)

    def ingest_raw(self, body, key=None, extra=b""):
        head = (f"POST /ingest/usage HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                f"Authorization: Bearer {key or self.key}\r\nContent-Length: {len(body)}\r\n").encode()
        return raw_exchange(self.p.port, head + extra + b"\r\n" + body)

    # 1. Deep nesting overflowed the recursive JSON parser's stack (a crash).
    def test_deep_nesting_raw_and_gzipped_is_400(self):
        deep = b'{"events":' + b"[" * 150000
        r = self.ingest_raw(deep)
        self.assertEqual(status_of(r), 400, r[:300])
        self.assertIn("nested too deeply", body_of(r)["detail"])
        z = gzip.compress(deep)
        self.assertLess(len(z), 1000)
        r = self.ingest_raw(z, extra=b"Content-Encoding: gzip\r\n")
        self.assertEqual(status_of(r), 400, r[:300])
        # every JSON body goes through the same parser: login and commands too
        r = self.p.request("POST", "/auth/login", raw=b'{"email":' + b"[" * 10000,
                           headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 400)
        r = self.p.request("POST", "/internal/operations/commands", raw=b'{"parameters":' + b"{\"a\":" * 2000,
                           token=self.w.token("INTERNAL_ADMIN"), headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 400)
        self.alive()

    # 7. Invalid UTF-8 reached the lockout table and the audit log: /internal/audit then
    #    served invalid JSON forever, and PostgreSQL answered 500.
    def test_invalid_utf8_in_body_query_and_headers_is_400(self):
        r = self.p.request("POST", "/auth/login", raw=b'{"email":"\xff@x.com","password":"whatever1"}',
                           headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 400)
        r = self.p.request("POST", "/auth/login", raw=b'{"email":"a\\u0000@x.com","password":"whatever1"}',
                           headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 400)
        admin = self.w.token("INTERNAL_ADMIN")
        for path in ("/internal/tenants?search=%FF", "/internal/tenants?segment=%C3",
                     "/internal/audit?actor=%FF", "/internal/tenants?search=%ED%A0%80"):
            r = self.p.get(path, token=admin)
            self.assertEqual(r.status, 400, path)
            self.assertEqual(r.headers["content-type"], "application/problem+json")
        r = raw_exchange(self.p.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nUser-Agent: \xff\xfe\r\n\r\n")
        self.assertEqual(status_of(r), 400)
        # the audit log still renders as valid JSON
        r = self.p.get("/internal/audit?limit=200", token=admin)
        self.assertEqual(r.status, 200)
        json.loads(r.body)
        self.alive()

    # 8. `Transfer-Encoding: chunked, identity` was read as "no body": a smuggling primitive.
    def test_transfer_encoding_other_than_chunked_is_400_and_close(self):
        for te in (b"chunked, identity", b"identity", b"gzip, chunked", b"chunked\r\nTransfer-Encoding: chunked"):
            r = raw_exchange(self.p.port, b"POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                             b"Transfer-Encoding: " + te + b"\r\n\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertEqual(status_of(r), 400, te)
            self.assertEqual(r.count(b"HTTP/1.1 "), 1, "the smuggled request must not be answered")
        r = raw_exchange(self.p.port, b"POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        self.assertEqual(status_of(r), 400)
        # plain chunked still works
        body = b'{"email":"nobody@x.com","password":"wrong-password"}'
        chunked = hex(len(body))[2:].encode() + b"\r\n" + body + b"\r\n0\r\n\r\n"
        r = raw_exchange(self.p.port, b"POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         b"Connection: close\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked)
        self.assertEqual(status_of(r), 401)

    # 9. Errors of the HTTP layer lacked request_id / X-Request-Id; 405 lacked Allow.
    def test_http_layer_errors_have_request_id_and_405_has_allow(self):
        r = raw_exchange(self.p.port, b"GET /internal/tenants/%00 HTTP/1.1\r\nHost: x\r\nX-Request-Id: trace-1\r\n\r\n")
        self.assertEqual(status_of(r), 400)
        self.assertIn(b"X-Request-Id: trace-1", r)
        self.assertEqual(body_of(r)["request_id"], "trace-1")
        r = raw_exchange(self.p.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n")
        self.assertEqual(status_of(r), 400)
        self.assertIn(b"X-Request-Id: ", r)
        self.assertEqual(len(body_of(r)["request_id"]), 36)
        r = self.p.post("/healthz", {})
        self.assertEqual(r.status, 405)
        self.assertEqual(r.headers["allow"], "GET, HEAD")
        r = self.p.request("DELETE", "/internal/operations/commands")
        self.assertEqual(r.status, 405)
        self.assertEqual(sorted(m.strip() for m in r.headers["allow"].split(",")), ["GET", "HEAD", "POST"])
        r = self.p.post("/app/index.html", {})
        self.assertEqual(r.status, 405)
        self.assertEqual(r.headers["allow"], "GET, HEAD")

    # 3. Bodies were read whole before the key was checked: 60 held connections took 600 MB.
    def test_bad_credentials_and_unknown_routes_refused_before_the_body(self):
        for path, auth in (("/ingest/usage", "Bearer not-a-key"), ("/no/such/route", "Bearer x"),
                           ("/internal/operations/commands", "Bearer not-a-token")):
            s = socket.create_connection(("127.0.0.1", self.p.port), timeout=10)
            s.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      f"Authorization: {auth}\r\nContent-Length: 5000000\r\n\r\n".encode())
            # the answer comes without a byte of the body sent
            raw = s.recv(65536)
            s.close()
            self.assertIn(status_of(raw), (401, 404), path)
        before = rss_kib(self.p.proc.pid)
        stop = threading.Event()

        def hold():
            try:
                s = socket.create_connection(("127.0.0.1", self.p.port), timeout=10)
                s.sendall(b"POST /ingest/usage HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                          b"Authorization: Bearer wrong\r\nContent-Length: 10000000\r\n\r\n")
                chunk = b" " * 65536
                for _ in range(160):  # 10 MB each, if the server would take it
                    if stop.is_set():
                        break
                    s.sendall(chunk)
            except OSError:
                pass
        threads = [threading.Thread(target=hold) for _ in range(60)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        stop.set()
        grown_mib = (rss_kib(self.p.proc.pid) - before) / 1024
        self.assertLess(grown_mib, 100, f"server grew {grown_mib:.0f} MiB holding 60 refused bodies")
        self.alive()

    def test_body_memory_budget_gives_503_with_retry_after(self):
        # --max-body-memory-mb 32: three valid 10 MB bodies held open fit, a fourth does not
        held = []
        for _ in range(3):
            s = socket.create_connection(("127.0.0.1", self.p.port), timeout=10)
            s.sendall(f"POST /ingest/usage HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      f"Authorization: Bearer {self.key}\r\nContent-Length: 10000000\r\n\r\n{{".encode())
            held.append(s)
        time.sleep(0.3)
        try:
            r = self.ingest_raw(b" " * 100, extra=b"")  # small: fits
            self.assertEqual(status_of(r), 400)  # (not JSON) but read
            big = (f"POST /ingest/usage HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                   f"Authorization: Bearer {self.key}\r\nContent-Length: 9000000\r\n\r\n").encode()
            r = raw_exchange(self.p.port, big)
            self.assertEqual(status_of(r), 503, r[:300])
            self.assertIn(b"Retry-After: 1", r)
        finally:
            for s in held:
                s.close()
        time.sleep(0.3)
        m = self.p.get("/metrics").body
        self.assertIn("painel_body_budget_rejections_total", m)
        self.alive()

    def test_expect_100_continue_after_the_head_is_accepted(self):
        body = json.dumps({"events": [{"event_id": str(uuid.uuid4()), "tenant_id": self.w.a,
                                       "agent_id": self.w.agent1, "occurred_at": now_iso(),
                                       "status": "success", "response_time_ms": 5, "tokens_used": 1,
                                       "cost": 0.01}]}).encode()
        s = socket.create_connection(("127.0.0.1", self.p.port), timeout=10)
        s.sendall(f"POST /ingest/usage HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  f"Authorization: Bearer {self.key}\r\nExpect: 100-continue\r\nConnection: close\r\n"
                  f"Content-Length: {len(body)}\r\n\r\n".encode())
        first = s.recv(65536)
        self.assertTrue(first.startswith(b"HTTP/1.1 100 Continue"), first)
        s.sendall(body)
        rest = b""
        while True:
            c = s.recv(65536)
            if not c:
                break
            rest += c
        s.close()
        self.assertEqual(status_of((first + rest).split(b"\r\n\r\n", 1)[1]), 202)

    # Slowloris: a head dribbled byte by byte is dropped at the header timeout (1.5 s here).
    def test_slowloris_is_dropped_at_the_header_timeout(self):
        s = socket.create_connection(("127.0.0.1", self.p.port), timeout=10)
        t0 = time.monotonic()
        closed = False
        try:
            for ch in b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200:
                s.sendall(bytes([ch]))
                time.sleep(0.05)
                if time.monotonic() - t0 > 8:
                    break
        except OSError:
            closed = True
        if not closed:
            s.settimeout(5)
            try:
                closed = s.recv(100) == b""
            except socket.timeout:  # still open 5 s later: not dropped
                closed = False
            except OSError:  # reset: dropped
                closed = True
        s.close()
        self.assertTrue(closed, "a slow head must be dropped")
        self.alive()

    # 2. A connection flood above the cap crashed the server (two network threads closing one
    #    socket). Now: idle connections are evicted oldest first, /healthz keeps answering.
    def test_connection_flood_above_the_cap_leaves_healthz_answering(self):
        socks = []
        stop = threading.Event()
        errors = []

        def churn():  # requests racing the header timeout on both network threads
            while not stop.is_set():
                try:
                    s = socket.create_connection(("127.0.0.1", self.p.port), timeout=5)
                    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
                    time.sleep(0.001 * (len(socks) % 7))
                    s.sendall(b"\r\n")
                    s.recv(1000)
                    s.close()
                except OSError:
                    pass
        churners = [threading.Thread(target=churn) for _ in range(4)]
        for t in churners:
            t.start()
        try:
            for i in range(600):  # ~10x the cap of 64
                try:
                    s = socket.create_connection(("127.0.0.1", self.p.port), timeout=5)
                    if i % 2:
                        s.sendall(b"GET /healthz HTTP/1.1\r\n")  # a head that never ends
                    socks.append(s)
                except OSError as e:
                    errors.append(e)
                if i % 100 == 99:
                    self.assertEqual(self.p.get("/healthz").status, 200, f"after {i + 1} connections")
            self.assertIsNone(self.p.proc.poll(), "the server died")
            self.assertEqual(self.p.get("/healthz").status, 200)
        finally:
            stop.set()
            for t in churners:
                t.join()
            for s in socks:
                s.close()
        m = self.p.get("/metrics").body
        evicted = [line for line in m.splitlines() if line.startswith('painel_connections_total{result="evicted"}')]
        self.assertTrue(evicted and int(float(evicted[0].split()[-1])) > 0, m[:2000])
        self.assertIsNone(self.p.proc.poll())


class TrustedProxies(unittest.TestCase):
    """Behind a reverse proxy every client had the proxy's address; X-Forwarded-For is now
    believed from the configured proxies only, and the real address reaches the logs."""

    def access_ips(self, p, request_id):
        p.log.flush()
        ips = []
        with open(p.log.name) as f:
            for line in f:
                if request_id in line:
                    try:
                        rec = json.loads(line).get("event") or {}
                    except ValueError:
                        continue
                    if rec.get("type") == "access":
                        ips.append(rec.get("ip"))
        return ips

    def test_forwarded_for_only_from_trusted_proxies(self):
        for trusted, expected in ((["--trusted-proxies", "127.0.0.1/32"], "198.51.100.7"), ([], "127.0.0.1")):
            p = Painel(*trusted).start()
            try:
                rid = "xff-" + uuid.uuid4().hex
                r = p.get("/healthz", headers={"X-Forwarded-For": "1.1.1.1, 198.51.100.7", "X-Request-Id": rid})
                self.assertEqual(r.status, 200)
                deadline = time.time() + 5
                ips = []
                while time.time() < deadline and not ips:
                    ips = self.access_ips(p, rid)
                    time.sleep(0.1)
                self.assertEqual(ips, [expected], trusted)
            finally:
                p.cleanup()

    def test_an_attacker_behind_the_proxy_cannot_lock_out_a_user_behind_it(self):
        """Everyone behind nginx shares its address: failures are counted against the client
        address the proxy reports, so the attacker's lock does not reach the real user."""
        p = Painel("--trusted-proxies", "127.0.0.1").start()
        try:
            t = p.tenant("Proxy Ltda")
            p.user("victim@proxy.com", "TENANT_ADMIN", t, password="correct-horse-9")
            attacker = {"X-Forwarded-For": "203.0.113.66", "Content-Type": "application/json"}
            statuses = set()
            for _ in range(12):
                r = p.request("POST", "/auth/login", raw=json.dumps(
                    {"email": "victim@proxy.com", "password": "wrong-password"}).encode(), headers=attacker)
                statuses.add(r.status)
            self.assertIn(429, statuses, "the attacker's own address gets locked")
            r = p.request("POST", "/auth/login", raw=json.dumps(
                {"email": "victim@proxy.com", "password": "correct-horse-9"}).encode(),
                headers={"X-Forwarded-For": "198.51.100.7", "Content-Type": "application/json"})
            self.assertEqual(r.status, 200, r)
        finally:
            p.cleanup()

    def test_bad_trusted_proxies_value_refuses_to_start(self):
        p = Painel("--trusted-proxies", "10.0.0.0/99")
        try:
            with self.assertRaises(AssertionError):
                p.start()
        finally:
            p.cleanup()


if __name__ == "__main__":
    main()
