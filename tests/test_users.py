"""Users (issue 16, API.md "Administration — the write side"): GET/POST/PATCH
/internal/users[/{id}], POST /internal/users/{id}/password-reset, the same under /tenant/users
for a tenant's administrator, and the public POST /auth/password/reset — invitations and
reset links (one use, 72 h, a new one voids the older), disabling and group changes ending
every token, self-protection, max_users, tenant scope, password policy, audit rows without
personal data, and `painel users`."""
import json
import os
import sys
import time
import unittest
import urllib.parse
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import Painel, main  # noqa: E402
from fixtures import PASSWORD, World  # noqa: E402

KEYS = {"id", "email", "name", "group", "tenant_id", "tenant_name", "status", "password_set",
        "last_login_at", "created_at"}
NEW_PW = "outra-senha-boa-42"
LINK_REFUSED = "the link is invalid, was already used or has expired"


def token_of(url):
    q = urllib.parse.urlparse(url)
    assert q.path == "/app/reset-password", url
    return urllib.parse.parse_qs(q.query)["token"][0]


class Users(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Painel().start()
        cls.w = World(cls.p)
        cls.n = 0

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()

    # --- helpers ---
    def tok(self, who):
        return self.w.token(who)

    def req(self, method, path, body=None, who="INTERNAL_ADMIN", token=None, headers=None):
        return self.p.request(method, path, body=body, token=token or self.tok(who), headers=headers)

    def email(self, tag="u"):
        Users.n += 1
        return f"{tag}{Users.n}-{uuid.uuid4().hex[:6]}@users.test"

    def create(self, group="TENANT_USER", tenant="a", name="Maria Teste", who="INTERNAL_ADMIN",
               area="/internal", email=None):
        body = {"email": email or self.email(), "name": name, "group": group}
        if tenant and area == "/internal":
            body["tenant_id"] = getattr(self.w, tenant)
        r = self.req("POST", area + "/users", body, who=who)
        self.assertEqual(r.status, 201, r)
        return r.json()

    def reset(self, token, pw=NEW_PW):
        return self.p.post("/auth/password/reset", {"token": token, "new_password": pw})

    def login(self, email, pw=NEW_PW):
        return self.p.post("/auth/login", {"email": email, "password": pw})

    def active_user(self, group="TENANT_USER", tenant="a"):
        """A user who has set their password and signed in: (user, login answer)."""
        made = self.create(group, tenant)
        self.assertEqual(self.reset(token_of(made["invite"]["url"])).status, 204)
        r = self.login(made["user"]["email"])
        self.assertEqual(r.status, 200, r)
        return made["user"], r.json()

    def wait_401(self, access):
        deadline = time.time() + 2
        while True:
            r = self.p.get("/auth/me", token=access)
            if r.status == 401 or time.time() > deadline:
                return r
            time.sleep(0.05)

    def audit(self, target):
        return self.p.sql("SELECT action, metadata, tenant_id FROM operational_events WHERE target = ? "
                          "ORDER BY seq", (target,))

    # --- invitation and reset links ---
    def test_invite_set_password_login_and_link_used_once(self):
        made = self.create(name="Joana Convidada")
        u, inv = made["user"], made["invite"]
        self.assertEqual(set(u), KEYS)
        self.assertEqual((u["group"], u["status"], u["password_set"], u["tenant_id"], u["tenant_name"]),
                         ("TENANT_USER", "active", False, self.w.a, "Padaria Estrela Ltda"))
        self.assertIsNone(u["last_login_at"])
        self.assertEqual(set(inv), {"url", "expires_at"})
        self.assertTrue(inv["url"].startswith("http://127.0.0.1:"), inv)  # --listen, never Host
        token = token_of(inv["url"])
        self.assertEqual(len(token), 43)  # 32 bytes, base64url
        self.assertEqual(self.login(u["email"]).status, 401)  # no password yet
        self.assertEqual(self.reset(token).status, 204)
        r = self.login(u["email"])
        self.assertEqual(r.status, 200, r)
        again = self.reset(token, "mais-uma-senha-boa")
        self.assertEqual((again.status, again.json()["detail"]), (400, LINK_REFUSED))
        self.assertEqual(self.login(u["email"]).status, 200)
        got = self.req("GET", "/internal/users/" + u["id"]).json()
        self.assertTrue(got["password_set"])
        self.assertIsNotNone(got["last_login_at"])
        stored = self.p.sql("SELECT token_hash, purpose, used_at_ms FROM password_links WHERE user_id = ?",
                            (u["id"],))
        self.assertEqual(len(stored), 1)
        self.assertNotEqual(stored[0][0], token)
        self.assertEqual(stored[0][1], "invite")
        self.assertIsNotNone(stored[0][2])
        actions = [a for a, _, _ in self.audit(u["id"])]
        for a in ("user.create", "user.invite.issue", "user.password_reset.use", "auth.login"):
            self.assertIn(a, actions)

    def test_new_link_voids_the_older_and_reset_ends_sessions(self):
        u, session = self.active_user()
        r = self.req("POST", f"/internal/users/{u['id']}/password-reset")
        self.assertEqual(r.status, 200, r)
        first = r.json()
        self.assertEqual(set(first), {"url", "expires_at", "emailed"})
        second = self.req("POST", f"/internal/users/{u['id']}/password-reset").json()
        self.assertEqual(self.reset(token_of(first["url"])).status, 400)
        self.assertEqual(self.reset(token_of(second["url"]), "senha-depois-do-reset").status, 204)
        self.assertEqual(self.wait_401(session["access_token"]).status, 401)
        self.assertEqual(self.p.post("/auth/refresh", {"refresh_token": session["refresh_token"]}).status, 401)
        self.assertEqual(self.login(u["email"], "senha-depois-do-reset").status, 200)
        self.assertIn("user.password_reset.issue", [a for a, _, _ in self.audit(u["id"])])

    def test_expired_unknown_and_malformed_links(self):
        made = self.create()
        token = token_of(made["invite"]["url"])
        self.p.sql("UPDATE password_links SET expires_at_ms = ? WHERE user_id = ?",
                   (int(time.time() * 1000) - 1, made["user"]["id"]))
        for t in (token, "x" * 43, "nope"):
            r = self.reset(t)
            self.assertEqual((r.status, r.json()["detail"]), (400, LINK_REFUSED), t)
        for body in ({"token": token}, {"new_password": NEW_PW}, {"token": 5, "new_password": NEW_PW},
                     {"token": token, "new_password": NEW_PW, "email": "x@y.com"}):
            self.assertEqual(self.p.post("/auth/password/reset", body).status, 400, body)

    def test_password_policy_is_422_and_the_link_stays_usable(self):
        made = self.create()
        token = token_of(made["invite"]["url"])
        for pw in ("curta", made["user"]["email"]):
            r = self.reset(token, pw)
            self.assertEqual(r.status, 422, (pw, r))
            self.assertTrue(r.json()["detail"].startswith("new_password: "), r)
        self.assertEqual(self.reset(token).status, 204)

    # --- disabling, enabling, groups ---
    def test_disable_ends_tokens_and_login_looks_like_a_wrong_password(self):
        u, session = self.active_user()
        r = self.req("PATCH", "/internal/users/" + u["id"], {"status": "disabled"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["status"], "disabled")
        self.assertEqual(self.wait_401(session["access_token"]).status, 401)
        self.assertEqual(self.p.post("/auth/refresh", {"refresh_token": session["refresh_token"]}).status, 401)
        disabled = self.login(u["email"])
        wrong = self.login("nobody-here@users.test", "senha-qualquer-1")
        self.assertEqual(disabled.status, 401)
        strip = lambda b: {k: v for k, v in b.items() if k != "request_id"}  # noqa: E731
        self.assertEqual(strip(disabled.json()), strip(wrong.json()))
        listed = self.req("GET", "/internal/users?status=disabled&limit=200").json()
        self.assertIn(u["id"], [x["id"] for x in listed["users"]])
        r = self.req("PATCH", "/internal/users/" + u["id"], {"status": "active"})
        self.assertEqual((r.status, r.json()["status"]), (200, "active"))
        self.assertEqual(self.login(u["email"]).status, 200)
        meta = [json.loads(m) for a, m, _ in self.audit(u["id"]) if a == "user.update"]
        self.assertEqual(meta[0]["changes"], {"status": {"from": "active", "to": "disabled"}})
        self.assertEqual(meta[1]["changes"], {"status": {"from": "disabled", "to": "active"}})

    def test_group_change_ends_tokens_and_stays_in_its_kind(self):
        u, session = self.active_user()
        r = self.req("PATCH", "/internal/users/" + u["id"], {"group": "TENANT_ADMIN"})
        self.assertEqual((r.status, r.json()["group"]), (200, "TENANT_ADMIN"))
        self.assertEqual(self.wait_401(session["access_token"]).status, 401)
        me = self.login(u["email"]).json()
        self.assertEqual(me["user"]["role"], "TENANT_ADMIN")
        for g in ("INTERNAL_SUPPORT", "INTERNAL_ADMIN"):
            self.assertEqual(self.req("PATCH", "/internal/users/" + u["id"], {"group": g}).status, 422)
        staff = self.create("INTERNAL_SUPPORT", None)["user"]
        self.assertEqual(self.req("PATCH", "/internal/users/" + staff["id"], {"group": "TENANT_USER"}).status, 422)
        self.assertEqual(self.req("PATCH", "/internal/users/" + staff["id"], {"group": "INTERNAL_ADMIN"}).status, 200)
        meta = [json.loads(m) for a, m, _ in self.audit(u["id"]) if a == "user.update"]
        self.assertEqual(meta[0]["changes"], {"group": {"from": "TENANT_USER", "to": "TENANT_ADMIN"}})

    def test_nobody_disables_or_demotes_themselves(self):
        me = self.w.users["INTERNAL_ADMIN"]
        for body in ({"status": "disabled"}, {"group": "INTERNAL_SUPPORT"}):
            r = self.req("PATCH", "/internal/users/" + me, body)
            self.assertEqual(r.status, 422, r)
        ta = self.w.users["TENANT_ADMIN"]
        for body in ({"status": "disabled"}, {"group": "TENANT_USER"}):
            self.assertEqual(self.req("PATCH", "/tenant/users/" + ta, body, who="TENANT_ADMIN").status, 422)
        self.assertEqual(self.req("GET", "/auth/me").status, 200)

    def test_name_patch_if_match_and_audit_without_the_name(self):
        u = self.create(name="Nome Antigo")["user"]
        r = self.req("GET", "/internal/users/" + u["id"])
        tag = r.headers["etag"]
        self.assertEqual(self.req("PATCH", "/internal/users/" + u["id"], {"name": "Nome Novo"},
                                  headers={"If-Match": '"stale"'}).status, 412)
        r = self.req("PATCH", "/internal/users/" + u["id"], {"name": "  Nome Novo "}, headers={"If-Match": tag})
        self.assertEqual((r.status, r.json()["name"]), (200, "Nome Novo"))
        self.assertNotEqual(r.headers["etag"], tag)
        meta = [json.loads(m) for a, m, _ in self.audit(u["id"]) if a == "user.update"]
        self.assertEqual(meta, [{"changes": {}, "changed": ["name"]}])
        # no change: nothing audited
        self.assertEqual(self.req("PATCH", "/internal/users/" + u["id"], {"name": "Nome Novo"}).status, 200)
        self.assertEqual(len([a for a, _, _ in self.audit(u["id"]) if a == "user.update"]), 1)

    def test_max_users(self):
        t = self.p.cli("tenants", "create", "--name", "Pequena Ltda", "--plan", "starter", "--status",
                       "active", "--max-users", "1").stdout.strip()
        first = self.req("POST", "/internal/users", {"email": self.email(), "name": "Um", "group": "TENANT_ADMIN",
                                                      "tenant_id": t})
        self.assertEqual(first.status, 201, first)
        body = {"email": self.email(), "name": "Dois", "group": "TENANT_USER", "tenant_id": t}
        r = self.req("POST", "/internal/users", body)
        self.assertEqual(r.status, 422, r)
        self.assertIn("max_users", r.json()["detail"])
        uid = first.json()["user"]["id"]
        self.assertEqual(self.req("PATCH", "/internal/users/" + uid, {"status": "disabled"}).status, 200)
        self.assertEqual(self.req("POST", "/internal/users", body).status, 201)
        r = self.req("PATCH", "/internal/users/" + uid, {"status": "active"})
        self.assertEqual(r.status, 422, r)
        self.assertEqual(self.p.sql("SELECT active_users FROM tenants WHERE id = ?", (t,))[0][0], 1)

    def test_tenant_me_active_users_follows_writes(self):
        before = self.req("GET", "/tenant/me", who="TENANT_ADMIN").json()["usage"]["active_users"]
        u = self.create()["user"]
        self.assertEqual(self.req("GET", "/tenant/me", who="TENANT_ADMIN").json()["usage"]["active_users"], before + 1)
        self.req("PATCH", "/internal/users/" + u["id"], {"status": "disabled"})
        self.assertEqual(self.req("GET", "/tenant/me", who="TENANT_ADMIN").json()["usage"]["active_users"], before)

    # --- validation and roles ---
    def test_create_validation(self):
        ok = {"email": self.email(), "name": "Válido", "group": "TENANT_USER", "tenant_id": self.w.a}
        for bad in ({"email": "sem-arroba"}, {"email": "a" * 250 + "@x.com"}, {"name": ""}, {"name": "x" * 121},
                    {"group": "ROOT"}, {"extra": 1}, {"tenant_id": None}, {"tenant_id": "not-a-uuid"}):
            r = self.req("POST", "/internal/users", dict(ok, **bad))
            self.assertEqual(r.status, 400, (bad, r))
        r = self.req("POST", "/internal/users", dict(ok, group="INTERNAL_SUPPORT"))
        self.assertEqual(r.status, 400, r)  # tenant_id is refused for the INTERNAL_* groups
        self.assertEqual(self.req("POST", "/internal/users", dict(ok, tenant_id=str(uuid.uuid4()))).status, 422)
        self.assertEqual(self.req("POST", "/internal/users", dict(ok, email="ADMIN@a.com")).status, 409)
        r = self.req("POST", "/internal/users", dict(ok, email="  Mixed.Case@Users.TEST "))
        self.assertEqual((r.status, r.json()["user"]["email"]), (201, "mixed.case@users.test"))
        self.assertEqual(self.req("POST", "/internal/users", dict(ok, email="mixed.case@users.test")).status, 409)
        for bad in ({"status": "gone"}, {"name": None}, {"email": "x@y.com"}, {"tenant_id": self.w.b}):
            self.assertEqual(self.req("PATCH", "/internal/users/" + r.json()["user"]["id"], bad).status, 400, bad)
        self.assertEqual(self.req("PATCH", "/internal/users/" + str(uuid.uuid4()), {"name": "x"}).status, 404)
        self.assertEqual(self.req("GET", "/internal/users/not-a-uuid").status, 400)
        self.assertEqual(self.req("POST", f"/internal/users/{uuid.uuid4()}/password-reset").status, 404)

    def test_roles(self):
        uid = self.w.users["TENANT_USER"]
        self.assertEqual(self.req("GET", "/internal/users", who="INTERNAL_SUPPORT").status, 200)
        self.assertEqual(self.req("GET", "/internal/users/" + uid, who="INTERNAL_SUPPORT").status, 200)
        body = {"email": self.email(), "name": "N", "group": "INTERNAL_SUPPORT"}
        for who in ("INTERNAL_SUPPORT", "TENANT_ADMIN", "TENANT_USER"):
            self.assertEqual(self.req("POST", "/internal/users", body, who=who).status, 403, who)
            self.assertEqual(self.req("PATCH", "/internal/users/" + uid, {"name": "x"}, who=who).status, 403)
            self.assertEqual(self.req("POST", f"/internal/users/{uid}/password-reset", who=who).status, 403)
        for who in ("TENANT_ADMIN", "TENANT_USER"):
            self.assertEqual(self.req("GET", "/internal/users", who=who).status, 403)
        for who in ("INTERNAL_ADMIN", "INTERNAL_SUPPORT", "TENANT_USER"):
            self.assertEqual(self.req("GET", "/tenant/users", who=who).status, 403, who)
            self.assertEqual(self.req("POST", "/tenant/users", {"email": self.email(), "name": "N",
                                                                  "group": "TENANT_USER"}, who=who).status, 403)

    def test_tenant_admin_scope(self):
        b = self.req("GET", "/tenant/users?limit=200", who="TENANT_ADMIN").json()
        self.assertTrue(b["users"])
        self.assertEqual({u["tenant_id"] for u in b["users"]}, {self.w.a})
        self.assertEqual(b["total"], len(b["users"]))
        for other in (self.w.users["B_ADMIN"], self.w.users["INTERNAL_SUPPORT"], str(uuid.uuid4())):
            for method, path, body in (("GET", f"/tenant/users/{other}", None),
                                       ("PATCH", f"/tenant/users/{other}", {"name": "x"}),
                                       ("POST", f"/tenant/users/{other}/password-reset", None)):
                self.assertEqual(self.req(method, path, body, who="TENANT_ADMIN").status, 404, (method, path))
        self.assertEqual(self.req("GET", f"/tenant/users?tenant_id={self.w.b}", who="TENANT_ADMIN").status, 403)
        base = {"email": self.email(), "name": "Pela Admin", "group": "TENANT_USER"}
        self.assertEqual(self.req("POST", "/tenant/users", dict(base, tenant_id=self.w.a), who="TENANT_ADMIN").status, 400)
        self.assertEqual(self.req("POST", "/tenant/users", dict(base, group="INTERNAL_SUPPORT"), who="TENANT_ADMIN").status, 422)
        made = self.create(area="/tenant", who="TENANT_ADMIN", tenant=None)
        self.assertEqual(made["user"]["tenant_id"], self.w.a)
        uid = made["user"]["id"]
        self.assertEqual(self.req("GET", "/tenant/users/" + uid, who="TENANT_ADMIN").status, 200)
        self.assertEqual(self.req("PATCH", "/tenant/users/" + uid, {"group": "INTERNAL_ADMIN"}, who="TENANT_ADMIN").status, 422)
        r = self.req("PATCH", "/tenant/users/" + uid, {"group": "TENANT_ADMIN"}, who="TENANT_ADMIN")
        self.assertEqual((r.status, r.json()["group"]), (200, "TENANT_ADMIN"))
        r = self.req("POST", f"/tenant/users/{uid}/password-reset", who="TENANT_ADMIN")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.reset(token_of(r.json()["url"])).status, 204)
        actor = self.w.users["TENANT_ADMIN"]
        rows = self.p.sql("SELECT actor FROM operational_events WHERE target = ? AND action = 'user.create'", (uid,))
        self.assertEqual(rows, [(actor,)])

    def test_list_filters_search_and_paging(self):
        tag = uuid.uuid4().hex[:8]
        for i, name in enumerate(("João Ávila", "Beatriz Souza", "Carla Ávila")):
            self.create(name=name, email=f"{tag}-{i}@lista.test", tenant="b")
        for q in ("avila", "ÁVILA", "joao"):
            got = self.req("GET", "/internal/users?tenant_id=%s&search=%s" % (self.w.b, urllib.parse.quote(q))).json()
            self.assertTrue(got["users"], q)
            self.assertTrue(all("vila" in u["name"] or "Jo" in u["name"] for u in got["users"]), q)
        got = self.req("GET", f"/internal/users?search={tag}").json()
        self.assertEqual([u["email"] for u in got["users"]], [f"{tag}-{i}@lista.test" for i in range(3)])
        page = self.req("GET", f"/internal/users?search={tag}&limit=1&offset=1").json()
        self.assertEqual((page["total"], page["limit"], page["offset"]), (3, 1, 1))
        self.assertEqual(page["users"][0]["email"], f"{tag}-1@lista.test")
        staff = self.req("GET", "/internal/users?group=INTERNAL_SUPPORT&limit=200").json()["users"]
        self.assertTrue(staff)
        self.assertTrue(all(u["group"] == "INTERNAL_SUPPORT" and u["tenant_id"] is None for u in staff))
        for bad in ("status=gone", "group=ROOT", "tenant_id=x", "limit=0", "limit=201"):
            self.assertEqual(self.req("GET", "/internal/users?" + bad).status, 400, bad)

    def test_audit_rows_hold_no_personal_data_or_token(self):
        email, name = self.email("lgpd"), "Pessoa Muito Privada"
        r = self.req("POST", "/internal/users", {"email": email, "name": name, "group": "TENANT_USER",
                                                 "tenant_id": self.w.a})
        u, token = r.json()["user"], token_of(r.json()["invite"]["url"])
        self.reset(token, "curta")
        self.assertEqual(self.reset(token).status, 204)
        self.req("PATCH", "/internal/users/" + u["id"], {"name": "Outro Nome Privado", "status": "disabled"})
        reset = self.req("POST", f"/internal/users/{u['id']}/password-reset").json()
        rows = self.p.sql("SELECT action, metadata FROM operational_events WHERE target = ? OR actor = ?",
                          (u["id"], u["id"]))
        self.assertGreaterEqual(len(rows), 5)
        for action, meta in rows:
            for secret in (email, name, "Outro Nome Privado", token, token_of(reset["url"]), NEW_PW, "@"):
                self.assertNotIn(secret, meta, action)

    # --- the command line ---
    def test_cli(self):
        email = self.email("cli")
        r = self.p.cli("users", "create", "--email", email, "--name", "Via CLI", "--group", "TENANT_USER",
                       "--tenant", self.w.a)
        uid, url = r.stdout.split()
        self.assertEqual(self.req("GET", "/internal/users/" + uid).json()["password_set"], False)
        self.assertEqual(self.reset(token_of(url)).status, 204)
        self.assertEqual(self.login(email).status, 200)
        r = self.p.cli("users", "create", "--email", email.upper(), "--name", "X", "--group", "TENANT_USER",
                       "--tenant", self.w.a, "--if-missing")
        self.assertEqual(r.stdout.strip(), uid)
        r = self.p.cli("users", "create", "--email", email, "--name", "X", "--group", "TENANT_USER",
                       "--tenant", self.w.a, check=False)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1)
        e2 = self.email("cli")
        r = self.p.cli("users", "create", "--email", e2, "--name", "Senha", "--group", "INTERNAL_SUPPORT",
                       "--password-stdin", "--fast-hash", "--json", input=PASSWORD + "\n")
        made = json.loads(r.stdout)
        self.assertEqual((set(made["user"]), made["invite"]), (KEYS, None))
        self.assertEqual(self.login(e2, PASSWORD).status, 200)
        for args in (["create", "--email", "nope", "--name", "X", "--group", "TENANT_USER", "--tenant", self.w.a],
                     ["create", "--email", self.email(), "--name", "X", "--group", "ROOT"],
                     ["create", "--email", self.email(), "--name", "X", "--group", "TENANT_USER"],
                     ["list", "--status", "gone"], ["disable", "not-a-uuid"], ["set-group", uid, "ROOT"]):
            self.assertEqual(self.p.cli("users", *args, check=False).returncode, 2, args)
        t = self.p.cli("tenants", "create", "--name", "Cheia Ltda", "--plan", "starter", "--status", "active",
                       "--max-users", "0").stdout.strip()
        r = self.p.cli("users", "create", "--email", self.email(), "--name", "X", "--group", "TENANT_USER",
                       "--tenant", t, check=False)
        self.assertEqual(r.returncode, 1, r.stderr)
        listed = json.loads(self.p.cli("users", "list", "--tenant", self.w.a, "--json").stdout)
        self.assertIn(uid, [u["id"] for u in listed["users"]])
        self.assertEqual(listed["total"], len(listed["users"]))
        self.assertIn(uid, self.p.cli("users", "list", "--group", "TENANT_USER").stdout)
        self.assertEqual(json.loads(self.p.cli("users", "disable", uid, "--json").stdout)["status"], "disabled")
        self.assertEqual(self.login(email).status, 401)
        self.assertIn(uid, self.p.cli("users", "list", "--status", "disabled").stdout)
        self.assertEqual(self.p.cli("users", "enable", uid).stdout.strip(), uid)
        self.assertEqual(json.loads(self.p.cli("users", "set-group", uid, "TENANT_ADMIN", "--json").stdout)["group"],
                         "TENANT_ADMIN")
        self.assertEqual(self.p.cli("users", "set-group", uid, "INTERNAL_ADMIN", check=False).returncode, 1)
        link = self.p.cli("users", "reset-password", uid, "--public-url", "https://painel.example.com/").stdout.strip()
        self.assertTrue(link.startswith("https://painel.example.com/app/reset-password?token="), link)
        self.assertEqual(self.reset(token_of(link), "senha-pela-cli-1").status, 204)
        self.assertEqual(self.login(email, "senha-pela-cli-1").status, 200)
        self.assertEqual(self.p.cli("users", "disable", str(uuid.uuid4()), check=False).returncode, 1)
        self.assertEqual(self.p.cli("users", "reset-password", str(uuid.uuid4()), check=False).returncode, 1)
        actors = self.p.sql("SELECT DISTINCT actor FROM operational_events WHERE target = ? AND action LIKE 'user.%'",
                            (uid,))
        self.assertIn(("cli",), actors)


class PublicUrl(unittest.TestCase):
    def test_links_use_the_public_url_not_the_host_header(self):
        p = Painel("--public-url", "https://painel.example.com/").start()
        try:
            w = World(p)
            r = p.request("POST", "/internal/users", body={"email": "pub@users.test", "name": "P",
                                                           "group": "INTERNAL_SUPPORT"},
                          token=w.token("INTERNAL_ADMIN"), headers={"Host": "evil.example"})
            self.assertEqual(r.status, 201, r)
            self.assertTrue(r.json()["invite"]["url"].startswith("https://painel.example.com/app/reset-password?token="))
        finally:
            p.cleanup()


if __name__ == "__main__":
    main()
