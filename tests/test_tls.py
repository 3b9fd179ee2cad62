"""TLS on `painel serve` (--tls-cert/--tls-key) and `painel smoke --url https://`: a test CA
and server certificates made with the openssl CLI in a temporary directory (valid, a second
valid one for the reload, expired, another host's), real handshakes over loopback with
Python's ssl module and the openssl CLI."""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import BIN, Painel, main  # noqa: E402

PASSWORD = "painel-test-pw-1"


def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True)


class Certs:
    """A CA and leaf certificates signed by it, each leaf with its own key."""

    def __init__(self, d):
        self.d = d
        self.ca = self.path("ca.pem")
        self.ca_key = self.path("ca.key")
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", self.ca_key, "-out", self.ca,
                "-days", "30", "-subj", "/CN=Painel Test CA")

    def path(self, name):
        return os.path.join(self.d, name)

    def leaf(self, name, serial, san="IP:127.0.0.1,DNS:localhost", days="30"):
        """Writes NAME.pem and NAME.key; returns (cert, key)."""
        cert, key, csr, ext = (self.path(name + s) for s in (".pem", ".key", ".csr", ".ext"))
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=" + name)
        with open(ext, "w") as f:
            f.write(f"subjectAltName={san}\nextendedKeyUsage=serverAuth\n")
        openssl("x509", "-req", "-in", csr, "-CA", self.ca, "-CAkey", self.ca_key, "-set_serial", str(serial),
                "-days", days, "-extfile", ext, "-out", cert)
        return cert, key


def client_context(certs, version=None):
    ctx = ssl.create_default_context(cafile=certs.ca)
    if version:
        ctx.minimum_version = ctx.maximum_version = version
    return ctx


def get(port, ctx, path, conn=None, token=None):
    """One request over TLS; returns (response, body, connection) with the connection open."""
    conn = conn or http.client.HTTPSConnection("127.0.0.1", port, timeout=30, context=ctx)
    conn.request("GET", path, headers={"Authorization": "Bearer " + token} if token else {})
    r = conn.getresponse()
    return r, r.read(), conn


def serial_of(conn):
    return conn.sock.getpeercert()["serialNumber"]


def wait_for_log(p, pattern, after=0):
    """Waits (bounded) for a log line matching pattern after byte offset `after`."""
    deadline = time.time() + 20
    while time.time() < deadline:
        with open(p.log.name) as f:
            f.seek(after)
            text = f.read()
        if re.search(pattern, text):
            return text
        time.sleep(0.05)
    raise AssertionError(f"no log line matching {pattern!r}")


def log_size(p):
    return os.path.getsize(p.log.name)


def metric(p, ctx, line_prefix):
    r, body, conn = get(p.port, ctx, "/metrics")
    conn.close()
    for line in body.decode().splitlines():
        if line.startswith(line_prefix):
            return float(line.split()[-1])
    return 0.0


