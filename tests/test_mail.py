"""E-mailed links (issue #16) against a REAL SMTP server: Python's smtpd (Debian 12's 3.11)
runs in its own process as a sink that writes every message it receives to a file.
`painel mail test` sends through it (and fails cleanly without it), `painel serve
--smtp-url` starts with it, counts in /metrics, and, once the users API is served, an
invitation and a password reset are mailed with the link the API answers — off the
request path: a hung SMTP server does not slow the answer."""
import email
import email.policy
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import BIN, Painel, main, served_routes  # noqa: E402
from fixtures import World  # noqa: E402

SINK = r"""
import json, smtpd, asyncore, sys, warnings
warnings.simplefilter("ignore")
out = sys.argv[1]
class Sink(smtpd.SMTPServer):
    def process_message(self, peer, mailfrom, rcpttos, data, **kw):
        with open(out, "a") as f:
            f.write(json.dumps({"from": mailfrom, "to": rcpttos,
                                "data": data.decode("utf-8", "replace")}) + "\n")
s = Sink(("127.0.0.1", 0), None, decode_data=False)
print(s.socket.getsockname()[1], flush=True)
asyncore.loop()
"""
FROM = "Painel <no-reply@painel.test>"


class SmtpSink:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="painel-smtp-")
        self.file = os.path.join(self.dir, "mail.jsonl")
        self.proc = subprocess.Popen([sys.executable, "-W", "ignore", "-c", SINK, self.file],
                                     stdout=subprocess.PIPE, text=True)
        self.port = int(self.proc.stdout.readline())
        self.url = f"smtp://127.0.0.1:{self.port}"

    def messages(self):
        if not os.path.exists(self.file):
            return []
        with open(self.file) as f:
            return [json.loads(line) for line in f if line.strip()]

    def wait_for(self, n, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            got = self.messages()
            if len(got) >= n:
                return got
            time.sleep(0.05)
        raise AssertionError(f"expected {n} message(s), the sink has {len(self.messages())}")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)
        self.proc.stdout.close()


def parse(msg):
    return email.message_from_string(msg["data"], policy=email.policy.default)


