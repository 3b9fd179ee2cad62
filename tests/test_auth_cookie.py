"""The web UI's session cookie (issue 19; docs/security.md "Session cookie").

With `X-Painel-Session: cookie` a login or refresh sets the refresh token in a cookie
(HttpOnly; SameSite=Strict; Path=/auth; Max-Age = --refresh-ttl; Secure when --public-url is
https) and leaves it out of the JSON body; /auth/refresh and /auth/logout take it from the
cookie when the body has no refresh_token. Rotation and reuse detection work as in the body
form; logout revokes the session and deletes the cookie. What another site could send is
refused (no custom header, not JSON, another Origin or Sec-Fetch-Site) and changes nothing.
Without the header every answer is the original's body form, with no cookie."""
import os
import re
import sys
import unittest
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import Painel, main  # noqa: E402

LOOSE = ["--rate-user-per-min", "1000000", "--rate-user-burst", "100000",
         "--rate-tenant-per-min", "1000000", "--rate-tenant-burst", "100000",
         "--login-ip-per-min", "100000", "--login-account-per-min", "100000"]
PASSWORD = "painel-test-pw-1"
COOKIE = "painel-refresh"
MODE = {"X-Painel-Session": "cookie"}


def cookie_attrs(set_cookie):
    """'n=v; Max-Age=1; HttpOnly' → ('n', 'v', {'max-age': '1', 'httponly': ''})."""
    parts = [s.strip() for s in set_cookie.split(";")]
    name, _, value = parts[0].partition("=")
    attrs = {}
    for a in parts[1:]:
        k, _, v = a.partition("=")
        attrs[k.lower()] = v
    return name, value, attrs


class CookieBase(unittest.TestCase):
    EXTRA = []

    @classmethod
    def setUpClass(cls):
        cls.p = Painel(*LOOSE, *cls.EXTRA).start()

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()

    def new_user(self):
        email = f"c-{uuid.uuid4().hex[:10]}@a.com"
        tenant = self.p.tenant(f"Padaria {email}")  # a tenant each: the plan caps users
        self.p.user(email, "TENANT_USER", tenant, password=PASSWORD)
        return email

    def cookie_login(self, email, headers=None):
        r = self.p.post("/auth/login", {"email": email, "password": PASSWORD},
                        headers={**MODE, **(headers or {})})
        self.assertEqual(r.status, 200, r)
        name, value, attrs = cookie_attrs(r.headers["set-cookie"])
        self.assertEqual(name, COOKIE)
        return r, value, attrs

    def with_cookie(self, path, value, headers=None, body=None, raw=None, mode=True):
        h = {"Cookie": f"{COOKIE}={value}", **(MODE if mode else {}), **(headers or {})}
        if raw is not None:
            return self.p.request("POST", path, raw=raw, headers=h)
        return self.p.post(path, {} if body is None else body, headers=h)


