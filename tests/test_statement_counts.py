"""The store statements a read makes do not grow with what it reads (no "N+1"), and a cached
answer reads nothing.

Every request's access line says how many store statements it sent (`statements`,
api/app.cpp). A route that names its rows one query each (the usage overview named its top
ten tenants and agents that way, 10 + 20 round trips on PostgreSQL; /tenant/usage its
agents) makes more statements for more rows. So every GET route a signed-in user reads is
called on a small store and on a larger one (`painel demo` with 2 and 14 tenants), staff
routes as the platform's admin, tenant routes as the admin of the tenant with the fewest
and of the one with the most contracted agents; each count is the least of three calls (a
periodic refresh, such as the token revocations', may land in one), and the two counts must
be equal. Each staff detail route (/internal/…/{id}) must cost the same for every item of
its list.

Runs on SQLite and PostgreSQL (the same repositories: an N+1 is in the code, not in the
backend)."""
import json
import os
import re
import sys
import time
import unittest
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import Painel, main, served_routes  # noqa: E402

SMALL, LARGE = 2, 14
# Query strings that make a route read more than its default (every period of the usage
# pages, a page as long as the lists allow).
QUERIES = {
    "/tenant/usage": ["period=7d", "period=90d"],
    "/internal/usage/overview": ["period=7d", "period=90d"],
    "/internal/tenants": ["limit=100"],
}


# A few hundred reads by one user in seconds: above the default rates (not what is tested).
NO_RATE_LIMITS = ["--rate-user-per-min", "100000", "--rate-user-burst", "100000",
                  "--rate-tenant-per-min", "100000", "--rate-tenant-burst", "100000"]


def demo(p, tenants):
    out = p.cli("demo", "--tenants", str(tenants), "--days", "8").stdout
    password = re.search(r"password for all: ([^)]*)\)", out).group(1)
    logins = re.findall(r"^\s+(\S+)\t(\S+)", out, re.M)
    return password, logins


def read_paths(params):
    """Path patterns of the GET routes a signed-in user reads with `params` path parameters."""
    return sorted(r["path"] for r in served_routes()
                  if r["method"] == "GET" and r["path"].count("{") == params and r["access"] == "user")


def access_records(p):
    """The access lines of p's log so far, as dicts."""
    p.log.flush()
    with open(p.log.name) as f:
        for line in f:
            try:
                rec = json.loads(line).get("event") or {}
            except ValueError:
                continue
            if isinstance(rec, dict) and rec.get("type") == "access":
                yield rec


def access_line(p, rid):
    """The access line of request `rid`, once the log has it."""
    deadline = time.time() + 10
    while time.time() < deadline:
        for rec in access_records(p):
            if rec.get("request_id") == rid:
                return rec
        time.sleep(0.05)
    raise AssertionError("no access line for " + rid)


class Server:
    def __init__(self, tenants):
        self.p = Painel("--cache-ttl-ms", "0", *NO_RATE_LIMITS)
        self.password, self.logins = demo(self.p, tenants)
        self.p.start()
        self.staff = self.p.login("admin@alquimista.ai", self.password)["access_token"]

    def statements(self, path, token):
        """The least count of three calls of the path (each answered 200)."""
        counts = []
        for _ in range(3):
            rid = "stmt-" + uuid.uuid4().hex
            r = self.p.get(path, token=token, headers={"X-Request-Id": rid})
            assert r.status == 200, (path, r)
            counts.append(access_line(self.p, rid)["statements"])
        return min(counts)

    def tenants_by_agents(self):
        """The tenants' ids from the fewest contracted agents to the most."""
        r = self.p.get("/internal/tenants?limit=100", token=self.staff)
        assert r.status == 200, r
        sized = []
        for t in r.json()["tenants"]:
            a = self.p.get(f"/internal/tenants/{t['id']}/agents", token=self.staff)
            assert a.status == 200, a
            sized.append((len(a.json()["agents"]), t["id"]))
        return [tid for _, tid in sorted(sized)]

    def tenant_admin_token(self, tenant_id):
        d = self.p.get(f"/internal/tenants/{tenant_id}", token=self.staff).json()
        admins = [u["email"] for u in d["users"] if u.get("group") == "TENANT_ADMIN"]
        assert admins, d
        return self.p.login(admins[0], self.password)["access_token"]


