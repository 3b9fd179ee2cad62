"""The web UI compressed: scripts/precompress-web.sh writes gzip and brotli twins at build
time, and painel serves the one the request's Accept-Encoding prefers, with Vary, an ETag
per encoding and long caching for hashed assets only (src/api/static_files.cpp)."""
import gzip
import http.client
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import SRC, Painel, main  # noqa: E402

APP_JS = "/app/assets/app-3f9c2a1b.js"
TINY_JS = "/app/assets/tiny-0a1b2c3d.js"
LOGO = "/app/assets/logo-77aa88bb.png"


def make_ui(root):
    """A small built UI: an index.html, a large hashed script, one too small to be worth
    compressing, and a binary image (never compressed)."""
    os.makedirs(os.path.join(root, "assets"))
    page = ("<!doctype html><html lang=pt-BR><head><meta charset=utf-8><title>Painel</title>"
            f'<script type=module src="{APP_JS}"></script></head><body><div id=root></div>'
            + "<!-- padding so the page is worth compressing -->" * 20 + "</body></html>")
    script = "".join(f"export function view{i}(props){{return render('panel-{i}',props.items);}}\n"
                     for i in range(600))
    files = {"index.html": page, APP_JS[5:]: script, TINY_JS[5:]: "export const x=1;\n"}
    for rel, text in files.items():
        with open(os.path.join(root, rel), "w") as f:
            f.write(text)
    with open(os.path.join(root, LOGO[5:]), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + os.urandom(3000))
    subprocess.run([os.path.join(SRC, "scripts/precompress-web.sh"), root], check=True,
                   capture_output=True)
    return {"/app/" + k: v.encode() for k, v in files.items()}


def unbrotli(data):
    return subprocess.run(["brotli", "-d", "-c"], input=data, capture_output=True, check=True).stdout


def fetch(port, path, method="GET", **headers):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(method, path, headers=headers)
    r = conn.getresponse()
    body = r.read()
    h = {k.lower(): v for k, v in r.getheaders()}
    conn.close()
    return r.status, h, body


class WebCompression(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not shutil.which("brotli"):
            raise AssertionError("the brotli CLI is missing: run make setup (scripts/setup.sh)")
        cls.ui = tempfile.mkdtemp(prefix="painel-ui-")
        cls.files = make_ui(cls.ui)
        cls.p = Painel(web_dir=cls.ui).start()

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()
        shutil.rmtree(cls.ui, ignore_errors=True)

    def get(self, path, accept=None, **headers):
        if accept is not None:
            headers["Accept-Encoding"] = accept
        return fetch(self.p.port, path, **headers)

    def test_build_writes_twins_only_where_they_pay(self):
        for rel in ("index.html", "assets/app-3f9c2a1b.js"):
            src = os.path.join(self.ui, rel)
            with open(src, "rb") as f:
                original = f.read()
            with open(src + ".gz", "rb") as f:
                self.assertEqual(gzip.decompress(f.read()), original)
            with open(src + ".br", "rb") as f:
                self.assertEqual(unbrotli(f.read()), original)
        for rel in ("assets/tiny-0a1b2c3d.js", "assets/logo-77aa88bb.png"):
            for ext in (".gz", ".br"):
                self.assertFalse(os.path.exists(os.path.join(self.ui, rel + ext)), rel + ext)

    def test_negotiates_by_accept_encoding(self):
        original = self.files[APP_JS]
        cases = [
            ("gzip, deflate, br", "br"), ("br", "br"), ("gzip", "gzip"), ("x-gzip", "gzip"),
            ("br;q=0.5, gzip;q=0.8", "gzip"), ("*", "br"), ("br;q=0, *", "gzip"),
            (None, None), ("", None), ("deflate", None), ("gzip;q=0, br;q=0", None),
            ("br;q=0.4, identity", None), ("gzip;q=2", None),
        ]
        for accept, coding in cases:
            with self.subTest(accept=accept):
                status, h, body = self.get(APP_JS, accept)
                self.assertEqual(status, 200)
                self.assertEqual(h.get("content-encoding"), coding)
                self.assertEqual(h["vary"], "Accept-Encoding")
                self.assertEqual(h["content-type"], "text/javascript; charset=utf-8")
                self.assertEqual(int(h["content-length"]), len(body))
                decoded = {"br": unbrotli, "gzip": gzip.decompress, None: lambda b: b}[coding](body)
                self.assertEqual(decoded, original)
                if coding:
                    self.assertLess(len(body), len(original) // 3)

    def test_refuses_when_identity_is_refused_too(self):
        for accept in ("*;q=0", "identity;q=0, br;q=0, gzip;q=0"):
            status, h, _ = self.get(APP_JS, accept)
            self.assertEqual(status, 406, accept)
            self.assertEqual(h["content-type"], "application/problem+json")
        # A file without twins is only available as identity: gzip alone is not enough.
        self.assertEqual(self.get(TINY_JS, "gzip, identity;q=0")[0], 406)
        status, h, body = self.get(TINY_JS, "gzip, br")
        self.assertEqual((status, h.get("content-encoding"), body), (200, None, self.files[TINY_JS]))

    def test_binary_files_are_sent_as_they_are(self):
        status, h, body = self.get(LOGO, "gzip, br")
        self.assertEqual((status, h.get("content-encoding"), h["content-type"]), (200, None, "image/png"))
        self.assertTrue(body.startswith(b"\x89PNG"))

    def test_each_encoding_has_its_own_etag(self):
        tags = {}
        for accept in ("br", "gzip", "identity"):
            status, h, _ = self.get(APP_JS, accept)
            self.assertEqual(status, 200)
            tags[accept] = h["etag"]
        self.assertEqual(len(set(tags.values())), 3, tags)
        for accept, tag in tags.items():
            status, h, body = self.get(APP_JS, accept, **{"If-None-Match": tag})
            self.assertEqual((status, body), (304, b""), accept)
            self.assertEqual(h["etag"], tag)
            self.assertEqual(h["vary"], "Accept-Encoding")
        # The gzip tag does not validate the brotli representation.
        status, h, body = self.get(APP_JS, "br", **{"If-None-Match": tags["gzip"]})
        self.assertEqual((status, h["content-encoding"]), (200, "br"))
        self.assertTrue(body)

    def test_cache_control_long_for_hashed_assets_none_for_the_page(self):
        _, h, _ = self.get(APP_JS, "br")
        self.assertEqual(h["cache-control"], "public, max-age=31536000, immutable")
        for path in ("/app/", "/app/index.html", "/app/tenants/42"):  # the last: SPA fallback
            status, h, body = self.get(path, "gzip")
            self.assertEqual(status, 200, path)
            self.assertEqual(h["cache-control"], "no-cache", path)
            self.assertEqual(h["content-encoding"], "gzip", path)
            self.assertEqual(gzip.decompress(body), self.files["/app/index.html"], path)

    def test_twins_are_not_served_as_files_of_their_own(self):
        for path in (APP_JS + ".gz", APP_JS + ".br"):
            self.assertEqual(self.get(path, "gzip")[0], 404, path)

    def test_head_answers_the_chosen_encodings_headers(self):
        status, h, body = fetch(self.p.port, APP_JS, method="HEAD", **{"Accept-Encoding": "br"})
        self.assertEqual((status, h["content-encoding"], body), (200, "br", b""))


if __name__ == "__main__":
    main()
