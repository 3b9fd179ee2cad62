"""A sub-path in --public-url (issue 18): with `--public-url https://painel.example.com/painel`
a reverse proxy forwards /painel/... unchanged and Painel answers its UI and API there: the
pages' <base href> is /painel/app/ (assets keep their precompressed twins), `/painel`
redirects to /painel/app/, Location headers, the refresh cookie's Path and the links it
writes (invitations) carry the prefix; /healthz, /readyz and /metrics answer at the root too
(probes and scrapes are configured without it) and every other path outside it is 404.
Without a path in --public-url nothing moves (src/http/path_prefix.cpp)."""
import gzip
import http.client
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import BIN, SRC, Painel, main  # noqa: E402

PUBLIC = "https://painel.example.com"
ASSET = "assets/main-5e1f0a2b.js"
PASSWORD = "painel-test-pw-1"
MODE = {"X-Painel-Session": "cookie"}


def make_ui(root):
    """A built UI shaped like web/dist: pages with <base href="/app/"> and relative asset
    references, a hashed script worth compressing, twins written by the real script."""
    os.makedirs(os.path.join(root, "assets"))
    page = ('<!doctype html><html lang=pt-BR><head><meta charset=utf-8><base href="/app/">'
            f'<script type=module crossorigin src="./{ASSET}"></script></head><body>'
            + "<div id=root></div><!-- padding so the page is worth compressing -->" * 20
            + "</body></html>")
    script = "".join(f"export function view{i}(p){{return draw('panel-{i}',p.items);}}\n"
                     for i in range(500))
    for rel, text in {"index.html": page, "docs.html": page, ASSET: script}.items():
        with open(os.path.join(root, rel), "w") as f:
            f.write(text)
    subprocess.run([os.path.join(SRC, "scripts/precompress-web.sh"), root], check=True,
                   capture_output=True)
    return page.encode(), script.encode()


def fetch(port, path, method="GET", **headers):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(method, path, headers=headers)
    r = conn.getresponse()
    body = r.read()
    h = {k.lower(): v for k, v in r.getheaders()}
    conn.close()
    return r.status, h, body


def unbrotli(data):
    return subprocess.run(["brotli", "-d", "-c"], input=data, capture_output=True,
                          check=True).stdout


class UiBase(unittest.TestCase):
    PUBLIC_URL = PUBLIC

    @classmethod
    def setUpClass(cls):
        cls.ui = tempfile.mkdtemp(prefix="painel-ui-")
        cls.page, cls.script = make_ui(cls.ui)
        cls.p = Painel("--public-url", cls.PUBLIC_URL, web_dir=cls.ui).start()
        cls.p.user("admin@sub.test", "INTERNAL_ADMIN", password=PASSWORD)
        cls.tenant = cls.p.tenant("Padaria Sub")
        cls.p.user("dono@sub.test", "TENANT_ADMIN", cls.tenant, password=PASSWORD)

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()
        shutil.rmtree(cls.ui, ignore_errors=True)

    def get(self, path, **headers):
        return fetch(self.p.port, path, **headers)

    def login(self, prefix, email, headers=None):
        return self.p.post(prefix + "/auth/login", {"email": email, "password": PASSWORD},
                           headers=headers)


