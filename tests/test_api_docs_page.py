"""Issue 19, browsable API docs: `painel serve` answers /docs (and /docs/) with the docs page
of its web directory (dist/docs.html, Swagger UI bundled by the web build), precompressed
and with the UI's Content-Security-Policy, like the UI's index.html; /openapi.json, which the
page renders, is served by the binary. Without a built docs page /docs is a problem+json 404."""
import gzip
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import SRC, Painel, main  # noqa: E402

DOCS_JS = "/app/assets/docs-1a2b3c4d.js"


def make_ui(root, docs=True):
    os.makedirs(os.path.join(root, "assets"))
    pages = {"index.html": "<!doctype html><title>Painel</title><div id=root></div>" + "<!-- pad -->" * 80}
    if docs:
        pages["docs.html"] = (f'<!doctype html><title>Painel API docs</title><script type=module src="{DOCS_JS}">'
                              "</script><div id=swagger-ui></div>" + "<!-- padding -->" * 80)
        pages[DOCS_JS[5:]] = "export const docs = 1;\n" * 200
    for rel, text in pages.items():
        with open(os.path.join(root, rel), "w") as f:
            f.write(text)
    subprocess.run([os.path.join(SRC, "scripts/precompress-web.sh"), root], check=True, capture_output=True)
    return pages


def fetch(port, path, method="GET", **headers):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(method, path, headers=headers)
    r = conn.getresponse()
    body = r.read()
    h = {k.lower(): v for k, v in r.getheaders()}
    conn.close()
    return r.status, h, body


class ApiDocsPage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ui = tempfile.mkdtemp(prefix="painel-ui-")
        cls.pages = make_ui(cls.ui)
        cls.p = Painel(web_dir=cls.ui).start()

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()
        shutil.rmtree(cls.ui, ignore_errors=True)

    def test_docs_page_is_served_like_the_ui(self):
        _, ui_headers, _ = fetch(self.p.port, "/app/")
        for path in ("/docs", "/docs/"):
            st, h, body = fetch(self.p.port, path)
            self.assertEqual(st, 200, body)
            self.assertEqual(body.decode(), self.pages["docs.html"])
            self.assertTrue(h["content-type"].startswith("text/html"), h)
            self.assertEqual(h["content-security-policy"], ui_headers["content-security-policy"])
            self.assertIn("script-src 'self'", h["content-security-policy"])
            self.assertEqual(h["x-frame-options"], "DENY")
            self.assertEqual(h["cache-control"], "no-cache")
        st, h, body = fetch(self.p.port, "/docs", **{"Accept-Encoding": "gzip"})
        self.assertEqual(st, 200)
        self.assertEqual(h.get("content-encoding"), "gzip")
        self.assertEqual(gzip.decompress(body).decode(), self.pages["docs.html"])
        st, _, body = fetch(self.p.port, DOCS_JS)
        self.assertEqual((st, body.decode()), (200, self.pages[DOCS_JS[5:]]))

    def test_docs_page_is_read_only_and_exact(self):
        st, h, body = fetch(self.p.port, "/docs", method="POST")
        self.assertEqual(st, 405, body)
        self.assertEqual(json.loads(body)["error"], "method-not-allowed")
        st, _, body = fetch(self.p.port, "/docs/other")
        self.assertEqual(st, 404, body)

    def test_the_contract_it_renders_is_served(self):
        st, h, body = fetch(self.p.port, "/openapi.json")
        self.assertEqual(st, 200)
        doc = json.loads(body)
        self.assertIn("/internal/tenants", doc["paths"])
        self.assertIn("errors", doc["components"]["schemas"]["Problem"]["properties"])

    def test_no_docs_page_built_is_a_404(self):
        ui = tempfile.mkdtemp(prefix="painel-ui-nodocs-")
        try:
            make_ui(ui, docs=False)
            p = Painel(web_dir=ui).start()
            try:
                st, h, body = fetch(p.port, "/docs")
                self.assertEqual(st, 404, body)
                self.assertTrue(h["content-type"].startswith("application/problem+json"))
                self.assertEqual(fetch(p.port, "/app/")[0], 200)
            finally:
                p.cleanup()
        finally:
            shutil.rmtree(ui, ignore_errors=True)


if __name__ == "__main__":
    main()