class CookieMode(CookieBase):
    def test_login_sets_the_cookie_and_leaves_the_token_out_of_the_body(self):
        r, value, attrs = self.cookie_login(self.new_user())
        body = r.json()
        self.assertNotIn("refresh_token", body)
        self.assertEqual(set(body) - {"access_token", "id_token", "token_type", "expires_in", "user"},
                         set())
        self.assertRegex(value, r"^[A-Za-z0-9_-]{20,}$")
        self.assertEqual(attrs.get("path"), "/auth")
        self.assertIn("httponly", attrs)
        self.assertEqual(attrs.get("samesite"), "Strict")
        self.assertEqual(attrs.get("max-age"), str(30 * 24 * 3600))
        self.assertNotIn("secure", attrs)  # plain http public URL (docs/security.md)
        self.assertEqual(r.headers.get("cache-control"), "no-store")
        self.assertEqual(self.p.get("/auth/me", token=body["access_token"]).status, 200)

    def test_a_new_login_ends_the_session_the_cookie_named(self):
        email = self.new_user()
        first, old, _ = self.cookie_login(email)
        r, new, _ = self.cookie_login(email, headers={"Cookie": f"{COOKIE}={old}"})
        self.assertNotEqual(new, old)
        self.assertEqual(self.with_cookie("/auth/refresh", old).status, 401)
        self.assertEqual(self.p.get("/auth/me", token=first.json()["access_token"]).status, 401)
        self.assertEqual(self.with_cookie("/auth/refresh", new).status, 200)

    def test_refresh_through_the_cookie_rotates_it(self):
        _, first, _ = self.cookie_login(self.new_user())
        r = self.with_cookie("/auth/refresh", first)
        self.assertEqual(r.status, 200, r)
        self.assertNotIn("refresh_token", r.json())
        name, second, attrs = cookie_attrs(r.headers["set-cookie"])
        self.assertEqual((name, attrs.get("path"), attrs.get("samesite")), (COOKIE, "/auth", "Strict"))
        self.assertNotEqual(second, first)
        self.assertEqual(self.p.get("/auth/me", token=r.json()["access_token"]).status, 200)
        r2 = self.with_cookie("/auth/refresh", second)
        self.assertEqual(r2.status, 200, r2)

    def test_reusing_a_rotated_cookie_revokes_the_session_and_deletes_the_cookie(self):
        _, first, _ = self.cookie_login(self.new_user())
        r = self.with_cookie("/auth/refresh", first)
        self.assertEqual(r.status, 200, r)
        second = cookie_attrs(r.headers["set-cookie"])[1]
        access = r.json()["access_token"]
        again = self.with_cookie("/auth/refresh", first)  # a second tab with the old cookie
        self.assertEqual(again.status, 401, again)
        self.assertEqual(again.headers.get("content-type"), "application/problem+json")
        name, value, attrs = cookie_attrs(again.headers["set-cookie"])
        self.assertEqual((name, value, attrs.get("max-age"), attrs.get("path")), (COOKIE, "", "0", "/auth"))
        self.assertEqual(self.with_cookie("/auth/refresh", second).status, 401)  # whole family
        self.assertEqual(self.p.get("/auth/me", token=access).status, 401)

    def test_refresh_without_a_cookie_is_401(self):
        r = self.p.post("/auth/refresh", {}, headers=MODE)
        self.assertEqual(r.status, 401, r)
        self.assertEqual(r.json()["error"], "no-session")  # the UI: not logged in, not "expired"
        self.assertEqual(cookie_attrs(r.headers["set-cookie"])[2].get("max-age"), "0")
        garbage = self.with_cookie("/auth/refresh", "not-a-session-token")
        self.assertEqual(garbage.status, 401, garbage)
        self.assertNotEqual(garbage.json()["error"], "no-session")

    def test_logout_revokes_the_session_and_clears_the_cookie(self):
        r, value, _ = self.cookie_login(self.new_user())
        access = r.json()["access_token"]
        out = self.with_cookie("/auth/logout", value)
        self.assertEqual(out.status, 204, out)
        name, v, attrs = cookie_attrs(out.headers["set-cookie"])
        self.assertEqual((name, v, attrs.get("max-age"), attrs.get("path")), (COOKIE, "", "0", "/auth"))
        self.assertIn("httponly", attrs)
        self.assertEqual(self.with_cookie("/auth/refresh", value).status, 401)
        self.assertEqual(self.p.get("/auth/me", token=access).status, 401)
        # Without a cookie (already logged out in another tab): still 204, cookie cleared.
        again = self.p.post("/auth/logout", {}, headers=MODE)
        self.assertEqual(again.status, 204, again)
        self.assertEqual(cookie_attrs(again.headers["set-cookie"])[2].get("max-age"), "0")

    def test_same_origin_requests_pass(self):
        _, value, _ = self.cookie_login(self.new_user())
        own = f"http://127.0.0.1:{self.p.port}"
        r = self.with_cookie("/auth/refresh", value,
                             headers={"Origin": own, "Sec-Fetch-Site": "same-origin",
                                      "Content-Type": "application/json; charset=utf-8"})
        self.assertEqual(r.status, 200, r)


