"""Usage pipeline: ingestion (validation, idempotency, gzip, limits, keys) and the
aggregation job (late events re-aggregated, day boundaries, isolation)."""
import concurrent.futures
import datetime
import gzip
import json
import os
import sys
import time
import unittest
import uuid
from zoneinfo import ZoneInfo

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
from harness import Painel, main  # noqa: E402
from fixtures import ZONE, World  # noqa: E402

UTC = datetime.timezone.utc


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def local_midnight(date, zone):
    """The first instant of a local date: its midnight, or the end of the DST gap when
    midnight is skipped (fold=0 takes the offset before the change), as UTC."""
    return datetime.datetime(date.year, date.month, date.day, tzinfo=zone).astimezone(UTC)


def offset_changes(zone, lo, hi):
    """The local dates (after the change) of the zone's UTC offset changes in [lo, hi],
    latest first."""
    out, t = [], hi.replace(minute=0, second=0, microsecond=0)
    while t > lo:
        prev = t - datetime.timedelta(hours=1)
        if prev.astimezone(zone).utcoffset() != t.astimezone(zone).utcoffset():
            out.append(t.astimezone(zone).date())
        t = prev
    return out

class Usage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.p = Painel("--aggregate-dirty-interval-ms", "200", "--cache-ttl-ms", "60000").start()
        cls.w = World(cls.p)
        cls.key = cls.p.cli("keys", "create", "--name", "test").stdout.strip()

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()

    def ev(self, **kw):
        e = {"event_id": str(uuid.uuid4()), "tenant_id": self.w.a, "agent_id": self.w.agent2,
             "occurred_at": iso(datetime.datetime.now(UTC) - datetime.timedelta(minutes=1)),
             "status": "success", "response_time_ms": 100, "tokens_used": 10, "cost": 0.05}
        e.update(kw)
        return e

    def ingest(self, events, key=None, **kw):
        return self.p.post("/ingest/usage", {"events": events}, token=key or self.key, **kw)

    def wait_for(self, fn, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            v = fn()
            if v:
                return v
            time.sleep(0.1)
        self.fail("condition not reached")

    def test_requires_an_ingest_key(self):
        self.assertEqual(self.ingest([self.ev()], key="nope").status, 401)
        user_token = self.w.token("INTERNAL_ADMIN")
        self.assertEqual(self.ingest([self.ev()], key=user_token).status, 401)

    def test_bad_event_rejects_the_whole_batch_naming_it(self):
        cases = [
            ({"tenant_id": "00000000-0000-4000-8000-000000000000"}, "tenant_id"),
            ({"agent_id": "00000000-0000-4000-8000-000000000000"}, "agent_id"),
            ({"agent_id": self.w.agent3, "tenant_id": self.w.b}, "agent_id"),  # not contracted by B
            ({"occurred_at": "yesterday"}, "occurred_at"),
            ({"occurred_at": iso(datetime.datetime.now(UTC) + datetime.timedelta(minutes=10))}, "occurred_at"),
            ({"occurred_at": "1969-12-31T23:59:59Z"}, "occurred_at"),  # days are counted from 1970
            ({"response_time_ms": -1}, "response_time_ms"),
            ({"tokens_used": 1.5}, "tokens_used"),
            ({"cost": -0.01}, "cost"),
            ({"cost": 0.001}, "cost"),
            ({"status": "ok"}, "status"),
        ]
        before = self.p.sql("SELECT count(*) FROM usage_events")[0][0]
        for change, field in cases:
            batch = [self.ev(), self.ev(), self.ev(**change)]
            r = self.ingest(batch)
            self.assertEqual(r.status, 400, (change, r))
            self.assertIn(f"events[2].{field}", r.json()["detail"])
        dup = self.ev()
        r = self.ingest([dup, self.ev(), dict(dup)])
        self.assertEqual(r.status, 400)
        self.assertIn("events[2].event_id", r.json()["detail"])
        self.assertEqual(self.p.sql("SELECT count(*) FROM usage_events")[0][0], before)

    def test_batch_limits(self):
        self.assertEqual(self.ingest([]).status, 400)
        self.assertEqual(self.ingest([self.ev() for _ in range(10001)]).status, 400)
        r = self.p.request("POST", "/ingest/usage", raw=b"x" * 100, token=self.key,
                           headers={"Content-Type": "text/plain"})
        self.assertEqual(r.status, 415)

    def test_replay_is_idempotent_and_gzip_accepted(self):
        batch = [self.ev(agent_id=self.w.agent1, tenant_id=self.w.b) for _ in range(50)]
        r = self.ingest(batch)
        self.assertEqual(r.status, 202, r)
        self.assertEqual(r.json(), {"accepted": 50, "duplicates": 0})
        raw = gzip.compress(json.dumps({"events": batch}).encode())
        r = self.p.request("POST", "/ingest/usage", raw=raw, token=self.key,
                           headers={"Content-Type": "application/json", "Content-Encoding": "gzip"})
        self.assertEqual(r.json(), {"accepted": 0, "duplicates": 50})

    def test_concurrent_batches_share_writes_but_not_fate(self):
        # Batches in flight together are written in shared transactions (group commit):
        # each is still counted on its own, replays inside the group are duplicates, and a
        # bad batch is rejected whole without touching the others.
        shared = [self.ev(agent_id=self.w.agent1, tenant_id=self.w.b) for _ in range(20)]
        batches = [shared + [self.ev(agent_id=self.w.agent1, tenant_id=self.w.b) for _ in range(30)]
                   for _ in range(6)]
        bad = [self.ev(), self.ev(tenant_id="00000000-0000-4000-8000-000000000000")]
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            futures = [pool.submit(self.ingest, b) for b in batches + [bad]]
            results = [f.result() for f in futures]
        for r in results[:6]:
            self.assertEqual(r.status, 202, r)
        self.assertEqual(sum(r.json()["accepted"] for r in results[:6]), 20 + 6 * 30)
        self.assertEqual(sum(r.json()["duplicates"] for r in results[:6]), 5 * 20)
        self.assertEqual(results[6].status, 400)
        self.assertIn("events[1].tenant_id", results[6].json()["detail"])
        ids = [e["event_id"] for b in batches for e in b] + [bad[0]["event_id"]]
        stored = self.p.sql("SELECT count(*) FROM usage_events WHERE event_id IN (%s)"
                            % ",".join("'%s'" % i for i in ids))[0][0]
        self.assertEqual(stored, 20 + 6 * 30)

    def test_late_events_are_aggregated_and_figures_update(self):
        tok = self.w.token("TENANT_ADMIN")
        # Noon, 3 local days ago: a day the fixture left empty for A (fixture days are the
        # tenant's local dates; a day's first fold rebuilds it whole).
        two_days = (datetime.datetime.now(ZONE).replace(hour=12, minute=0, second=0, microsecond=0)
                    - datetime.timedelta(days=3)).astimezone(UTC)
        base = self.p.get("/tenant/usage?period=7d", token=tok).json()["summary"]["total_requests"]
        events = [self.ev(occurred_at=iso(two_days), response_time_ms=300, status="error" if i < 3 else "success")
                  for i in range(10)]
        self.assertEqual(self.ingest(events).status, 202)

        def updated():
            s = self.p.get("/tenant/usage?period=7d", token=tok).json()["summary"]
            return s if s["total_requests"] == base + 10 else None
        s = self.wait_for(updated)
        self.assertEqual(self.p.sql("SELECT count(*) FROM usage_dirty_days")[0][0], 0)
        # replaying the same batch changes no figure
        self.assertEqual(self.ingest(events).json()["duplicates"], 10)
        time.sleep(0.6)
        self.assertEqual(self.p.get("/tenant/usage?period=7d", token=tok).json()["summary"], s)
        # B's figures untouched by A's events
        b = self.p.get("/tenant/usage?period=7d", token=self.w.token("B_ADMIN")).json()["summary"]
        self.assertEqual(b["total_requests"] % 50, 7777 % 50)

    def test_tenants_list_counts_late_events_in_its_30_days(self):
        admin = self.w.token("INTERNAL_ADMIN")
        noon = datetime.datetime.now(ZONE).replace(hour=12, minute=0, second=0, microsecond=0)  # local

        def listed():
            ts = self.p.get("/internal/tenants?status=all&limit=100", token=admin).json()["tenants"]
            return {t["id"]: t["requests_last_30_days"] for t in ts}

        def detail(tenant):  # summed from the daily rows, not from the running totals
            return self.p.get(f"/internal/tenants/{tenant}", token=admin).json()["usage_summary"][
                "requests_last_30_days"]
        base = listed()[self.w.a]
        # today-29 is the window's first day, today-30 the last one outside it; A has no
        # rows of its own on today-12 (a running total inserted mid-history)
        events = [self.ev(occurred_at=iso((noon - datetime.timedelta(days=d)).astimezone(UTC)))
                  for d, n in [(29, 5), (30, 3), (45, 2), (12, 4)] for _ in range(n)]
        self.assertEqual(self.ingest(events).status, 202)
        self.wait_for(lambda: listed()[self.w.a] == base + 9 and
                      self.p.sql("SELECT count(*) FROM usage_dirty_days")[0][0] == 0)
        figures = listed()
        self.assertEqual(figures[self.w.a], base + 9)
        for tenant in (self.w.a, self.w.b):
            self.assertEqual(figures[tenant], detail(tenant), tenant)

    def test_day_boundaries(self):
        # A tenant's days are dates of its zone (the fixture's: America/Sao_Paulo, UTC-3):
        # the last millisecond of a local day, then the first of the next.
        tok = self.w.token("TENANT_ADMIN")
        d = (datetime.datetime.now(ZONE) - datetime.timedelta(days=5)).date()
        end = datetime.datetime(d.year, d.month, d.day, 23, 59, 59, 999000, tzinfo=ZONE).astimezone(UTC)
        start_next = end + datetime.timedelta(milliseconds=1)
        self.assertEqual(self.ingest([self.ev(agent_id=self.w.agent1, occurred_at=iso(end)),
                                      self.ev(agent_id=self.w.agent1, occurred_at=iso(start_next)),
                                      self.ev(agent_id=self.w.agent1, occurred_at=iso(start_next))]).status, 202)
        day1, day2 = d.isoformat(), (d + datetime.timedelta(days=1)).isoformat()

        def counts():
            u = self.p.get(f"/tenant/usage?from={day1}&to={day2}&agent_id={self.w.agent1}", token=tok).json()
            self.assertEqual(u["time_zone"], "America/Sao_Paulo")
            c = {x["date"]: x["total_requests"] for x in u["daily_data"]}
            return c if c == {day1: 1, day2: 2} else None
        self.wait_for(counts)

    def test_days_follow_each_tenants_zone(self):
        # A tenant in Tokyo (UTC+9): 14:59:59.999 and 15:00 UTC are two Tokyo dates, and its
        # periods end on Tokyo's today; the staff overview names the platform zone.
        t = self.p.tenant("Toquio Ltda")
        self.p.cli("tenants", "update", t, "--time-zone", "Asia/Tokyo")
        self.p.sql("INSERT INTO tenant_agents(id, tenant_id, agent_id, status, activated_at) VALUES (?,?,?,?,?)",
                   (str(uuid.uuid4()), t, self.w.agent1, "active", "2026-01-01T00:00:00Z"))
        self.p.user("admin@toquio.jp", "TENANT_ADMIN", t)
        tok = self.p.login("admin@toquio.jp", "painel-test-pw-1")["access_token"]
        tokyo = ZoneInfo("Asia/Tokyo")
        # 25 days ago: no fixture row is on those days (a day's first fold rebuilds it whole).
        d = (datetime.datetime.now(tokyo) - datetime.timedelta(days=25)).date()
        last_ms = datetime.datetime(d.year, d.month, d.day, 23, 59, 59, 999000, tzinfo=tokyo).astimezone(UTC)
        self.assertEqual(self.ingest([self.ev(tenant_id=t, agent_id=self.w.agent1, occurred_at=iso(last_ms)),
                                      self.ev(tenant_id=t, agent_id=self.w.agent1,
                                              occurred_at=iso(last_ms + datetime.timedelta(milliseconds=1)))]).status,
                         202)
        day1, day2 = d.isoformat(), (d + datetime.timedelta(days=1)).isoformat()

        def counts():
            u = self.p.get("/tenant/usage?period=30d", token=tok).json()
            self.assertEqual((u["time_zone"], u["to"]),
                             ("Asia/Tokyo", datetime.datetime.now(tokyo).date().isoformat()))
            c = {x["date"]: x["total_requests"] for x in u["daily_data"] if x["total_requests"]}
            return c if c == {day1: 1, day2: 1} else None
        self.wait_for(counts)
        staff = self.w.token("INTERNAL_ADMIN")
        o = self.p.get("/internal/usage/overview?period=7d", token=staff).json()
        self.assertEqual((o["time_zone"], o["to"]),
                         ("America/Sao_Paulo", datetime.datetime.now(ZONE).date().isoformat()))

    def test_dst_days_are_23_or_25_hours_long(self):
        # Around each zone's two latest DST changes 45-395 days ago (no fixture row or other
        # test is on those days: a day's first fold rebuilds it whole), the first and last
        # millisecond of the day of the change fall on it, and the instants one millisecond
        # outside fall on the days around it. Santiago changes at midnight (midnight is
        # skipped, or 23:00-24:00 repeats), Havana goes back from 01:00 to midnight (midnight
        # repeats); a fixed offset per zone or per day gets one of the four wrong.
        now = datetime.datetime.now(UTC)
        one_ms, lengths = datetime.timedelta(milliseconds=1), set()
        for name in ("America/New_York", "America/Santiago", "America/Havana", "Europe/Berlin",
                     "Australia/Sydney"):
            zone = ZoneInfo(name)
            changes = offset_changes(zone, now - datetime.timedelta(days=395), now - datetime.timedelta(days=45))[:2]
            self.assertTrue(changes, name)
            t = self.p.tenant(f"Fuso {name.split('/')[1].replace('_', ' ')}")
            self.p.cli("tenants", "update", t, "--time-zone", name)
            self.p.sql("INSERT INTO tenant_agents(id, tenant_id, agent_id, status, activated_at) "
                       "VALUES (?,?,?,?,?)", (str(uuid.uuid4()), t, self.w.agent1, "active", "2025-01-01T00:00:00Z"))
            email = f"admin@dst-{name.split('/')[1].replace('_', '-').lower()}.test"
            self.p.user(email, "TENANT_ADMIN", t)
            tok = self.p.login(email, "painel-test-pw-1")["access_token"]
            for d in changes:
                start, next_start = local_midnight(d, zone), local_midnight(d + datetime.timedelta(days=1), zone)
                hours = (next_start - start) / datetime.timedelta(hours=1)
                self.assertIn(hours, (23, 25), (name, d))
                lengths.add(hours)
                at = [start - one_ms, start, next_start - one_ms, next_start]
                self.assertEqual(self.ingest([self.ev(tenant_id=t, agent_id=self.w.agent1, occurred_at=iso(x))
                                              for x in at]).status, 202)
                before, after = d - datetime.timedelta(days=1), d + datetime.timedelta(days=1)
                want = {before.isoformat(): 1, d.isoformat(): 2, after.isoformat(): 1}

                def counts():
                    u = self.p.get(f"/tenant/usage?from={before.isoformat()}&to={after.isoformat()}",
                                   token=tok).json()
                    c = {x["date"]: x["total_requests"] for x in u["daily_data"] if x["total_requests"]}
                    return c if c == want else None
                self.wait_for(counts)
        self.assertEqual(lengths, {23, 25})  # both kinds of change were crossed

class AggregateCommand(unittest.TestCase):
    def test_default_day_is_yesterday_in_the_platform_zone(self):
        # `painel aggregate` without --from rebuilds yesterday of --time-zone (daily rows are
        # local dates). Kiritimati (UTC+14) and Pago Pago (UTC-11) are 25 h apart: their
        # yesterdays always differ, and at most one of them is the UTC date's yesterday.
        p = Painel()
        try:
            p.cli("migrate")
            for name in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
                zone = ZoneInfo(name)
                before = (datetime.datetime.now(zone) - datetime.timedelta(days=1)).date().isoformat()
                r = p.cli("aggregate", "--time-zone", name)
                after = (datetime.datetime.now(zone) - datetime.timedelta(days=1)).date().isoformat()
                done = [ln.split()[1] for ln in r.stderr.splitlines() if ln.startswith("aggregate: ")]
                self.assertEqual(len(done), 1, r.stderr)
                self.assertIn(done[0], (before, after), name)
            bad = p.cli("aggregate", "--time-zone", "Mars/Olympus_Mons", check=False)
            self.assertEqual(bad.returncode, 2, bad.stderr)
            self.assertIn("time zone", bad.stderr)
        finally:
            p.cleanup()



class OverviewRollup(unittest.TestCase):
    """Issue 20: the staff overview from the platform rollup (migration 28) answers byte for
    byte what the scan of every daily row answers. No jobs (the rollup's state only changes
    when the test says) and no cache (each answer is computed)."""

    @classmethod
    def setUpClass(cls):
        cls.p = Painel("--no-jobs", "--cache-ttl-ms", "1").start()
        cls.w = World(cls.p)
        cls.key = cls.p.cli("keys", "create", "--name", "test").stdout.strip()

    @classmethod
    def tearDownClass(cls):
        cls.p.cleanup()

    def complete(self):
        return self.p.sql("SELECT complete FROM usage_rollup_state WHERE id = 1")[0][0]

    def answers(self):
        staff = self.w.token("INTERNAL_ADMIN")
        out = []
        for q in ("period=7d", "period=30d", "period=90d", "period=7d&format=csv&by=day",
                  "period=90d&format=csv&by=tenant", "period=90d&format=csv&by=agent"):
            r = self.p.get("/internal/usage/overview?" + q, token=staff)
            self.assertEqual(r.status, 200, (q, r))
            out.append(r.body)
        return out

    def test_rollup_answers_what_the_scan_answers(self):
        # The fixture wrote daily rows by SQL and marked the rollup incomplete: the scan.
        self.assertEqual(self.complete(), 0)
        before = self.answers()
        r = self.p.cli("aggregate", "--rollup")
        self.assertIn("rebuilt the platform usage rollup", r.stdout)
        self.assertEqual(self.complete(), 1)
        self.assertEqual(self.answers(), before)
        # New events on days the fixture left empty and on its own days, folded (deltas on
        # the complete rollup; a day's first fold rebuilds it whole).
        now = datetime.datetime.now(ZONE).replace(hour=12, minute=0, second=0, microsecond=0)
        for i in range(120):
            if i % 60 == 0:
                events = []
            day = now - datetime.timedelta(days=1 + (i * 7) % 50)
            events.append({"event_id": str(uuid.uuid4()), "tenant_id": self.w.a if i % 3 else self.w.b,
                           "agent_id": self.w.agent2 if i % 3 and i % 2 else self.w.agent1,
                           "occurred_at": iso(day.astimezone(UTC)), "status": "error" if i % 5 == 0 else "success",
                           "response_time_ms": 100 + i, "tokens_used": 10, "cost": 0.05})
            if i % 60 == 59:  # two batches: the second folds into the days the first rebuilt
                r = self.p.post("/ingest/usage", {"events": events}, token=self.key)
                self.assertEqual(r.status, 202, r)
                self.assertIn("(0 day(s) rebuilt whole)" if i > 60 else "folded",
                              self.p.cli("aggregate", "--dirty").stdout)
        self.assertEqual(self.complete(), 1)
        rollup = self.answers()
        self.assertNotEqual(rollup, before)
        self.p.sql("UPDATE usage_rollup_state SET complete = 0 WHERE id = 1")
        self.assertEqual(self.answers(), rollup)  # the scan's bytes


if __name__ == "__main__":
    main()
