"""CSV export of the lists (issue 19): ?format=csv or Accept: text/csv on the list routes
(tenants, usage by day / agent / tenant, command history, audit, incidents), with the
filters, groups and tenant scoping of the JSON list; UTF-8 with BOM, `,` or `;`, RFC 4180
quoting, formula cells prefixed with an apostrophe; streamed page by page (chunked), so a
large export costs the server no memory in proportion to its size and a client that stops
reading holds no handler thread."""
import csv
import http.client
import io
import os
import socket
import sys
import time
import unittest
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import Painel, main, raw_exchange  # noqa: E402
from fixtures import World, day, now_iso  # noqa: E402

FAST = ["--rate-user-per-min", "1000000", "--rate-user-burst", "100000",
        "--rate-tenant-per-min", "1000000", "--rate-tenant-burst", "100000"]
BOM = "\ufeff"
TRICKY_TITLE = '=HYPERLINK("http://evil.example/?q=1","clique")'
TRICKY_DESC = 'linha 1\nlinha 2, com vírgula; "aspas" e ação — São João'
BIG = 50000


def parse(body, sep=","):
    assert body.startswith(BOM), body[:20]
    return list(csv.reader(io.StringIO(body[len(BOM):], newline=""), delimiter=sep))


def vm_hwm_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise AssertionError("no VmHWM")


def streamed(p, result):
    """painel_streamed_answers_total{result=...} from /metrics."""
    for line in p.get("/metrics").body.splitlines():
        if line.startswith(f'painel_streamed_answers_total{{result="{result}"}} '):
            return int(float(line.split()[-1]))
    raise AssertionError("no painel_streamed_answers_total")


def insert_audit_rows(p, n, tenant):
    """n audit rows with ~400 bytes of metadata each, written behind the store's back (the
    export reads them; it does not verify the chain)."""
    meta = '{"note":"' + "x" * 400 + '"}'
    if p.database.startswith("postgres"):
        p.sql("INSERT INTO operational_events(id, created_at, actor, role, action, tenant_id, "
              "metadata, prev_hash, hash) SELECT gen_random_uuid(), now(), 'bulk', 'system', "
              f"'bulk.row', '{tenant}', '{meta}', 'x', 'x' FROM generate_series(1, {n})")
        return
    import sqlite3
    c = sqlite3.connect(p.db, timeout=30)
    try:
        now = now_iso()
        c.executemany("INSERT INTO operational_events(id, created_at, actor, role, action, tenant_id, "
                      "metadata, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?)",
                      ((str(uuid.uuid4()), now, "bulk", "system", "bulk.row", tenant, meta, "x", "x")
                       for _ in range(n)))
        c.commit()
    finally:
        c.close()


