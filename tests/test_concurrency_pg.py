"""Writers beside each other on PostgreSQL (issue 20 item 4): two `painel serve` instances
share one database; logins and usage ingestion run on both, first idle (the baseline),
then while a long REPROCESS_QUEUE command runs on the first instance's worker. Every
login and ingest succeeds, the loaded run takes less than LOAD_RATIO times the idle one
(a ratio measured in one run, never an absolute time), the command really runs during
the whole loaded phase (its status is checked before, during and after) and completes.
Logins are not serialized behind the command: it takes several seconds in all (its days
are re-aggregated in bounded steps) while the slowest login stays a small fraction of
that. PostgreSQL only (PAINEL_TEST_BACKEND=postgres): SQLite has one writer by design."""
import concurrent.futures
import datetime
import os
import sys
import threading
import time
import unittest
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import harness  # noqa: E402
from harness import Painel, main  # noqa: E402
from fixtures import PASSWORD, day  # noqa: E402

ROUTE = "/internal/operations/commands"
ARGS = ("--rate-user-per-min", "1000000", "--rate-user-burst", "100000",
        "--rate-tenant-per-min", "1000000", "--rate-tenant-burst", "100000",
        "--login-ip-per-min", "100000", "--login-account-per-min", "100000",
        # As many password checks at once as the workload sends (4 threads): the default,
        # half the cores, admits 1 and lets 1 wait, and refuses the rest with a 503 (load
        # shedding, by design), which on a busy 2-core CI machine refused a login.
        "--login-concurrency", "4")
