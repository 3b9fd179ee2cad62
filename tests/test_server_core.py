"""Server core: health, readiness, metrics, errors as problem+json, request ids, limits,
keep-alive, graceful shutdown."""
import os
import signal
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import Painel, main  # noqa: E402


class ServerCore(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Painel().start()

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()

    def test_healthz_and_readyz(self):
        r = self.p.get("/healthz")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json()["status"], "ok")
        r = self.p.get("/readyz")
        self.assertEqual(r.status, 200)
        self.assertGreaterEqual(r.json()["schema_version"], 2)

    def test_every_response_has_request_id_and_echoes_sane_one(self):
        r = self.p.get("/healthz", headers={"X-Request-Id": "abc-123"})
        self.assertEqual(r.headers["x-request-id"], "abc-123")
        r = self.p.get("/healthz", headers={"X-Request-Id": "bad id with spaces"})
        self.assertNotEqual(r.headers["x-request-id"], "bad id with spaces")
        self.assertEqual(len(r.headers["x-request-id"]), 36)

    def test_unknown_route_is_problem_json(self):
        r = self.p.get("/no/such/route")
        self.assertEqual(r.status, 404)
        self.assertEqual(r.headers["content-type"], "application/problem+json")
        body = r.json()
        for k in ("type", "title", "status", "detail", "request_id"):
            self.assertIn(k, body)
        self.assertEqual(body["request_id"], r.headers["x-request-id"])

    def test_wrong_method_is_405(self):
        r = self.p.post("/healthz", {})
        self.assertEqual(r.status, 405)

    def test_protected_route_without_token_is_401(self):
        r = self.p.get("/auth/me")
        self.assertEqual(r.status, 401)
        self.assertEqual(r.headers["content-type"], "application/problem+json")

    def test_metrics_counts_requests_by_route_and_status(self):
        self.p.get("/healthz")
        r = self.p.get("/metrics")
        self.assertEqual(r.status, 200)
        self.assertIn('painel_http_requests_total{route="/healthz",method="GET",status="200"}', r.body)
        self.assertIn('painel_http_request_duration_seconds_bucket{route="/healthz"', r.body)

    def test_body_over_limit_is_413(self):
        # Announced too large: answered 413 before the body is read.
        s = socket.create_connection(("127.0.0.1", self.p.port))
        s.sendall(b"POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 2000000\r\n\r\n")
        data = s.recv(4096)
        s.close()
        self.assertTrue(data.startswith(b"HTTP/1.1 413"), data[:100])
        # Chunked with no length: cut off once the limit is passed.
        s = socket.create_connection(("127.0.0.1", self.p.port))
        s.sendall(b"POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Transfer-Encoding: chunked\r\n\r\n")
        chunk = b"%x\r\n" % (64 * 1024) + b"a" * (64 * 1024) + b"\r\n"
        data = b""
        try:
            for _ in range(40):
                s.sendall(chunk)
        except OSError:
            pass
        s.settimeout(5)
        try:
            data = s.recv(4096)
        except OSError:
            pass
        s.close()
        self.assertTrue(data.startswith(b"HTTP/1.1 413"), data[:100])

    def test_header_over_limit_is_rejected(self):
        r = self.p.get("/healthz", headers={"X-Big": "a" * (20 * 1024)})
        self.assertEqual(r.status, 431)

    def test_malformed_request_gets_400(self):
        s = socket.create_connection(("127.0.0.1", self.p.port))
        s.sendall(b"GARBAGE\r\n\r\n")
        data = s.recv(4096)
        s.close()
        self.assertTrue(data.startswith(b"HTTP/1.1 400"), data[:100])

    def test_keep_alive_serves_several_requests_on_one_connection(self):
        s = socket.create_connection(("127.0.0.1", self.p.port))
        for _ in range(3):
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            data = b""
            while not (b'"status":"ok"' in data and data.endswith(b"}")):  # the whole body
                chunk = s.recv(4096)
                self.assertTrue(chunk)
                data += chunk
            self.assertTrue(data.startswith(b"HTTP/1.1 200"))
        s.close()

    def test_bad_json_is_400_and_wrong_content_type_415(self):
        r = self.p.request("POST", "/auth/login", raw=b"{not json", headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 400)
        r = self.p.request("POST", "/auth/login", raw=b"{}", headers={"Content-Type": "text/plain"})
        self.assertEqual(r.status, 415)


class SlowClients(unittest.TestCase):
    def test_slowloris_is_dropped_at_header_timeout(self):
        p = Painel().start()
        try:
            # The default header timeout is 10 s; a client trickling bytes is cut off.
            s = socket.create_connection(("127.0.0.1", p.port))
            s.sendall(b"GET /healthz HTTP/1.1\r\n")
            t0 = time.time()
            s.settimeout(1)
            closed = False
            while time.time() - t0 < 14:
                try:
                    s.sendall(b"X-A: b\r\n")
                    if s.recv(1) == b"":
                        closed = True
                        break
                except socket.timeout:
                    continue
                except OSError:
                    closed = True
                    break
            self.assertTrue(closed, "server kept a trickling client")
            self.assertLess(time.time() - t0, 13)
        finally:
            p.cleanup()


class Shutdown(unittest.TestCase):
    def test_sigterm_exits_zero_quickly(self):
        p = Painel().start()
        try:
            self.assertEqual(p.get("/healthz").status, 200)
            t0 = time.time()
            rc = p.stop(signal.SIGTERM)
            self.assertEqual(rc, 0)
            self.assertLess(time.time() - t0, 10)
        finally:
            p.cleanup()


if __name__ == "__main__":
    main()