class CrossSiteRefusals(CookieBase):
    def refused_count(self):
        text = self.p.get("/metrics").body
        m = re.search(r"^painel_session_cookie_refused_total(?:\{\})? (\d+)", text, re.M)
        return int(m.group(1)) if m else 0

    def assert_still_valid(self, value):
        """A refusal rotates nothing and revokes nothing: the cookie still refreshes."""
        r = self.with_cookie("/auth/refresh", value)
        self.assertEqual(r.status, 200, r)

    def test_form_post_without_the_header(self):
        _, value, _ = self.cookie_login(self.new_user())
        # What an HTML form or a no-preflight fetch() of another site can send. The last
        # one passes the JSON routes' media-type check (a substring test) and is stopped
        # by the missing header.
        for ctype, raw, status in [("application/x-www-form-urlencoded", b"a=1", 415),
                                   ("multipart/form-data; boundary=x", b"--x--\r\n", 415),
                                   ("text/plain", b"{}", 415),
                                   ("text/plain; x=application/json", b"{}", 403)]:
            for path in ("/auth/refresh", "/auth/logout"):
                r = self.with_cookie(path, value, headers={"Content-Type": ctype}, raw=raw, mode=False)
                self.assertEqual(r.status, status, (path, ctype, r))
                self.assertNotIn("set-cookie", r.headers)
        self.assert_still_valid(value)

    def test_json_with_the_cookie_but_without_the_header(self):
        _, value, _ = self.cookie_login(self.new_user())
        before = self.refused_count()
        for path in ("/auth/refresh", "/auth/logout"):
            r = self.with_cookie(path, value, mode=False)
            self.assertEqual(r.status, 403, (path, r))
            self.assertIn("X-Painel-Session", r.json()["detail"])
        self.assertEqual(self.refused_count(), before + 2)
        self.assert_still_valid(value)

    def test_simple_content_type_with_the_header(self):
        _, value, _ = self.cookie_login(self.new_user())
        r = self.with_cookie("/auth/refresh", value, raw=b"{}",
                             headers={"Content-Type": "text/plain; x=application/json"})
        self.assertEqual(r.status, 415, r)
        self.assert_still_valid(value)

    def test_wrong_origin_is_refused(self):
        email = self.new_user()
        _, value, _ = self.cookie_login(email)
        for origin in ("https://evil.example", "null", f"http://127.0.0.1:{self.p.port + 1}"):
            for path in ("/auth/refresh", "/auth/logout"):
                r = self.with_cookie(path, value, headers={"Origin": origin})
                self.assertEqual(r.status, 403, (path, origin, r))
                self.assertNotIn("set-cookie", r.headers)
            login = self.p.post("/auth/login", {"email": email, "password": PASSWORD},
                                headers={**MODE, "Origin": origin})
            self.assertEqual(login.status, 403, (origin, login))
            self.assertNotIn("set-cookie", login.headers)
        self.assert_still_valid(value)

    def test_cross_site_fetch_metadata_is_refused(self):
        _, value, _ = self.cookie_login(self.new_user())
        for site in ("cross-site", "same-site"):
            r = self.with_cookie("/auth/refresh", value, headers={"Sec-Fetch-Site": site})
            self.assertEqual(r.status, 403, (site, r))
        self.assert_still_valid(value)


class BodyFormUnchanged(CookieBase):
    def test_login_refresh_logout_in_the_body_set_no_cookie(self):
        email = self.new_user()
        r = self.p.post("/auth/login", {"email": email, "password": PASSWORD})
        self.assertEqual(r.status, 200, r)
        self.assertNotIn("set-cookie", r.headers)
        pair = r.json()
        self.assertEqual(set(pair), {"access_token", "id_token", "token_type", "expires_in",
                                     "refresh_token", "user"})
        r2 = self.p.post("/auth/refresh", {"refresh_token": pair["refresh_token"]})
        self.assertEqual(r2.status, 200, r2)
        self.assertNotIn("set-cookie", r2.headers)
        self.assertIn("refresh_token", r2.json())
        self.assertEqual(self.p.post("/auth/refresh", {}).status, 400)  # as before
        out = self.p.post("/auth/logout", {"refresh_token": r2.json()["refresh_token"]})
        self.assertEqual(out.status, 204, out)
        self.assertNotIn("set-cookie", out.headers)
        self.assertEqual(self.p.post("/auth/refresh", {"refresh_token": r2.json()["refresh_token"]}).status, 401)

    def test_a_body_token_wins_over_a_cookie(self):
        email = self.new_user()
        pair = self.p.login(email, PASSWORD)
        r = self.with_cookie("/auth/refresh", "whatever-cookie", body={"refresh_token": pair["refresh_token"]},
                             mode=False)
        self.assertEqual(r.status, 200, r)
        self.assertIn("refresh_token", r.json())
        self.assertNotIn("set-cookie", r.headers)


class SecureBehindHttps(CookieBase):
    EXTRA = ["--public-url", "https://painel.example.com/"]

    def test_https_public_url_makes_the_cookie_secure(self):
        r, value, attrs = self.cookie_login(self.new_user())
        self.assertIn("secure", attrs)
        # A proxy that rewrites Host: the public URL's origin is this site's.
        ok = self.with_cookie("/auth/refresh", value, headers={"Origin": "https://painel.example.com"})
        self.assertEqual(ok.status, 200, ok)
        self.assertIn("secure", cookie_attrs(ok.headers["set-cookie"])[2])
        bad = self.with_cookie("/auth/refresh", cookie_attrs(ok.headers["set-cookie"])[1],
                               headers={"Origin": "https://painel.example.com.evil.example"})
        self.assertEqual(bad.status, 403, bad)
        out = self.with_cookie("/auth/logout", cookie_attrs(ok.headers["set-cookie"])[1])
        self.assertIn("secure", cookie_attrs(out.headers["set-cookie"])[2])


if __name__ == "__main__":
    main()