class CsvExport(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Painel(*FAST, "--handler-threads", "2").start()
        cls.w = World(cls.p)
        cls.tricky = str(uuid.uuid4())
        cls.p.sql("INSERT INTO incidents(id, tenant_id, severity, title, description, status, created_at) "
                  "VALUES (?,?,?,?,?,?,?)",
                  (cls.tricky, cls.w.a, "critical", TRICKY_TITLE, TRICKY_DESC, "open", now_iso()))

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()

    def get(self, path, who="INTERNAL_ADMIN", **kw):
        return self.p.get(path, token=self.w.token(who) if who else None, **kw)

    def csv_of(self, path, who="INTERNAL_ADMIN", sep=","):
        r = self.get(path, who)
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.headers["content-type"].startswith("text/csv; charset=utf-8"), r.headers)
        return parse(r.body, sep)

    # --- format -------------------------------------------------------------------------
    def test_headers_bom_and_json_stays_default(self):
        r = self.get("/internal/incidents?format=csv")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers["content-type"], "text/csv; charset=utf-8; header=present")
        self.assertEqual(r.headers["content-disposition"], 'attachment; filename="painel-incidents.csv"')
        self.assertEqual(r.headers["cache-control"], "no-store")
        self.assertIn("x-request-id", r.headers)
        self.assertTrue(r.body.startswith(BOM))
        rows = parse(r.body)
        self.assertEqual(rows[0], ["id", "tenant_id", "tenant_name", "severity", "title", "description",
                                   "status", "source", "created_at", "resolved_at", "resolved_by"])
        self.assertTrue(r.body[len(BOM):].split("\n")[0].endswith("\r"))  # CRLF rows
        js = self.get("/internal/incidents")
        self.assertEqual(js.status, 200)
        self.assertTrue(js.headers["content-type"].startswith("application/json"))
        self.assertEqual(len(rows) - 1, js.json()["total"])
        # Accept: text/csv as the first media type selects CSV too; ?format=json wins over it.
        acc = self.get("/internal/incidents", headers={"Accept": "text/csv, application/json;q=0.5"})
        self.assertEqual(acc.status, 200)
        self.assertEqual(parse(acc.body), rows)
        forced = self.get("/internal/incidents?format=json", headers={"Accept": "text/csv"})
        self.assertTrue(forced.headers["content-type"].startswith("application/json"))
        self.assertTrue(self.get("/internal/incidents",
                                 headers={"Accept": "application/json, text/csv"})
                        .headers["content-type"].startswith("application/json"))

    def test_accept_csv_is_never_a_cached_json_answer(self):
        """The answer cache keys on the query, not on Accept: a CSV asked for with Accept
        alone must not be served the JSON cached by the network thread."""
        for who, path in (("INTERNAL_ADMIN", "/internal/tenants"), ("TENANT_ADMIN", "/tenant/usage"),
                          ("TENANT_ADMIN", "/tenant/incidents")):
            for _ in range(2):  # the second is a cache hit for JSON
                js = self.get(path, who)
                self.assertTrue(js.headers["content-type"].startswith("application/json"), (path, js))
            self.assertEqual(js.headers.get("x-cache"), "hit", (path, js.headers))
            r = self.get(path, who, headers={"Accept": "text/csv"})
            self.assertEqual(r.status, 200, (path, r))
            self.assertTrue(r.headers["content-type"].startswith("text/csv"), (path, r.headers))
            self.assertTrue(r.body.startswith(BOM), path)

    def test_bad_format_or_separator_is_400(self):
        for q in ("format=xml", "format=csv&sep=tab", "format=CSV"):
            r = self.get("/internal/incidents?" + q)
            self.assertEqual(r.status, 400, (q, r))
            self.assertTrue(r.headers["content-type"].startswith("application/problem+json"), r.headers)
        r = self.get("/tenant/usage?format=csv&by=week", "TENANT_ADMIN")
        self.assertEqual(r.status, 400, r)

    def test_quoting_accents_and_formula_prefix(self):
        r = self.get(f"/internal/incidents?format=csv&tenant_id={self.w.a}")
        rows = parse(r.body)
        row = next(x for x in rows if x[0] == self.tricky)
        self.assertEqual(row[4], "'" + TRICKY_TITLE)   # never a live formula
        self.assertEqual(row[5], TRICKY_DESC)          # newline, comma, quotes, accents intact
        self.assertEqual(row[2], "Padaria Estrela Ltda")
        self.assertIn('"\'=HYPERLINK(""http://evil.example/?q=1"",""clique"")"', r.body)
        self.assertIn('"linha 1\nlinha 2, com vírgula; ""aspas"" e ação — São João"', r.body)
        # Tenant area: same rows, same protection.
        mine = parse(self.get("/tenant/incidents?format=csv", "TENANT_ADMIN").body)
        trow = next(x for x in mine if x[0] == self.tricky)
        self.assertEqual(trow[2], "'" + TRICKY_TITLE)
        self.assertEqual(trow[3], TRICKY_DESC)

    def test_semicolon_separator_and_decimal_comma(self):
        r = self.get("/tenant/usage?format=csv&by=agent&sep=semicolon", "TENANT_ADMIN")
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.body[len(BOM):].startswith("agent_id;agent_name;total_requests;success_rate;cost\r\n"))
        rows = parse(r.body, ";")
        by = {x[0]: x for x in rows[1:]}
        self.assertEqual(by[self.w.agent1][1:], ["Atendente Virtual", "150", "93,3", "3,75"])
        self.assertEqual(by[self.w.agent2][1:], ["Agente de Cobrança", "30", "90,0", "0,90"])
        # A ';' inside a cell is quoted with ';' as separator, not with ','.
        inc = self.get(f"/internal/incidents?format=csv&sep=semicolon&tenant_id={self.w.a}")
        self.assertIn('"linha 1\nlinha 2, com vírgula; ""aspas"" e ação — São João"', inc.body)
        row = next(x for x in parse(inc.body, ";") if x[0] == self.tricky)
        self.assertEqual(row[5], TRICKY_DESC)

    # --- filters and every list ---------------------------------------------------------
    def test_filters_are_honoured(self):
        rows = self.csv_of(f"/internal/incidents?format=csv&status=open&tenant_id={self.w.a}")
        js = self.get(f"/internal/incidents?status=open&tenant_id={self.w.a}&limit=200").json()
        self.assertEqual([x[0] for x in rows[1:]], [i["id"] for i in js["incidents"]])
        self.assertTrue(all(x[6] == "open" and x[1] == self.w.a for x in rows[1:]))
        self.assertGreater(len(rows), 2)
        # limit/offset page the JSON list only: the file holds every matching row.
        self.assertEqual(rows, self.csv_of(f"/internal/incidents?format=csv&status=open&tenant_id={self.w.a}"
                                           "&limit=1&offset=3"))
        t = self.csv_of("/internal/tenants?format=csv&search=padaria")
        self.assertEqual(t[0], ["id", "name", "cnpj", "segment", "plan", "status", "mrr_estimate",
                                "active_agents", "active_users", "requests_last_30_days", "created_at"])
        self.assertEqual(len(t), 2)
        self.assertEqual(t[1][:3], [self.w.a, "Padaria Estrela Ltda", "11222333000181"])
        self.assertEqual(t[1][6:10], ["1997", "2", "2", "180"])
        both = self.csv_of("/internal/tenants?format=csv&sort_by=name&sort_order=desc")
        self.assertEqual([x[1] for x in both[1:]], ["Padaria Estrela Ltda", "Clínica Sorriso S.A."])
        mine = self.csv_of("/tenant/incidents?format=csv&status=resolved", "TENANT_ADMIN")
        self.assertTrue(mine[1:] and all(x[4] == "resolved" for x in mine[1:]))

    def test_usage_by_day_agent_and_tenant(self):
        days = self.csv_of("/tenant/usage?format=csv&period=7d", "TENANT_ADMIN")
        self.assertEqual(days[0], ["date", "total_requests", "successful_requests", "failed_requests",
                                   "avg_response_time_ms", "cost"])
        self.assertEqual(len(days), 8)
        by_date = {x[0]: x for x in days[1:]}
        self.assertEqual(by_date[day(1)][1:], ["100", "90", "10", "500", "2.50"])
        self.assertEqual(by_date[day(2)][1:], ["30", "27", "3", "1000", "0.90"])
        # A TENANT_USER sees no costs, in CSV as in JSON.
        plain = self.csv_of("/tenant/usage?format=csv&period=7d", "TENANT_USER")
        self.assertNotIn("cost", plain[0])
        self.assertEqual({x[0]: x for x in plain[1:]}[day(1)][1:], ["100", "90", "10", "500"])
        one = self.csv_of(f"/tenant/usage?format=csv&by=agent&agent_id={self.w.agent2}", "TENANT_ADMIN")
        self.assertEqual([x[0] for x in one[1:]], [self.w.agent2])
        r = self.get(f"/tenant/usage?format=csv&tenant_id={self.w.a}&from={day(3)}&to={day(1)}")
        self.assertEqual(r.headers["content-disposition"],
                         f'attachment; filename="painel-usage-by-day-{day(3)}_{day(1)}.csv"')
        # Staff: the platform's days, tenants and agents.
        od = self.csv_of("/internal/usage/overview?format=csv&period=7d")
        self.assertEqual(od[0], ["date", "total_requests", "success_rate", "active_tenants"])
        self.assertEqual({x[0]: x for x in od[1:]}[day(1)][1:], ["7877", "90.0", "2"])
        ot = self.csv_of("/internal/usage/overview?format=csv&by=tenant")
        self.assertEqual([(x[1], x[2]) for x in ot[1:]],
                         [("Clínica Sorriso S.A.", "7777"), ("Padaria Estrela Ltda", "180")])
        oa = self.csv_of("/internal/usage/overview?format=csv&by=agent")
        self.assertEqual(oa[0], ["agent_id", "agent_name", "total_requests", "success_rate",
                                 "deployed_count", "tenant_count"])
        self.assertEqual({x[0]: x[2] for x in oa[1:]}, {self.w.agent1: "7927", self.w.agent2: "30"})

    def test_commands_and_audit(self):
        admin = self.w.token("INTERNAL_ADMIN")
        r = self.p.post("/internal/operations/commands",
                        {"command_type": "FLUSH_TENANT_CACHE", "tenant_id": self.w.a}, token=admin)
        self.assertEqual(r.status, 202, r)
        cid = r.json()["command_id"]
        rows = self.csv_of(f"/internal/operations/commands?format=csv&tenant_id={self.w.a}")
        self.assertEqual(rows[0][:6], ["command_id", "command_type", "status", "tenant_id", "tenant_name",
                                       "parameters"])
        self.assertIn(cid, [x[0] for x in rows[1:]])
        self.assertEqual(len(self.csv_of(f"/internal/operations/commands?format=csv&tenant_id={self.w.b}")), 1)
        self.assertEqual(len(self.csv_of("/internal/operations/commands?format=csv&command_type=HEALTH_CHECK")), 1)
        audit = self.csv_of("/internal/audit?format=csv&action=command.create")
        self.assertEqual(audit[0], ["id", "created_at", "actor", "role", "action", "tenant_id", "target",
                                    "request_id", "ip", "metadata"])
        self.assertTrue(audit[1:] and all(x[4] == "command.create" for x in audit[1:]))
        self.assertIn(cid, [x[6] for x in audit[1:]])

    # --- who may export what --------------------------------------------------------------
    def test_tenant_never_gets_another_tenants_rows(self):
        body = self.get("/tenant/incidents?format=csv", "TENANT_ADMIN").body
        self.assertNotIn("B only", body)
        other = self.get("/tenant/incidents?format=csv", "B_ADMIN").body
        self.assertIn("B only", other)
        self.assertNotIn(self.tricky, other)
        for path in ("/tenant/incidents", "/tenant/usage"):
            r = self.get(f"{path}?format=csv&tenant_id={self.w.b}", "TENANT_ADMIN")
            self.assertEqual(r.status, 403, (path, r))
        days = self.csv_of("/tenant/usage?format=csv&period=7d", "B_ADMIN")
        self.assertEqual({x[0]: x for x in days[1:]}[day(1)][1], "7777")
        self.assertNotIn("100", [x[1] for x in days[1:]])
        # Staff name the tenant (400 without, as in JSON).
        self.assertEqual(self.get("/tenant/usage?format=csv").status, 400)

    def test_permissions(self):
        for path in ("/internal/audit", "/internal/tenants", "/internal/incidents",
                     "/internal/operations/commands", "/internal/usage/overview", "/tenant/usage"):
            r = self.get(path + "?format=csv", who=None)
            self.assertEqual(r.status, 401, (path, r))
            self.assertFalse(r.body.startswith(BOM))
        for path in ("/internal/audit", "/internal/tenants", "/internal/incidents",
                     "/internal/operations/commands", "/internal/usage/overview"):
            r = self.get(path + "?format=csv", "TENANT_ADMIN")
            self.assertEqual(r.status, 403, (path, r))
        self.assertEqual(self.get("/internal/audit?format=csv", "INTERNAL_SUPPORT").status, 403)
        self.assertEqual(self.get("/internal/tenants?format=csv", "INTERNAL_SUPPORT").status, 200)