def silent_port():
    """A listening socket that never answers: a hung SMTP server."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    return s


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def painel(*args, env=None):
    e = {k: v for k, v in os.environ.items() if not k.startswith("PAINEL_SMTP")}
    e.update(env or {})
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=60, env=e)


class MailTestCommand(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sink = SmtpSink()

    @classmethod
    def tearDownClass(cls):
        cls.sink.stop()

    def test_sends_a_portuguese_test_message_by_default(self):
        before = len(self.sink.messages())
        r = painel("mail", "test", "--to", "ana@example.com", "--smtp-url", self.sink.url,
                   "--smtp-from", FROM)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.strip(), "sent")
        m = self.sink.wait_for(before + 1)[-1]
        self.assertEqual(m["from"], "no-reply@painel.test")
        self.assertEqual(m["to"], ["ana@example.com"])
        msg = parse(m)
        self.assertIn("Subject: =?UTF-8?B?", m["data"])  # encoded-word on the wire
        self.assertEqual(msg["Subject"], "Painel: mensagem de teste — configuração de e-mail")
        self.assertIn("no-reply@painel.test", msg["From"])
        self.assertIn("To: <ana@example.com>\r\n", m["data"].replace("\r\n", "\n").replace("\n", "\r\n"))
        self.assertTrue(msg["Message-ID"].endswith("@painel.test>"))
        self.assertIsNotNone(msg["Date"])
        self.assertEqual(msg.get_content_type(), "text/plain")
        self.assertIn("configurações de SMTP", msg.get_content())

    def test_english_and_json_and_settings_from_the_environment(self):
        before = len(self.sink.messages())
        r = painel("mail", "test", "--to", "bob@example.com", "--lang", "en", "--json",
                   env={"PAINEL_SMTP_URL": self.sink.url, "PAINEL_SMTP_FROM": "alerts@painel.test"})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout), {"to": "bob@example.com", "sent": True})
        msg = parse(self.sink.wait_for(before + 1)[-1])
        self.assertEqual(msg["Subject"], "Painel: test message")
        self.assertIn("SMTP settings work", msg.get_content())

    def test_an_unreachable_server_exits_1_with_one_line(self):
        r = painel("mail", "test", "--to", "ana@example.com", "--smtp-url",
                   f"smtp://127.0.0.1:{free_port()}", "--smtp-from", FROM)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        self.assertIn("mail not sent", r.stderr)

    def test_bad_arguments_exit_2(self):
        for args in (["--to", "ana@example.com", "--smtp-from", FROM],  # no URL
                     ["--to", "ana@example.com", "--smtp-url", "http://x", "--smtp-from", FROM],
                     ["--to", "ana@example.com", "--smtp-url", self.sink.url],  # no sender
                     ["--to", "ana@example.com", "--smtp-url", self.sink.url, "--smtp-from", "nope"],
                     ["--to", "not-an-address", "--smtp-url", self.sink.url, "--smtp-from", FROM],
                     ["--to", "ana@example.com", "--smtp-url", self.sink.url, "--smtp-from", FROM,
                      "--lang", "fr"],
                     []):
            r = painel("mail", "test", *args)
            self.assertEqual(r.returncode, 2, (args, r.stdout, r.stderr))
            self.assertTrue(r.stderr.strip(), args)

    def test_serve_refuses_bad_smtp_settings(self):
        for args in (["--smtp-url", "http://mail"], ["--smtp-url", self.sink.url],
                     ["--smtp-url", self.sink.url, "--smtp-from", "a@b.c\r\nBcc: x@y.z"]):
            r = painel("serve", "--listen", "127.0.0.1:0", "--database", "sqlite:/nonexistent/x.db",
                       *args, env={"PAINEL_MASTER_KEY": "test-master-key"})
            self.assertEqual(r.returncode, 2, (args, r.stderr))
            self.assertIn("--smtp-", r.stderr)


def users_api_served():
    return any(r.get("method") == "POST" and r.get("path") == "/internal/users" for r in served_routes())


class InviteMail(unittest.TestCase):
    """serve with --smtp-url: the counters, then the invite and reset flows of the users API."""

    @classmethod
    def setUpClass(cls):
        cls.sink = SmtpSink()
        cls.p = Painel("--smtp-url", cls.sink.url, "--smtp-from", FROM).start()
        cls.w = World(cls.p)

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()
        cls.sink.stop()

    def metric(self, result):
        for line in self.p.get("/metrics").body.splitlines():
            if line.startswith(f'painel_mail_sent_total{{result="{result}"}} '):
                return int(line.split()[-1])
        return None

    def wait_metric(self, result, n, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if (self.metric(result) or 0) >= n:
                return
            time.sleep(0.05)
        self.fail(f"painel_mail_sent_total{{result={result}}} did not reach {n}: {self.metric(result)}")

    def test_counters_are_exposed_from_the_start(self):
        for result in ("sent", "failed", "dropped"):
            self.assertIsNotNone(self.metric(result), result)

    def require_users_api(self):
        if not users_api_served():
            self.skipTest("the users API (POST /internal/users) is not served by this build")

    def test_invite_is_mailed_with_the_link_the_api_answers(self):
        self.require_users_api()
        before = len(self.sink.messages())
        sent = self.metric("sent")
        r = self.p.post("/internal/users", {"email": "nova@a.com", "name": "Nova Sá", "group": "TENANT_USER",
                                            "tenant_id": self.w.a}, token=self.w.token("INTERNAL_ADMIN"))
        self.assertEqual(r.status, 201, r)
        body = r.json()
        self.assertIs(body["emailed"], True)
        url = body["invite"]["url"]
        m = self.sink.wait_for(before + 1)[-1]
        self.assertEqual(m["to"], ["nova@a.com"])
        msg = parse(m)
        self.assertEqual(msg["Subject"], "Seu convite para o Painel")
        text = msg.get_content()
        self.assertIn(url, text)
        self.assertIn("Nova Sá", text)
        self.wait_metric("sent", sent + 1)
        # the link is in no log line
        with open(os.path.join(self.p.dir, "serve.log")) as f:
            self.assertNotIn(url.split("token=")[1], f.read())

    def test_reset_is_mailed_in_english_when_the_caller_asks_for_english(self):
        self.require_users_api()
        uid = self.p.post("/internal/users", {"email": "reset@a.com", "name": "Rita", "group": "TENANT_USER",
                                              "tenant_id": self.w.a}, token=self.w.token("INTERNAL_ADMIN")).json()["user"]["id"]
        self.sink.wait_for(1)
        time.sleep(0.3)  # the invitation above has arrived
        before = len(self.sink.messages())
        r = self.p.post(f"/internal/users/{uid}/password-reset", token=self.w.token("INTERNAL_ADMIN"),
                        headers={"Accept-Language": "en-US,en;q=0.9"})
        self.assertEqual(r.status, 200, r)
        self.assertIs(r.json()["emailed"], True)
        msg = parse(self.sink.wait_for(before + 1)[-1])
        self.assertEqual(msg["Subject"], "Painel password reset")
        self.assertIn(r.json()["url"], msg.get_content())
        self.assertEqual(set(r.json()), {"url", "expires_at", "emailed"})

    def test_a_tenant_administrator_invites_and_resets_by_mail_in_portuguese(self):
        self.require_users_api()
        before = len(self.sink.messages())
        r = self.p.post("/tenant/users", {"email": "colega@a.com", "name": "Colega", "group": "TENANT_USER"},
                        token=self.w.token("TENANT_ADMIN"), headers={"Accept-Language": "pt-BR,en;q=0.5"})
        self.assertEqual(r.status, 201, r)
        self.assertIs(r.json()["emailed"], True)
        got = self.sink.wait_for(before + 1)
        self.assertEqual(got[-1]["to"], ["colega@a.com"])
        self.assertIn(r.json()["invite"]["url"], parse(got[-1]).get_content())
        uid = r.json()["user"]["id"]
        r = self.p.post(f"/tenant/users/{uid}/password-reset", token=self.w.token("TENANT_ADMIN"))
        self.assertEqual(r.status, 200, r)
        self.assertIs(r.json()["emailed"], True)
        msg = parse(self.sink.wait_for(before + 2)[-1])
        self.assertEqual(msg["Subject"], "Redefinição de senha do Painel")
        self.assertIn("Subject: =?UTF-8?B?", self.sink.messages()[-1]["data"])
        self.assertIn(r.json()["url"], msg.get_content())

    def test_the_cli_mails_the_links_it_prints(self):
        self.require_users_api()
        before = len(self.sink.messages())
        mail = ["--smtp-url", self.sink.url, "--smtp-from", FROM]
        r = self.p.cli("users", "create", "--email", "cli@a.com", "--name", "Cli", "--group", "TENANT_USER",
                       "--tenant", self.w.a, "--json", *mail)
        out = json.loads(r.stdout)
        self.assertIs(out["emailed"], True)
        m = self.sink.wait_for(before + 1)[-1]
        self.assertEqual(m["to"], ["cli@a.com"])
        self.assertIn(out["invite"]["url"], parse(m).get_content())
        r = self.p.cli("users", "reset-password", out["user"]["id"], "--lang", "en", *mail)
        url = r.stdout.strip()
        msg = parse(self.sink.wait_for(before + 2)[-1])
        self.assertEqual(msg["Subject"], "Painel password reset")
        self.assertIn(url, msg.get_content())
        # an SMTP server that is not there: the link is still printed, exit 0, one line why
        r = self.p.cli("users", "reset-password", out["user"]["id"], "--json", "--smtp-url",
                       f"smtp://127.0.0.1:{free_port()}", "--smtp-from", FROM)
        self.assertIs(json.loads(r.stdout)["emailed"], False)
        self.assertIn("mail not sent", r.stderr)
        # bad mail settings are bad arguments, refused before anything is written
        r = self.p.cli("users", "create", "--email", "never@a.com", "--name", "N", "--group", "TENANT_USER",
                       "--tenant", self.w.a, "--smtp-url", "http://x", "--smtp-from", FROM, check=False)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(self.p.sql("SELECT count(*) FROM users WHERE email = ?", ("never@a.com",))[0][0], 0)
        # without --smtp-url nothing is mailed
        r = self.p.cli("users", "reset-password", out["user"]["id"], "--json")
        self.assertIs(json.loads(r.stdout)["emailed"], False)


class SlowSmtp(unittest.TestCase):
    """A hung SMTP server never holds a request: the invite answers at once, the mail fails
    later (counted), and the link is still in the answer."""

    def test_a_hung_server_does_not_slow_the_invite(self):
        if not users_api_served():
            self.skipTest("the users API (POST /internal/users) is not served by this build")
        hung = silent_port()
        p = Painel("--smtp-url", f"smtp://127.0.0.1:{hung.getsockname()[1]}", "--smtp-from", FROM).start()
        try:
            w = World(p)
            t0 = time.time()
            r = p.post("/internal/users", {"email": "lenta@a.com", "name": "Lenta", "group": "TENANT_USER",
                                           "tenant_id": w.a}, token=w.token("INTERNAL_ADMIN"))
            self.assertLess(time.time() - t0, 3)
            self.assertEqual(r.status, 201, r)
            self.assertIn("url", r.json()["invite"])
            self.assertIs(r.json()["emailed"], True)  # queued; its failure comes later, counted
        finally:
            p.cleanup()
            hung.close()

    def test_without_smtp_nothing_is_emailed(self):
        if not users_api_served():
            self.skipTest("the users API (POST /internal/users) is not served by this build")
        p = Painel().start()
        try:
            w = World(p)
            r = p.post("/internal/users", {"email": "sem@a.com", "name": "Sem", "group": "TENANT_USER",
                                           "tenant_id": w.a}, token=w.token("INTERNAL_ADMIN"))
            self.assertEqual(r.status, 201, r)
            self.assertIs(r.json()["emailed"], False)
            r = p.post(f"/internal/users/{r.json()['user']['id']}/password-reset", token=w.token("INTERNAL_ADMIN"))
            self.assertIs(r.json()["emailed"], False)
        finally:
            p.cleanup()


if __name__ == "__main__":
    main()