class SubPath(UiBase):
    PUBLIC_URL = PUBLIC + "/painel/"  # a trailing '/' is the same path

    def test_pages_get_the_prefixed_base_in_every_coding(self):
        want = self.page.replace(b'<base href="/app/">', b'<base href="/painel/app/">')
        for path in ("/painel/app/", "/painel/app/company/tenants", "/painel/docs"):
            status, h, body = self.get(path, **{"Accept-Encoding": "gzip"})
            self.assertEqual((status, h.get("content-encoding")), (200, "gzip"), path)
            self.assertEqual(gzip.decompress(body), want, path)
            status, h, body = self.get(path)
            self.assertEqual((status, h.get("content-encoding"), body), (200, None, want), path)
        # The build's brotli twin is of the unprefixed page: never sent under a prefix.
        status, h, body = self.get("/painel/app/", **{"Accept-Encoding": "br"})
        self.assertEqual((status, h.get("content-encoding"), body), (200, None, want))
        self.assertEqual(h["cache-control"], "no-cache")

    def test_assets_keep_their_precompressed_twins(self):
        path = "/painel/app/" + ASSET
        status, h, body = self.get(path, **{"Accept-Encoding": "br, gzip"})
        self.assertEqual((status, h.get("content-encoding")), (200, "br"))
        self.assertEqual(unbrotli(body), self.script)
        self.assertIn("immutable", h["cache-control"])
        status, h, body = self.get(path, **{"Accept-Encoding": "gzip"})
        self.assertEqual((status, h.get("content-encoding")), (200, "gzip"))
        self.assertEqual(gzip.decompress(body), self.script)

    def test_the_prefix_alone_redirects_to_the_ui(self):
        for path in ("/painel", "/painel/"):
            status, h, _ = self.get(path)
            self.assertEqual((status, h.get("location")), (302, "/painel/app/"), path)

    def test_login_cookie_and_a_tenant_route_under_the_prefix(self):
        r = self.login("/painel", "dono@sub.test", MODE)
        self.assertEqual(r.status, 200, r)
        cookie = r.headers["set-cookie"]
        self.assertIn("; Path=/painel/auth;", cookie)
        token = r.json()["access_token"]
        me = self.p.get("/painel/tenant/me", token=token)
        self.assertEqual(me.status, 200, me)
        self.assertEqual(me.json()["id"], self.tenant)
        # The cookie refreshes the session under the prefix; logout deletes it there.
        value = cookie.split(";")[0]
        r = self.p.post("/painel/auth/refresh", {}, headers={**MODE, "Cookie": value})
        self.assertEqual(r.status, 200, r)
        self.assertIn("; Path=/painel/auth;", r.headers["set-cookie"])
        r = self.p.post("/painel/auth/logout", {},
                        headers={**MODE, "Cookie": r.headers["set-cookie"].split(";")[0]})
        self.assertEqual(r.status, 204, r)
        self.assertIn("Max-Age=0; Path=/painel/auth;", r.headers["set-cookie"])

    def test_invite_link_and_location_carry_the_prefix(self):
        token = self.login("/painel", "admin@sub.test").json()["access_token"]
        r = self.p.post("/painel/internal/users", {"email": "novo@sub.test", "name": "Novo",
                                                   "group": "INTERNAL_SUPPORT"}, token=token)
        self.assertEqual(r.status, 201, r)
        self.assertTrue(r.json()["invite"]["url"].startswith(
            PUBLIC + "/painel/app/reset-password?token="), r.json()["invite"])
        self.assertEqual(r.headers["location"],
                         "/painel/internal/users/" + r.json()["user"]["id"])

    def test_outside_the_prefix_is_404(self):
        token = self.login("/painel", "dono@sub.test").json()["access_token"]
        for path in ("/", "/app/", "/app/" + ASSET, "/tenant/me", "/openapi.json", "/docs",
                     "/painelx/tenant/me", "/painelx/healthz"):
            r = self.p.get(path, token=token)
            self.assertEqual(r.status, 404, path)
            self.assertEqual(r.headers["content-type"], "application/problem+json", path)
        self.assertEqual(self.login("", "dono@sub.test").status, 404)

    def test_probes_answer_at_the_root_and_under_the_prefix(self):
        for path in ("/healthz", "/readyz", "/metrics", "/painel/healthz", "/painel/metrics"):
            self.assertEqual(self.p.get(path).status, 200, path)


class NoSubPath(UiBase):
    """A --public-url without a path: the build's pages, twins and paths as they were."""

    def test_pages_and_twins_as_built(self):
        status, h, body = self.get("/app/", **{"Accept-Encoding": "br"})
        self.assertEqual((status, h.get("content-encoding")), (200, "br"))
        self.assertEqual(unbrotli(body), self.page)
        status, h, _ = self.get("/")
        self.assertEqual((status, h.get("location")), (302, "/app/"))

    def test_root_paths_and_cookie(self):
        r = self.login("", "dono@sub.test", MODE)
        self.assertEqual(r.status, 200, r)
        self.assertIn("; Path=/auth;", r.headers["set-cookie"])
        self.assertEqual(self.p.get("/tenant/me", token=r.json()["access_token"]).status, 200)
        self.assertEqual(self.p.get("/painel/app/").status, 404)


class BadSubPath(unittest.TestCase):
    def test_a_path_that_is_not_plain_segments_is_refused_at_start(self):
        for url in (PUBLIC + "/a/../b", PUBLIC + "//painel", PUBLIC + "/pa%20inel"):
            r = subprocess.run([BIN, "serve", "--public-url", url, "--listen", "127.0.0.1:0",
                                "--database", "sqlite::memory:"], capture_output=True,
                               text=True, timeout=30,
                               env=dict(os.environ, PAINEL_MASTER_KEY="test-master-key"))
            self.assertNotEqual(r.returncode, 0, url)
            self.assertIn("--public-url's path", r.stderr, url)


if __name__ == "__main__":
    main()