class LargeExport(unittest.TestCase):
    """50 000 audit rows (~25 MB of CSV): chunked, every row once, and the server's peak
    memory grows by a small fraction of the file; stalled readers leave it answering."""

    @classmethod
    def setUpClass(cls):
        cls.p = Painel(*FAST, "--handler-threads", "2").start()
        cls.w = World(cls.p)
        insert_audit_rows(cls.p, BIG, cls.w.a)
        cls.admin = cls.w.token("INTERNAL_ADMIN")

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()

    def stream(self, path):
        conn = http.client.HTTPConnection("127.0.0.1", self.p.port, timeout=60)
        conn.request("GET", path, headers={"Authorization": "Bearer " + self.admin})
        r = conn.getresponse()
        self.assertEqual(r.status, 200)
        te = r.getheader("Transfer-Encoding")
        body = b""
        while True:
            piece = r.read(65536)
            if not piece:
                break
            body += piece
        conn.close()
        return te, body.decode("utf-8")

    def test_large_export_is_streamed_with_bounded_memory(self):
        # Warm up first, without exporting: each handler thread's SQLite connection maps
        # the database file (mmap_size) and the peak counts those file pages once per
        # mapping. A filter no row matches reads every bulk row and answers only the
        # header; once the peak has not moved for three rounds (at most 30), what the
        # export adds is its own memory. (Warming up with the export itself would hide a
        # whole-body implementation: the peak would already hold the body.)
        last, still = vm_hwm_kb(self.p.proc.pid), 0
        for _ in range(30):
            te, empty = self.stream("/internal/audit?format=csv&action=bulk.row&actor=nobody")
            self.assertEqual(len(parse(empty)), 1)
            now = vm_hwm_kb(self.p.proc.pid)
            still = still + 1 if now - last < 256 else 0
            last = now
            if still >= 3:
                break
        before = vm_hwm_kb(self.p.proc.pid)
        complete = streamed(self.p, "complete")
        te, body = self.stream("/internal/audit?format=csv&action=bulk.row")
        after = vm_hwm_kb(self.p.proc.pid)
        rows = parse(body)
        self.assertEqual(len(rows) - 1, BIG)
        self.assertEqual(len({x[0] for x in rows[1:]}), BIG)  # every row once
        size_kb = len(body.encode()) // 1024
        self.assertGreater(size_kb, 20000)
        growth = after - before
        # Held whole, the file alone would raise the peak by its size (more with string
        # growth); streamed, by a page or two.
        self.assertLess(growth / size_kb, 0.2, f"VmHWM {before} -> {after} kB for a {size_kb} kB file")
        self.assertEqual(te, "chunked")
        self.assertEqual(streamed(self.p, "complete"), complete + 1)
        # The unfiltered export carries the bulk rows and the fixtures' own.
        te, everything = self.stream("/internal/audit?format=csv")
        self.assertGreater(len(parse(everything)) - 1, BIG)

    def test_http10_gets_the_file_until_close_and_head_only_the_head(self):
        auth = f"Authorization: Bearer {self.admin}\r\n"
        out = raw_exchange(self.p.port, ("GET /internal/audit?format=csv&action=bulk.row HTTP/1.0\r\n"
                                         + auth + "\r\n").encode(), timeout=60)
        head, _, body = out.partition(b"\r\n\r\n")
        self.assertTrue(head.startswith(b"HTTP/1.0 200"), head[:200])
        self.assertNotIn(b"chunked", head.lower())  # HTTP/1.0 has no chunks: the body ends at close
        self.assertEqual(len(parse(body.decode("utf-8"))) - 1, BIG)
        out = raw_exchange(self.p.port, ("HEAD /internal/audit?format=csv HTTP/1.1\r\nHost: x\r\n" + auth
                                         + "Connection: close\r\n\r\n").encode(), timeout=60)
        head, _, body = out.partition(b"\r\n\r\n")
        self.assertTrue(head.startswith(b"HTTP/1.1 200"), head[:200])
        self.assertIn(b"text/csv", head)
        self.assertEqual(body, b"")

    def test_clients_that_stop_reading_do_not_pin_the_server(self):
        cut_before = streamed(self.p, "cut")
        stalled = []
        try:
            for _ in range(4):  # twice the handler threads
                s = socket.socket()
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                s.connect(("127.0.0.1", self.p.port))
                s.sendall(("GET /internal/audit?format=csv HTTP/1.1\r\nHost: x\r\n"
                           f"Authorization: Bearer {self.admin}\r\n\r\n").encode())
                stalled.append(s)
            # Each has its head and first pieces written and then waits on a full socket.
            first = stalled[0].recv(4096)
            self.assertTrue(first.startswith(b"HTTP/1.1 200"), first[:100])
            for _ in range(3):
                r = self.p.get("/healthz")
                self.assertEqual(r.status, 200, r)
                t = self.p.get("/internal/tenants?format=csv", token=self.admin)
                self.assertEqual(t.status, 200, t)
                self.assertEqual(len(parse(t.body)), 3)
                a = self.p.get("/internal/audit?format=csv&action=auth.login", token=self.admin)
                self.assertEqual(a.status, 200, a)
                time.sleep(0.2)
        finally:
            for s in stalled:
                s.close()
        self.assertEqual(self.p.get("/healthz").status, 200)
        # Each abandoned export ends at its next write (reset by the peer) and is counted.
        deadline = time.time() + 60  # a liveness bound, not a timing claim
        while streamed(self.p, "cut") < cut_before + 4 and time.time() < deadline:
            time.sleep(0.1)
        self.assertEqual(streamed(self.p, "cut"), cut_before + 4)


if __name__ == "__main__":
    main()
