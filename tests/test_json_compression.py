"""JSON answers above 1 KB go gzip-compressed to clients that accept gzip (issue 18,
"Compression"): Content-Encoding and Vary, the gzip form's own ETag (and 304 for either
form), the same JSON once decoded, cached answers served compressed too, small answers and
clients that do not ask left alone, and If-Match accepting the tag a compressed read gave."""
import gzip
import http.client
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import Painel, main  # noqa: E402
from fixtures import PASSWORD  # noqa: E402


class JsonCompression(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Painel("--cache-ttl-ms", "60000").start()
        cls.tenants = [cls.p.tenant(f"Compressão Número {i} Indústria e Comércio Ltda", plan="enterprise")
                       for i in range(12)]
        cls.p.user("admin@alq.ai", "INTERNAL_ADMIN")
        for i in range(8):  # a tenant detail above 1 KB
            cls.p.user(f"pessoa{i}@compressao.com.br", "TENANT_USER", cls.tenants[0], name=f"Pessoa Número {i}")
        cls.token = cls.p.login("admin@alq.ai", PASSWORD)["access_token"]

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()

    def raw(self, method, path, headers=None, body=None):
        c = http.client.HTTPConnection("127.0.0.1", self.p.port, timeout=30)
        h = {"Authorization": "Bearer " + self.token, **(headers or {})}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        c.request(method, path, body=data, headers=h)
        r = c.getresponse()
        out = (r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
        c.close()
        return out

    def test_large_answer_is_gzip_for_a_client_that_asks(self):
        path = "/internal/tenants?limit=100"
        s0, h0, plain = self.raw("GET", path)
        self.assertEqual(s0, 200)
        self.assertGreater(len(plain), 1024)
        self.assertNotIn("content-encoding", h0)
        self.assertEqual(h0.get("vary"), "Accept-Encoding")
        s1, h1, zipped = self.raw("GET", path, {"Accept-Encoding": "gzip, deflate, br"})
        self.assertEqual(s1, 200)
        self.assertEqual(h1.get("content-encoding"), "gzip")
        self.assertIn("Accept-Encoding", h1.get("vary", ""))
        self.assertEqual(int(h1["content-length"]), len(zipped))
        self.assertLess(len(zipped), len(plain))
        self.assertEqual(json.loads(gzip.decompress(zipped)), json.loads(plain))
        # Each form has its own tag; the gzip form's is the plain one's with -gzip.
        self.assertEqual(h1["etag"], h0["etag"][:-1] + '-gzip"')
        # A cached answer (second read within the TTL) is compressed too, and equal.
        s2, h2, zipped2 = self.raw("GET", path, {"Accept-Encoding": "gzip"})
        self.assertEqual((s2, h2.get("x-cache"), h2.get("content-encoding")), (200, "hit", "gzip"))
        self.assertEqual(gzip.decompress(zipped2), gzip.decompress(zipped))
        # 304 for the tag of either form.
        for tag in (h1["etag"], h0["etag"]):
            s, h, b = self.raw("GET", path, {"Accept-Encoding": "gzip", "If-None-Match": tag})
            self.assertEqual((s, b), (304, b""), tag)
            self.assertNotIn("content-encoding", h)

    def test_uncached_answers_are_compressed_on_the_way_out(self):
        # A query never asked before: rendered now (a miss), compressed as well.
        s, h, body = self.raw("GET", "/internal/tenants?limit=100&search=Compress", {"Accept-Encoding": "gzip"})
        self.assertEqual((s, h.get("x-cache"), h.get("content-encoding")), (200, "miss", "gzip"))
        self.assertEqual(len(json.loads(gzip.decompress(body))["tenants"]), 12)

    def test_who_does_not_ask_or_refuses_gets_identity(self):
        for ae in ("identity", "gzip;q=0", "br", "gzip;q=0, identity;q=0", "*;q=0"):
            s, h, body = self.raw("GET", "/internal/tenants?limit=100", {"Accept-Encoding": ae})
            self.assertEqual(s, 200, ae)
            self.assertNotIn("content-encoding", h, ae)
            json.loads(body)
        s, h, body = self.raw("GET", "/internal/tenants?limit=100", {"Accept-Encoding": "x-gzip"})
        self.assertEqual(h.get("content-encoding"), "gzip")

    def test_small_answers_are_left_alone(self):
        s, h, body = self.raw("GET", "/healthz", {"Accept-Encoding": "gzip"})
        self.assertEqual(s, 200)
        self.assertLessEqual(len(body), 1024)
        self.assertNotIn("content-encoding", h)
        self.assertNotIn("vary", {k: v for k, v in h.items() if "Accept-Encoding" in v})

    def test_if_match_takes_the_tag_of_a_compressed_read(self):
        tid = self.tenants[0]
        s, h, body = self.raw("GET", f"/internal/tenants/{tid}", {"Accept-Encoding": "gzip"})
        self.assertEqual(s, 200)
        tag = h["etag"]
        self.assertEqual(h.get("content-encoding"), "gzip")  # the detail is above 1 KB
        self.assertTrue(tag.endswith('-gzip"'), tag)
        s, _, b = self.raw("PATCH", f"/internal/tenants/{tid}", {"If-Match": tag, "Accept-Encoding": "gzip"},
                           {"segment": "saude"})
        self.assertEqual(s, 200, b[:300])
        s, _, _ = self.raw("PATCH", f"/internal/tenants/{tid}", {"If-Match": tag}, {"segment": "varejo"})
        self.assertEqual(s, 412)  # the object changed since that read


if __name__ == "__main__":
    main()