class StatementCounts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.small = Server(SMALL)
        cls.large = Server(LARGE)

    @classmethod
    def tearDownClass(cls):
        cls.small.p.cleanup()
        cls.large.p.cleanup()

    def paths(self, prefix):
        for path in read_paths(0):
            if not path.startswith(prefix):
                continue
            for q in QUERIES.get(path, [""]):
                yield path + ("?" + q if q else "")

    def test_staff_reads_do_not_grow_with_the_platform(self):
        paths = list(self.paths("/internal/"))
        self.assertGreater(len(paths), 8)  # the route table was read
        for path in paths:
            with self.subTest(path=path):
                a = self.small.statements(path, self.small.staff)
                b = self.large.statements(path, self.large.staff)
                print(f"  {path}: {a} statements with {SMALL} tenants, {b} with {LARGE}")
                self.assertEqual(a, b, f"{path}: {a} statements with {SMALL} tenants, {b} with {LARGE}")

    def test_a_tenants_reads_do_not_grow_with_its_agents(self):
        ids = self.large.tenants_by_agents()
        few, many = ids[0], ids[-1]
        paths = list(self.paths("/tenant/"))
        self.assertGreater(len(paths), 4)
        tokens = {t: self.large.tenant_admin_token(t) for t in (few, many)}
        for path in paths:
            with self.subTest(path=path):
                a = self.large.statements(path, tokens[few])
                b = self.large.statements(path, tokens[many])
                self.assertEqual(a, b, f"{path}: {a} statements for the tenant with the fewest agents, {b} for the most")
        # and the staff's view of one tenant
        for sub in ("", "/agents"):
            with self.subTest(path="/internal/tenants/{id}" + sub):
                a = self.large.statements(f"/internal/tenants/{few}{sub}", self.large.staff)
                b = self.large.statements(f"/internal/tenants/{many}{sub}", self.large.staff)
                self.assertEqual(a, b, sub)

    def test_a_staff_detail_costs_the_same_for_every_item(self):
        """Each /internal/…/{id} read whose list the demo fills: the same count for up to
        eight of the list's items (their contents differ: an agent's deployments, a user's
        sessions and tenant, a command's parameters)."""
        s = self.large
        checked = 0
        for path in read_paths(1):
            if not path.startswith("/internal/"):
                continue
            base, rest = path.split("/{id}", 1)
            if base == "/internal/tenants":
                continue  # the tenant test above: the fewest against the most agents
            r = s.p.get(base + "?limit=100", token=s.staff)
            self.assertEqual(r.status, 200, (base, r))
            items = next((v for v in r.json().values() if isinstance(v, list)), [])
            ids = [x.get("id") or x.get("command_id") for x in items][:8]
            if len(ids) < 2:
                continue  # nothing to compare (the demo writes no support requests)
            with self.subTest(path=path):
                counts = {i: s.statements(f"{base}/{i}{rest}", s.staff) for i in ids}
                self.assertEqual(len(set(counts.values())), 1, f"{path}: {counts}")
                checked += 1
        self.assertGreaterEqual(checked, 4)

    def test_the_metric_sums_the_access_lines(self):
        """painel_http_store_statements_total{route} is the sum of the route's access lines'
        statements (per request: divided by the latency histogram's count)."""
        s = self.small
        for _ in range(2):
            self.assertEqual(s.p.get("/internal/incidents?limit=5", token=s.staff).status, 200)
        labels = '{route="/internal/incidents",method="GET"}'
        deadline = time.time() + 10
        while True:
            body = s.p.get("/metrics").body
            values = {}
            for line in body.splitlines():
                for name in ("painel_http_store_statements_total", "painel_http_request_duration_seconds_count"):
                    if line.startswith(name + labels + " "):
                        values[name] = int(float(line.split()[-1]))
            lines = [x for x in access_records(s.p) if x.get("route") == "/internal/incidents"]
            if len(lines) == values.get("painel_http_request_duration_seconds_count") or time.time() > deadline:
                break
            time.sleep(0.1)
        self.assertGreaterEqual(len(lines), 2)
        self.assertEqual(len(lines), values["painel_http_request_duration_seconds_count"])
        self.assertEqual(sum(x["statements"] for x in lines), values["painel_http_store_statements_total"])
        self.assertGreater(values["painel_http_store_statements_total"], 0)

    def test_a_cached_answer_reads_nothing_more_than_its_caller(self):
        """With the cache on, a hit on the pool (staff naming a tenant: the network thread's
        lookup does not know the tenant) costs what resolving the caller costs, the same for
        every tenant page: /tenant/usage read the tenant's zone before the cache."""
        p = Painel()  # default cache TTL (5 s)
        try:
            password, _ = demo(p, SMALL)
            p.start()
            staff = p.login("admin@alquimista.ai", password)["access_token"]
            tenant = p.get("/internal/tenants?limit=1", token=staff).json()["tenants"][0]["id"]
            hits = {}
            for page in ("/tenant/agents", "/tenant/usage?period=30d", "/tenant/integrations"):
                sep = "&" if "?" in page else "?"
                path = f"{page}{sep}tenant_id={tenant}"
                first = p.get(path, token=staff)
                self.assertEqual(first.status, 200, first)
                counts = []
                for _ in range(3):
                    rid = "stmt-" + uuid.uuid4().hex
                    r = p.get(path, token=staff, headers={"X-Request-Id": rid})
                    self.assertEqual(r.headers.get("x-cache"), "hit", page)
                    counts.append(access_line(p, rid)["statements"])
                hits[page] = min(counts)
            self.assertEqual(len(set(hits.values())), 1, hits)
        finally:
            p.cleanup()


if __name__ == "__main__":
    main()