class TlsServer(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="painel-tls-")
        cls.certs = Certs(cls.tmp)
        cls.cert_a = cls.certs.leaf("a", 0xA1)
        cls.cert_b = cls.certs.leaf("b", 0xB2)
        # the files the server is told about; the reload test copies other pairs over them
        cls.cert, cls.key = cls.certs.path("live.pem"), cls.certs.path("live.key")
        shutil.copy(cls.cert_a[0], cls.cert)
        shutil.copy(cls.cert_a[1], cls.key)
        cls.p = Painel("--tls-cert", cls.cert, "--tls-key", cls.key, "--header-timeout-ms", "1000").start()
        cls.ctx = client_context(cls.certs)

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_tls12_and_tls13_accepted_with_hsts(self):
        for version, name in ((ssl.TLSVersion.TLSv1_2, "TLSv1.2"), (ssl.TLSVersion.TLSv1_3, "TLSv1.3")):
            r, body, conn = get(self.p.port, client_context(self.certs, version), "/healthz")
            self.assertEqual(conn.sock.version(), name)
            self.assertEqual(r.status, 200)
            self.assertEqual(json.loads(body)["status"], "ok")
            self.assertEqual(r.getheader("Strict-Transport-Security"), "max-age=31536000")
            conn.close()

    def test_tls12_offers_only_forward_secret_aead_ciphers(self):
        ctx = client_context(self.certs, ssl.TLSVersion.TLSv1_2)
        ctx.set_ciphers("AES128-SHA:AES256-GCM-SHA384:ECDHE-RSA-AES128-SHA")  # no ECDHE+AEAD
        with self.assertRaises(ssl.SSLError):
            get(self.p.port, ctx, "/healthz")
        _, _, conn = get(self.p.port, client_context(self.certs, ssl.TLSVersion.TLSv1_2), "/healthz")
        self.assertIn("GCM", conn.sock.cipher()[0])
        conn.close()

    def test_tls11_refused_by_the_server(self):
        before = metric(self.p, self.ctx, "painel_tls_handshake_failures_total")
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")  # let this client offer TLS 1.1 at all
        ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_1
        with self.assertRaises(ssl.SSLError) as e:
            get(self.p.port, ctx, "/healthz")
        # the server's alert, not a local refusal to try
        self.assertIn("PROTOCOL_VERSION", str(e.exception).upper().replace(" ", "_"))
        self.assertEqual(metric(self.p, self.ctx, "painel_tls_handshake_failures_total"), before + 1)

    def test_hsts_on_every_answer_including_refusals(self):
        for path, status in (("/no/such/route", 404), ("/auth/me", 401)):
            r, _, conn = get(self.p.port, self.ctx, path)
            self.assertEqual(r.status, status)
            self.assertEqual(r.getheader("Strict-Transport-Security"), "max-age=31536000")
            conn.close()
        # a refusal of the network layer (malformed request head, then close)
        raw = socket.create_connection(("127.0.0.1", self.p.port), timeout=10)
        s = self.ctx.wrap_socket(raw, server_hostname="127.0.0.1")
        s.sendall(b"GARBAGE\r\n\r\n")
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except (ssl.SSLError, ConnectionResetError):
                break
            if not chunk:
                break
            out += chunk
        s.close()
        self.assertTrue(out.startswith(b"HTTP/1.1 400"), out[:200])
        self.assertIn(b"Strict-Transport-Security: max-age=31536000\r\n", out)

    def test_login_and_authenticated_read_over_tls(self):
        tenant = self.p.tenant("Padaria TLS Ltda")
        self.p.user("tls-admin@a.com", "TENANT_ADMIN", tenant)
        conn = http.client.HTTPSConnection("127.0.0.1", self.p.port, timeout=30, context=self.ctx)
        conn.request("POST", "/auth/login", body=json.dumps({"email": "tls-admin@a.com", "password": PASSWORD}),
                     headers={"Content-Type": "application/json"})
        r = conn.getresponse()
        body = json.loads(r.read())
        self.assertEqual(r.status, 200, body)
        token = body["access_token"]
        r, body, conn = get(self.p.port, self.ctx, "/auth/me", conn=conn, token=token)
        self.assertEqual(r.status, 200)
        self.assertEqual(json.loads(body)["email"], "tls-admin@a.com")
        r, body, conn = get(self.p.port, self.ctx, "/tenant/agents", conn=conn, token=token)
        self.assertEqual(r.status, 200, body)
        conn.close()

    def test_stalled_handshake_is_dropped_at_the_header_timeout(self):
        for hello in (b"", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"):  # nothing; half a ClientHello
            s = socket.create_connection(("127.0.0.1", self.p.port), timeout=20)
            s.sendall(hello)
            try:
                self.assertEqual(s.recv(1024), b"")  # closed by the server (timeout 1 s)
            except ConnectionResetError:
                pass
            s.close()
        r, _, conn = get(self.p.port, self.ctx, "/healthz")
        self.assertEqual(r.status, 200)
        conn.close()

    def test_sighup_swaps_the_certificate_and_keeps_open_connections(self):
        # (one test: the steps share the server's certificate files)
        r, _, old = get(self.p.port, self.ctx, "/healthz")
        self.assertEqual(r.status, 200)
        self.assertEqual(serial_of(old), "A1")
        old_sock = old.sock
        try:
            shutil.copy(self.cert_b[0], self.cert)
            shutil.copy(self.cert_b[1], self.key)
            at = log_size(self.p)
            self.p.proc.send_signal(signal.SIGHUP)
            wait_for_log(self.p, r"TLS certificate .* reloaded", at)
            _, _, new = get(self.p.port, self.ctx, "/healthz")
            self.assertEqual(serial_of(new), "B2")
            new.close()
            # the keep-alive connection opened before the reload still answers, same socket
            r, _, old = get(self.p.port, self.ctx, "/healthz", conn=old)
            self.assertEqual(r.status, 200)
            self.assertIs(old.sock, old_sock)
            self.assertEqual(serial_of(old), "A1")

            # a bad pair (B's certificate with A's key): logged, B stays in service
            shutil.copy(self.cert_a[1], self.key)
            at = log_size(self.p)
            self.p.proc.send_signal(signal.SIGHUP)
            text = wait_for_log(self.p, r"TLS reload failed", at)
            self.assertIn("does not match", text)
            _, _, again = get(self.p.port, self.ctx, "/healthz")
            self.assertEqual(serial_of(again), "B2")
            again.close()
            self.assertIsNone(self.p.proc.poll())
            self.assertEqual(metric(self.p, self.ctx, 'painel_tls_reloads_total{result="ok"}'), 1)
            self.assertEqual(metric(self.p, self.ctx, 'painel_tls_reloads_total{result="failed"}'), 1)
        finally:
            old.close()
            shutil.copy(self.cert_a[0], self.cert)
            shutil.copy(self.cert_a[1], self.key)
            at = log_size(self.p)
            self.p.proc.send_signal(signal.SIGHUP)
            wait_for_log(self.p, r"reloaded", at)

    def test_smoke_over_https(self):
        url = f"https://127.0.0.1:{self.p.port}"
        r = subprocess.run([BIN, "smoke", "--url", url, "--cacert", self.certs.ca], capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("smoke: all checks passed", r.stdout)
        # without --cacert the test CA is not trusted (the system's store is used)
        r = subprocess.run([BIN, "smoke", "--url", url], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("unable to get local issuer certificate", r.stdout)
        self.assertEqual(len(r.stdout.strip().splitlines()), 2, r.stdout)


class TlsBadCertificates(unittest.TestCase):
    """Servers on certificates a client must refuse, and flags `serve` must refuse."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="painel-tls-")
        cls.certs = Certs(cls.tmp)
        cls.good = cls.certs.leaf("good", 0x10)
        cls.other = cls.certs.leaf("other", 0x11)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def smoke_against(self, cert):
        p = Painel("--tls-cert", cert[0], "--tls-key", cert[1]).start()
        try:
            return subprocess.run([BIN, "smoke", "--url", f"https://127.0.0.1:{p.port}", "--cacert", self.certs.ca],
                                  capture_output=True, text=True, timeout=60)
        finally:
            p.cleanup()

    def test_smoke_refuses_an_expired_certificate(self):
        r = self.smoke_against(self.certs.leaf("expired", 0x12, days="-1"))
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("certificate has expired", r.stdout)
        self.assertIn("smoke: FAILED", r.stdout)

    def test_smoke_refuses_another_hosts_certificate(self):
        r = self.smoke_against(self.certs.leaf("wronghost", 0x13, san="DNS:wrong.example"))
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("IP address mismatch", r.stdout)

    def serve(self, *args):
        return subprocess.run([BIN, "serve", "--listen", "127.0.0.1:0", "--database",
                               "sqlite:" + os.path.join(self.tmp, "never.db"), *args],
                              capture_output=True, text=True, timeout=60,
                              env=dict(os.environ, PAINEL_MASTER_KEY="test-master-key"))

    def assert_refused(self, r, words):
        self.assertEqual(r.returncode, 2, r.stderr)
        lines = r.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn(words, lines[0])

    def test_bad_flags_exit_2_with_one_line(self):
        garbage = os.path.join(self.tmp, "garbage.pem")
        with open(garbage, "w") as f:
            f.write("not a certificate\n")
        unreadable = os.path.join(self.tmp, "unreadable.key")
        shutil.copy(self.good[1], unreadable)
        os.chmod(unreadable, 0)
        self.assert_refused(self.serve("--tls-cert", self.good[0]), "give both or neither")
        self.assert_refused(self.serve("--tls-key", self.good[1]), "give both or neither")
        self.assert_refused(self.serve("--tls-cert", self.good[0], "--tls-key", self.other[1]), "does not match")
        self.assert_refused(self.serve("--tls-cert", garbage, "--tls-key", self.good[1]), "not a PEM certificate")
        self.assert_refused(self.serve("--tls-cert", self.good[0], "--tls-key", garbage), "not a PEM private key")
        self.assert_refused(self.serve("--tls-cert", os.path.join(self.tmp, "missing.pem"), "--tls-key",
                                       self.good[1]), "cannot read")
        if os.geteuid() != 0:  # root reads a 0000 file
            self.assert_refused(self.serve("--tls-cert", self.good[0], "--tls-key", unreadable), "cannot read")
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "never.db")))


class PlainHttpHasNoHsts(unittest.TestCase):
    def test_no_hsts_without_tls(self):
        p = Painel().start()
        try:
            r = p.get("/healthz")
            self.assertEqual(r.status, 200)
            self.assertNotIn("strict-transport-security", r.headers)
        finally:
            p.cleanup()


if __name__ == "__main__":
    main()