REPROCESS_DAYS = 366          # the most one command may name (domain kMaxReprocessDays)
EVENTS_PER_DAY = 2500         # what makes each of its steps (one day) take some time
LOGINS, BATCHES, BATCH = 100, 40, 50  # per instance and phase
USERS = 4
LOAD_RATIO = 5                # generous: the machine is shared and noisy
UTC = datetime.timezone.utc


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def parse_ms(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp() * 1000


@unittest.skipUnless(harness.BACKEND == "postgres",
                     "PostgreSQL only (PAINEL_TEST_BACKEND=postgres; ctest runs it as "
                     "api-pg.test_concurrency_pg)")
class LongReprocessBesideLoginsAndIngestion(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.a = Painel(*ARGS).start()
        cls.b = Painel(*ARGS, "--no-jobs", db=cls.a.db).start()
        a = cls.a
        cls.tenant = a.tenant("Concorrência Ltda")
        cls.agent = str(uuid.uuid4())
        now = iso(datetime.datetime.now(UTC))
        a.sql("INSERT INTO agents(id, slug, name, segment, subnucleus, monthly_price_cents, created_at) "
              "VALUES (?,?,?,?,?,?,?)", (cls.agent, "conc", "Conc Agent", "servicos", "hermes", 100, now))
        a.sql("INSERT INTO tenant_agents(id, tenant_id, agent_id, status, activated_at) VALUES (?,?,?,?,?)",
              (str(uuid.uuid4()), cls.tenant, cls.agent, "active", now))
        a.user("conc-admin@painel.test", "INTERNAL_ADMIN", password=PASSWORD)
        cls.admin = a.login("conc-admin@painel.test", PASSWORD)["access_token"]
        cls.emails = [f"conc-user{i}@painel.test" for i in range(USERS)]
        for e in cls.emails:
            a.user(e, "TENANT_USER", cls.tenant, password=PASSWORD)
        cls.key = a.cli("keys", "create", "--name", "load", "--tenant", cls.tenant).stdout.strip().splitlines()[-1]
        # The days the command re-aggregates, each with EVENTS_PER_DAY events at local noon
        # (15:00 UTC in America/Sao_Paulo), written behind the store's back.
        first = datetime.date.fromisoformat(day(REPROCESS_DAYS))
        first_day = (first - datetime.date(1970, 1, 1)).days
        a.sql("INSERT INTO usage_events(event_id, tenant_id, agent_id, occurred_at_ms, success, "
              "response_time_ms, tokens_used, cost_cents, ingested_at_ms, local_day) "
              "SELECT 'seed-' || g, ?, ?, (? + g / ?) * 86400000::bigint + 54000000 + g % ?, "
              "CASE WHEN g % 10 = 0 THEN 0 ELSE 1 END, 100 + g % 50, 10, 1, 0, ? + g / ? "
              "FROM generate_series(0, ? - 1) AS g(g)",
              (cls.tenant, cls.agent, first_day, EVENTS_PER_DAY, EVENTS_PER_DAY, first_day,
               EVENTS_PER_DAY, REPROCESS_DAYS * EVENTS_PER_DAY))
        cls.batches = 0

    @classmethod
    def tearDownClass(cls):
        cls.b.cleanup()
        cls.a.cleanup()

    # --- the workload: logins and ingest batches on both instances at once ---
    def login(self, p, i):
        t0 = time.monotonic()
        r = p.post("/auth/login", {"email": self.emails[i % USERS], "password": PASSWORD},
                   source_ip=f"127.0.0.{2 + i % 8}")
        return "login", r.status, time.monotonic() - t0

    def ingest(self, p, tag):
        at = iso(datetime.datetime.now(UTC) - datetime.timedelta(minutes=1))
        events = [{"event_id": f"load-{tag}-{k}", "tenant_id": self.tenant, "agent_id": self.agent,
                   "occurred_at": at, "status": "success", "response_time_ms": 10, "tokens_used": 1,
                   "cost": 0.01} for k in range(BATCH)]
        t0 = time.monotonic()
        r = p.post("/ingest/usage", {"events": events}, token=self.key)
        return "ingest", r.status, time.monotonic() - t0

    def workload(self, phase):
        jobs = []
        for p in (self.a, self.b):
            jobs += [(self.login, p, i) for i in range(LOGINS)]
            jobs += [(self.ingest, p, f"{phase}-{p.port}-{i}") for i in range(BATCHES)]
        t0 = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            results = list(pool.map(lambda j: j[0](j[1], j[2]), jobs))
        elapsed = time.monotonic() - t0
        for kind, status, _ in results:
            self.assertEqual(status, 200 if kind == "login" else 202, (phase, kind))
        self.batches += 2 * BATCHES
        return elapsed, max(s for kind, _, s in results if kind == "login")

    def command(self, cid):
        r = self.a.get(f"{ROUTE}/{cid}", token=self.admin)
        self.assertEqual(r.status, 200, r)
        return r.json()

    def test_logins_and_ingestion_keep_their_pace_beside_a_long_reprocess(self):
        idle, idle_login = self.workload("idle")

        r = self.a.post(ROUTE, {"command_type": "REPROCESS_QUEUE", "tenant_id": self.tenant,
                                "parameters": {"from": day(REPROCESS_DAYS), "to": day(1)}},
                        token=self.admin)
        self.assertEqual(r.status, 202, r)
        cid = r.json()["command_id"]
        deadline = time.time() + 20
        while self.command(cid)["status"] == "PENDING" and time.time() < deadline:
            time.sleep(0.05)
        self.assertEqual(self.command(cid)["status"], "RUNNING")

        # The loaded phase, with the command's status sampled meanwhile: RUNNING throughout.
        seen, stop = [], threading.Event()

        def sample():
            while not stop.is_set():
                seen.append(self.command(cid)["status"])
                stop.wait(0.2)
        sampler = threading.Thread(target=sample)
        sampler.start()
        try:
            loaded, loaded_login = self.workload("loaded")
        finally:
            stop.set()
            sampler.join()
        after = self.command(cid)["status"]

        deadline = time.time() + 50
        while self.command(cid)["status"] == "RUNNING" and time.time() < deadline:
            time.sleep(0.2)
        done = self.command(cid)
        self.assertEqual(done["status"], "SUCCESS", done)
        self.assertEqual(done["result"]["days_processed"], REPROCESS_DAYS, done)
        took = (parse_ms(done["completed_at"]) - parse_ms(done["started_at"])) / 1000
        print(f"\nidle {idle:.2f} s (slowest login {idle_login:.3f} s), loaded {loaded:.2f} s "
              f"(slowest login {loaded_login:.3f} s, ratio {loaded / idle:.2f}), "
              f"command {took:.2f} s", file=sys.stderr)

        # The command is long and its steps are bounded: no login waited for it.
        self.assertLess(loaded_login * 4, took,
                        f"a login took {loaded_login:.2f} s beside a {took:.2f} s command")
        self.assertLess(loaded, LOAD_RATIO * idle, f"idle {idle:.2f} s, loaded {loaded:.2f} s")
        # Not vacuous: the command ran during the whole loaded phase. It ends first when the
        # logins or the ingests waited for it (serialized behind it), or when it is too short
        # (EVENTS_PER_DAY).
        self.assertEqual(after, "RUNNING", f"the command ({took:.2f} s) ended before the loaded "
                                           f"phase ({loaded:.2f} s) did")
        self.assertTrue(seen and set(seen) == {"RUNNING"}, seen)
        # Every event ingested in both phases is stored, once.
        n = self.a.sql("SELECT count(*) FROM usage_events WHERE event_id LIKE 'load-%'")[0][0]
        self.assertEqual(n, self.batches * BATCH)
        rows = self.a.sql("SELECT count(*), sum(total_requests) FROM tenant_usage_daily "
                          "WHERE tenant_id = ? AND day >= ? AND day <= ?",
                          (self.tenant, day(REPROCESS_DAYS), day(1)))
        self.assertEqual(rows[0][0], REPROCESS_DAYS)
        self.assertEqual(rows[0][1], REPROCESS_DAYS * EVENTS_PER_DAY)


def cnpj_with_check_digits(first12):
    digits = [int(c) for c in first12]
    for weights in ([5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2], [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]):
        r = sum(d * w for d, w in zip(digits, weights)) % 11
        digits.append(0 if r < 2 else 11 - r)
    return "".join(map(str, digits))


@unittest.skipUnless(harness.BACKEND == "postgres",
                     "PostgreSQL only (PAINEL_TEST_BACKEND=postgres; ctest runs it as "
                     "api-pg.test_concurrency_pg)")
class UniqueThingsCreatedFromTwoInstances(unittest.TestCase):
    """The administration's writes run off the global write lock: two instances creating
    one unique thing at once (a tenant's CNPJ, a catalog agent's name, a tenant's contract
    for an agent) give one 201 and the answers a second request got when writes were
    serialized (409, or 200 for the contract written again), never a 5xx; a tenant's
    limits.max_agents holds when contracts are activated from both instances at once."""
    THREADS, ROUNDS = 6, 4

    @classmethod
    def setUpClass(cls):
        cls.a = Painel(*ARGS).start()
        cls.b = Painel(*ARGS, "--no-jobs", db=cls.a.db).start()
        cls.a.user("uniq-admin@painel.test", "INTERNAL_ADMIN", password=PASSWORD)
        cls.admin = cls.a.login("uniq-admin@painel.test", PASSWORD)["access_token"]

    @classmethod
    def tearDownClass(cls):
        cls.b.cleanup()
        cls.a.cleanup()

    def race(self, method, path_and_bodies):
        """Sends each (path, body) from its own thread, alternating the instances, all at
        once; returns the statuses and bodies."""
        start = threading.Barrier(len(path_and_bodies))

        def one(i):
            p = (self.a, self.b)[i % 2]
            path, body = path_and_bodies[i]
            start.wait()
            return p.request(method, path, body, token=self.admin)

        with concurrent.futures.ThreadPoolExecutor(len(path_and_bodies)) as pool:
            return list(pool.map(one, range(len(path_and_bodies))))

    def assert_one_created(self, answers, others, what):
        statuses = sorted(r.status for r in answers)
        self.assertEqual(statuses.count(201), 1, (what, statuses, [r.body for r in answers]))
        self.assertTrue(all(s in (201,) + others for s in statuses), (what, statuses))

    def test_one_cnpj_from_two_instances_is_created_once(self):
        for round_ in range(self.ROUNDS):
            cnpj = cnpj_with_check_digits(f"77{round_:06d}0001")
            body = {"name": f"Corrida {round_} Ltda", "cnpj": cnpj, "segment": "varejo",
                    "plan": "starter", "status": "active"}
            answers = self.race("POST", [("/internal/tenants", body)] * self.THREADS)
            self.assert_one_created(answers, (409,), f"tenant round {round_}")
            n = self.a.sql("SELECT count(*) FROM tenants WHERE cnpj = ?", (cnpj,))[0][0]
            self.assertEqual(n, 1)

    def test_one_agent_name_from_two_instances_is_created_once(self):
        for round_ in range(self.ROUNDS):
            body = {"name": f"Agente Corrida {round_}", "segment": "vendas",
                    "subnucleus": "hermes", "price_monthly": "10.00"}
            answers = self.race("POST", [("/internal/agents", body)] * self.THREADS)
            self.assert_one_created(answers, (409,), f"agent round {round_}")

    def agents(self, n, tag):
        ids = []
        for i in range(n):
            r = self.a.post("/internal/agents", {"name": f"Agente {tag} {i}", "segment": "vendas",
                                                 "subnucleus": "hermes", "price_monthly": "1.00"},
                            token=self.admin)
            self.assertEqual(r.status, 201, r)
            ids.append(r.json()["id"])
        return ids

    def test_one_contract_from_two_instances_is_created_once(self):
        agent = self.agents(1, "Contrato")[0]
        for round_ in range(self.ROUNDS):
            tenant = self.a.tenant(f"Contrato {round_} Ltda",
                                   cnpj=cnpj_with_check_digits(f"78{round_:06d}0001"))
            path = f"/internal/tenants/{tenant}/agents/{agent}"
            answers = self.race("PUT", [(path, {"status": "active"})] * self.THREADS)
            self.assert_one_created(answers, (200,), f"contract round {round_}")
            n = self.a.sql("SELECT count(*) FROM tenant_agents WHERE tenant_id = ? AND agent_id = ?",
                           (tenant, agent))[0][0]
            self.assertEqual(n, 1)

    def test_max_agents_holds_under_activations_from_two_instances(self):
        agents = self.agents(self.THREADS, "Limite")
        for round_ in range(self.ROUNDS):
            tenant = self.a.tenant(f"Limite {round_} Ltda",
                                   cnpj=cnpj_with_check_digits(f"79{round_:06d}0001"))
            r = self.a.request("PATCH", f"/internal/tenants/{tenant}", {"limits": {"max_agents": 2}},
                               token=self.admin)
            self.assertEqual(r.status, 200, r)
            answers = self.race("PUT", [(f"/internal/tenants/{tenant}/agents/{a}", {"status": "active"})
                                        for a in agents])
            statuses = sorted(r.status for r in answers)
            self.assertEqual(statuses, [201, 201] + [422] * (self.THREADS - 2), (round_, statuses))
            n = self.a.sql("SELECT count(*) FROM tenant_agents WHERE tenant_id = ? AND status = 'active'",
                           (tenant,))[0][0]
            self.assertEqual(n, 2)

    def test_mrr_follows_price_changes_beside_activations(self):
        """Price changes of one agent (PATCH /internal/agents/{id}, which recomputes the MRR
        of every tenant contracting it) beside activations of that agent in other tenants,
        from both instances: afterwards every tenant's MRR is its plan's price plus its
        active agents' prices. The activation shares the agent's row and the price change
        locks it, so an activation either waits for the new price or is in the list of
        tenants the price change recomputes."""
        agent = self.agents(1, "Preco")[0]
        base = dict(self.a.sql("SELECT name, base_price_cents FROM plans"))
        for round_ in range(self.ROUNDS):
            tenants = [self.a.tenant(f"Preco {round_}-{i} Ltda",
                                     cnpj=cnpj_with_check_digits(f"8{round_}{i:06d}0001"))
                       for i in range(self.THREADS)]
            calls = [(f"/internal/tenants/{t}/agents/{agent}", {"status": "active"}) for t in tenants]
            prices = [f"{10 + round_ * 10 + k}.00" for k in range(2)]
            start = threading.Barrier(len(calls) + len(prices))

            def one(i):
                p = (self.a, self.b)[i % 2]
                start.wait()
                if i < len(calls):
                    return p.request("PUT", calls[i][0], calls[i][1], token=self.admin)
                return p.request("PATCH", f"/internal/agents/{agent}",
                                 {"price_monthly": prices[i - len(calls)]}, token=self.admin)

            with concurrent.futures.ThreadPoolExecutor(len(calls) + len(prices)) as pool:
                answers = list(pool.map(one, range(len(calls) + len(prices))))
            self.assertEqual(sorted(r.status for r in answers),
                             [200] * len(prices) + [201] * len(calls), [r.body for r in answers])
            price = self.a.sql("SELECT monthly_price_cents FROM agents WHERE id = ?", (agent,))[0][0]
            for t in tenants:
                plan, mrr = self.a.sql("SELECT plan, mrr_cents FROM tenants WHERE id = ?", (t,))[0]
                self.assertEqual(mrr, base[plan] + price, f"round {round_}: tenant {t}")


if __name__ == "__main__":
    main()
