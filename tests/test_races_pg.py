"""Races on the row locks of the request writes off PostgreSQL's global write lock (issue 20
item 4; docs/architecture.md, "Audit of the write call sites"): two `painel serve`
instances share one database and the same write is sent to both at once, several rounds.

- a catalog price change (which locks each contracting tenant's row before recomputing its
  MRR) beside plan changes and contract toggles of those tenants: every tenant's mrr_cents
  is what a recomputation from its plan and active contracts gives;
- a support request (its row): a close beside staff replies always leaves it closed (a
  reply either commits first or finds it closed: 409), and two closes with one If-Match
  give one 200 and one 412, one audit row;
- an incident (its row): two PATCHes with one If-Match give one 200 and one 412;
- an integration (its row): two DELETEs with one If-Match give one 204 and one 404;
- a command awaiting approval (its row): an approval beside a rejection gives one 200 and
  one 409, one decision audited;
- an Idempotency-Key sent to both instances at once: one command, the others 409 (in
  flight) or the replayed 202, never a 500;
- `painel tenants create` (CLI, global lock) beside the route creating the same CNPJ: one
  tenant, and the CLI's loss is its usual "already exists" refusal (exit 1), never a
  store error.
- a user's erasure beside that user's login (each deletes the e-mail's lockout counters
  and locks the user's row): no deadlock, whatever the interleaving.

PostgreSQL only (PAINEL_TEST_BACKEND=postgres): SQLite has one writer by design."""
import concurrent.futures
import os
import subprocess
import sys
import threading
import time
import unittest
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import harness  # noqa: E402
from harness import BIN, Painel, main, psql  # noqa: E402
from fixtures import PASSWORD  # noqa: E402

ARGS = ("--rate-user-per-min", "1000000", "--rate-user-burst", "100000",
        "--rate-tenant-per-min", "1000000", "--rate-tenant-burst", "100000",
        "--login-ip-per-min", "100000", "--login-account-per-min", "100000",
        "--require-approval", "SUSPEND_TENANT")
COMMANDS = "/internal/operations/commands"


def cnpj_with_check_digits(first12):
    digits = [int(c) for c in first12]
    for weights in ([5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2], [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]):
        r = sum(d * w for d, w in zip(digits, weights)) % 11
        digits.append(0 if r < 2 else 11 - r)
    return "".join(map(str, digits))


@unittest.skipUnless(harness.BACKEND == "postgres",
                     "PostgreSQL only (PAINEL_TEST_BACKEND=postgres; ctest runs it as "
                     "api-pg.test_races_pg)")
class RowLockRaces(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.a = Painel(*ARGS).start()
        cls.b = Painel(*ARGS, "--no-jobs", db=cls.a.db).start()
        a = cls.a
        a.user("race-admin@painel.test", "INTERNAL_ADMIN", password=PASSWORD)
        a.user("race-admin2@painel.test", "INTERNAL_ADMIN", password=PASSWORD)
        cls.admin = a.login("race-admin@painel.test", PASSWORD)["access_token"]
        cls.admin2 = a.login("race-admin2@painel.test", PASSWORD)["access_token"]
        cls.tenant = a.tenant("Corrida Ltda", cnpj=cnpj_with_check_digits("660000000001"))
        a.user("race-tadmin@painel.test", "TENANT_ADMIN", cls.tenant, password=PASSWORD)
        a.user("race-tuser@painel.test", "TENANT_USER", cls.tenant, password=PASSWORD)
        cls.tadmin = a.login("race-tadmin@painel.test", PASSWORD)["access_token"]
        cls.tuser = a.login("race-tuser@painel.test", PASSWORD)["access_token"]

    @classmethod
    def tearDownClass(cls):
        cls.b.cleanup()
        cls.a.cleanup()

    def race(self, calls):
        """Each call is (method, path, body, token, headers); sent from its own thread,
        alternating the instances, all at once. Returns the answers in order."""
        start = threading.Barrier(len(calls))

        def one(i):
            p = (self.a, self.b)[i % 2]
            method, path, body, token, headers = calls[i]
            start.wait()
            return p.request(method, path, body, token=token, headers=headers)

        with concurrent.futures.ThreadPoolExecutor(len(calls)) as pool:
            return list(pool.map(one, range(len(calls))))

    def race_sequences(self, seqs):
        """Each list of calls runs in order in its own thread (its instance alternating with
        the thread's index), all threads at once. Returns every answer."""
        start = threading.Barrier(len(seqs))

        def one(i):
            p = (self.a, self.b)[i % 2]
            start.wait()
            return [p.request(m, path, body, token=token, headers=h) for m, path, body, token, h in seqs[i]]

        with concurrent.futures.ThreadPoolExecutor(len(seqs)) as pool:
            return [r for answers in pool.map(one, range(len(seqs))) for r in answers]

    def ok(self, r, status):
        self.assertEqual(r.status, status, r)
        return r

    def audits(self, target, action):
        return self.a.sql("SELECT count(*) FROM operational_events WHERE target = ? AND action = ?",
                          (target, action))[0][0]

    # --- 1. the catalog price change's locks of the contracting tenants' rows ---
    def test_mrr_is_recomputed_right_when_a_price_change_races_plan_and_contract_changes(self):
        """PATCH /internal/agents/{x} (a new price: every contracting tenant's MRR is
        recomputed under its row's lock) beside, in each of those tenants, a plan change and
        a toggle of another agent's contract (each under the tenant's row lock). Without the
        price change's tenant locks, its recomputation reads the plan and contracts before
        the other writer commits and overwrites a newer MRR, or the other writer's reads the
        old price."""
        TENANTS, ROUNDS = 6, 6
        base = dict(self.a.sql("SELECT name, base_price_cents FROM plans"))
        plans = sorted(base)[:2]
        ids = []
        for name, price in (("Preco Corrida X", "10.00"), ("Preco Corrida Y", "3.00")):
            r = self.ok(self.a.post("/internal/agents", {"name": name, "segment": "vendas",
                                                         "subnucleus": "hermes", "price_monthly": price},
                                    token=self.admin), 201)
            ids.append(r.json()["id"])
        x, y = ids
        tenants = [self.a.tenant(f"MRR Corrida {i} Ltda", plan=plans[0],
                                 cnpj=cnpj_with_check_digits(f"6610000{i:04d}1"))
                   for i in range(TENANTS)]
        for t in tenants:
            self.ok(self.a.request("PUT", f"/internal/tenants/{t}/agents/{x}", {"status": "active"},
                                   token=self.admin), 201)
        wrong = []
        for round_ in range(ROUNDS):
            # Each thread writes again and again, so that the tenants' writers are under way
            # all through the price changes' recomputations.
            seqs = [[("PATCH", f"/internal/agents/{x}", {"price_monthly": f"{20 + round_}.{k}{j}"},
                      self.admin, None) for j in range(3)] for k in range(2)]
            for i, t in enumerate(tenants):
                seqs.append([("PATCH", f"/internal/tenants/{t}", {"plan": plans[(round_ + j + i) % 2]},
                              self.admin, None) for j in range(3)])
                seqs.append([("PUT", f"/internal/tenants/{t}/agents/{y}",
                              {"status": "active" if (round_ + j) % 2 == 0 else "inactive"}, self.admin, None)
                             for j in range(3)])
            for r in self.race_sequences(seqs):
                self.assertIn(r.status, (200, 201), r)
            prices = dict(self.a.sql("SELECT id, monthly_price_cents FROM agents WHERE id IN (?, ?)", (x, y)))
            for t in tenants:
                plan, mrr = self.a.sql("SELECT plan, mrr_cents FROM tenants WHERE id = ?", (t,))[0]
                active = [aid for (aid,) in self.a.sql(
                    "SELECT agent_id FROM tenant_agents WHERE tenant_id = ? AND status = 'active'", (t,))]
                want = base[plan] + sum(prices[aid] for aid in active)
                if mrr != want:
                    wrong.append((round_, t, mrr, want))
        self.assertEqual(wrong, [], "tenants whose MRR is not their plan plus their active contracts")

    # --- 2. support requests, incidents, integrations: their rows ---
    def open_request(self, subject):
        r = self.ok(self.a.post("/tenant/support/requests",
                                {"subject": subject, "category": "technical", "description": "d"},
                                token=self.tuser), 201)
        return r.json()["id"]

    def test_a_close_racing_replies_leaves_the_support_request_closed(self):
        """A staff close (no If-Match) beside staff replies on both instances: the close
        always answers 200, so the request ends closed: a reply commits before it (and is
        closed over) or finds it closed (409). Without the request's row lock in the reply,
        a reply that read it open writes its message and status over the close."""
        ROUNDS, REPLIES = 15, 3
        reopened = []
        for round_ in range(ROUNDS):
            rid = self.open_request(f"Corrida {round_}")
            path = f"/internal/support/requests/{rid}"
            calls = [("POST", path + "/messages", {"body": f"resposta {k}"}, self.admin, None)
                     for k in range(REPLIES)]
            calls.insert(1, ("PATCH", path, {"status": "closed"}, self.admin2, None))
            answers = self.race(calls)
            self.assertEqual(answers[1].status, 200, answers[1])
            for r in answers[:1] + answers[2:]:
                self.assertIn(r.status, (201, 409), r)
            status = self.a.sql("SELECT status FROM support_requests WHERE id = ?", (rid,))[0][0]
            if status != "closed":
                reopened.append((round_, status, sorted(r.status for r in answers)))
        self.assertEqual(reopened, [], "a reply was stored over a close that had answered 200")

    def test_two_closes_with_one_if_match_give_one_200_and_one_412(self):
        ROUNDS = 10
        for round_ in range(ROUNDS):
            rid = self.open_request(f"Dois fechamentos {round_}")
            path = f"/internal/support/requests/{rid}"
            etag = self.ok(self.a.get(path, token=self.admin), 200).headers["etag"]
            answers = self.race([("PATCH", path, {"status": "closed"}, self.admin, {"If-Match": etag}),
                                 ("PATCH", path, {"status": "closed"}, self.admin2, {"If-Match": etag})])
            self.assertEqual(sorted(r.status for r in answers), [200, 412], (round_, answers))
            self.assertEqual(self.audits(rid, "support.status"), 1, round_)

    def test_two_incident_patches_with_one_if_match_give_one_200_and_one_412(self):
        ROUNDS = 10
        for round_ in range(ROUNDS):
            r = self.ok(self.a.post("/internal/incidents",
                                    {"tenant_id": self.tenant, "severity": "warning",
                                     "title": f"Incidente {round_}", "description": "d"},
                                    token=self.admin), 201)
            iid, etag = r.json()["id"], r.headers["etag"]
            path = f"/internal/incidents/{iid}"
            answers = self.race([("PATCH", path, {"title": f"A {round_}"}, self.admin, {"If-Match": etag}),
                                 ("PATCH", path, {"title": f"B {round_}"}, self.admin2, {"If-Match": etag})])
            self.assertEqual(sorted(r.status for r in answers), [200, 412], (round_, answers))
            winner = next(r for r in answers if r.status == 200).json()["title"]
            title = self.a.sql("SELECT title FROM incidents WHERE id = ?", (iid,))[0][0]
            self.assertEqual(title, winner, round_)

    def test_two_integration_deletes_with_one_if_match_give_one_204(self):
        """The integration's PATCH also locks the tenant's row (a rename's name check); its
        DELETE takes only the integration's row: two at once with one If-Match delete it
        once (one 204, one audit row) and the other finds it gone (404)."""
        ROUNDS = 10
        for round_ in range(ROUNDS):
            r = self.ok(self.a.post("/tenant/integrations", {"type": "crm", "name": f"CRM {round_}"},
                                    token=self.tadmin), 201)
            iid, etag = r.json()["id"], r.headers["etag"]
            path = f"/tenant/integrations/{iid}"
            answers = self.race([("DELETE", path, None, self.tadmin, {"If-Match": etag})] * 2)
            self.assertEqual(sorted(r.status for r in answers), [204, 404], (round_, answers))
            self.assertEqual(self.audits(iid, "integration.delete"), 1, round_)

    # --- 3. the command approval's row lock ---
    def test_an_approval_racing_a_rejection_decides_the_command_once(self):
        ROUNDS = 10
        for round_ in range(ROUNDS):
            t = self.a.tenant(f"Aprovacao Corrida {round_} Ltda",
                              cnpj=cnpj_with_check_digits(f"6620000{round_:04d}1"))
            r = self.ok(self.a.post(COMMANDS, {"command_type": "SUSPEND_TENANT", "tenant_id": t},
                                    token=self.admin), 202)
            self.assertEqual(r.json()["status"], "AWAITING_APPROVAL")
            cid = r.json()["command_id"]
            calls = [("POST", f"{COMMANDS}/{cid}/approve", None, self.admin2, None),
                     ("POST", f"{COMMANDS}/{cid}/reject", {"reason": "não"}, self.admin2, None)]
            if round_ % 2:
                calls.reverse()
            answers = self.race(calls)
            self.assertEqual(sorted(r.status for r in answers), [200, 409], (round_, answers))
            decided = self.a.sql("SELECT count(*) FROM operational_events WHERE target = ? AND action IN "
                                 "('command.approve', 'command.reject')", (cid,))[0][0]
            self.assertEqual(decided, 1, round_)
            winner = next(i for i, r in enumerate(answers) if r.status == 200)
            status = self.a.sql("SELECT status FROM operational_commands WHERE id = ?", (cid,))[0][0]
            if calls[winner][1].endswith("/reject"):
                self.assertEqual(status, "CANCELLED", round_)
            else:
                self.assertNotIn(status, ("CANCELLED", "AWAITING_APPROVAL"), round_)

    # --- 4. the Idempotency-Key's claim ---
    def test_one_idempotency_key_from_two_instances_creates_one_command(self):
        """The same key and body to both instances at once: the claims' inserts race; the
        loser fails on the key's primary key and claims again (finding it in flight: 409, or
        done: the replayed 202). Never a 500, never two commands."""
        ROUNDS, THREADS = 12, 4
        for round_ in range(ROUNDS):
            key = f"race-{round_}-{uuid.uuid4()}"
            body = {"command_type": "FLUSH_TENANT_CACHE", "tenant_id": self.tenant}
            answers = self.race([("POST", COMMANDS, body, self.admin, {"Idempotency-Key": key})] * THREADS)
            statuses = sorted(r.status for r in answers)
            self.assertTrue(all(s in (202, 409) for s in statuses), (round_, statuses, answers))
            ids = {r.json()["command_id"] for r in answers if r.status == 202}
            self.assertEqual(len(ids), 1, (round_, statuses))
            fresh = [r for r in answers if r.status == 202 and "idempotent-replayed" not in r.headers]
            self.assertEqual(len(fresh), 1, (round_, statuses))

    # --- the CLI's tenant creation beside the route's ---
    def test_cli_tenant_creation_racing_the_route_reports_the_usual_conflict(self):
        """`painel tenants create --cnpj C` (on the global write lock) beside POST
        /internal/tenants of the same CNPJ (off it), the route's requests spread over the
        CLI's run: one tenant; the CLI either creates it (exit 0) or refuses with its
        "already exists" line (exit 1), as when the route's tenant was there before it
        started; never a raw duplicate-key error."""
        ROUNDS = 24
        t0 = time.monotonic()
        self.a.cli("tenants", "create", "--name", "Medida Ltda", "--cnpj", cnpj_with_check_digits("663999999999"))
        took = time.monotonic() - t0
        outcomes = {"cli": 0, "route": 0}
        for round_ in range(ROUNDS):
            cnpj = cnpj_with_check_digits(f"6630000{round_:04d}1")
            body = {"name": f"CLI Corrida {round_} Ltda", "cnpj": cnpj, "segment": "varejo", "plan": "starter"}
            delay = took * (0.3 + 0.6 * round_ / ROUNDS)  # the CLI's check is late in its run

            def route(i):
                time.sleep(delay + i * took / 40)
                return (self.a, self.b)[i % 2].post("/internal/tenants", body, token=self.admin)

            with concurrent.futures.ThreadPoolExecutor(4) as pool:
                routes = [pool.submit(route, i) for i in range(3)]
                cli = subprocess.run([BIN, "tenants", "create", "--name", f"CLI Corrida {round_} Ltda",
                                      "--cnpj", cnpj, "--database", self.a.database],
                                     capture_output=True, text=True, env=self.a.env, timeout=60)
                answers = [f.result() for f in routes]
            statuses = sorted(r.status for r in answers)
            self.assertTrue(all(s in (201, 409) for s in statuses), (round_, answers))
            if cli.returncode == 0:
                outcomes["cli"] += 1
                self.assertEqual(statuses, [409] * 3, (round_, answers))
            else:
                outcomes["route"] += 1
                self.assertEqual((cli.returncode, cli.stderr.strip()),
                                 (1, "painel: a tenant with this CNPJ already exists"), round_)
                self.assertEqual(statuses.count(201), 1, (round_, answers))
            n = self.a.sql("SELECT count(*) FROM tenants WHERE cnpj = ?", (cnpj,))[0][0]
            self.assertEqual(n, 1, round_)
        print(f"\nCLI run {took:.3f} s; created by the CLI {outcomes['cli']}, by the route "
              f"{outcomes['route']}", file=sys.stderr)


    # --- 8. an erasure and a login of one user: the lockout counters, then the user's row ---
    def test_an_erasure_racing_the_users_login_does_not_deadlock(self):
        """POST /internal/users/{id}/erase beside the same user's login. The login deletes its
        (e-mail, IP) lockout counter, then locks the user's row (TokenService::open_session);
        the erasure must take them in that order too. It locked the user's row first and
        deleted the e-mail's counters last (store::erase_person): the two waited for each other
        until PostgreSQL broke the deadlock (deadlock_timeout, then a retry). The interleaving
        is forced: another connection holds the user's session row, which the erasure deletes
        after locking the user's row, while the login starts."""
        email = "race-erased@painel.test"
        uid = self.a.user(email, "TENANT_USER", self.tenant, password=PASSWORD)
        self.a.login(email, PASSWORD)  # a session row, which the erasure deletes
        bad = self.b.post("/auth/login", {"email": email, "password": "not the password"})
        self.assertEqual(bad.status, 401, bad)  # the (e-mail, IP) counter the login deletes
        db = self.a.db

        def waiting():
            return int(psql(db, "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                                "current_database() AND wait_event_type = 'Lock'")[0][0])

        def deadlocks():
            return int(psql(db, "SELECT deadlocks FROM pg_stat_database WHERE datname = "
                                "current_database()")[0][0])

        before = deadlocks()
        holder = subprocess.Popen(["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", db],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        holder.stdin.write(f"BEGIN; SELECT 1 FROM sessions WHERE user_id = '{uid}' FOR UPDATE; "
                           "SELECT 'locked';\n")
        holder.stdin.flush()
        while "locked" not in holder.stdout.readline():
            pass
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            try:
                erase = pool.submit(self.a.post, f"/internal/users/{uid}/erase",
                                    {"confirm_email": email}, token=self.admin)
                deadline = time.time() + 20
                while waiting() < 1 and time.time() < deadline:
                    time.sleep(0.05)
                self.assertEqual(waiting(), 1, "the erasure does not wait for the session row")
                login = pool.submit(self.b.post, "/auth/login",
                                    {"email": email, "password": PASSWORD})
                while waiting() < 2 and time.time() < deadline:
                    time.sleep(0.05)
                self.assertEqual(waiting(), 2, "the login does not wait for the erasure")
            finally:
                holder.stdin.write("ROLLBACK;\n")
                holder.stdin.close()
                holder.wait(10)
                holder.stdout.close()
            erased, logged_in = erase.result(), login.result()
        self.ok(erased, 200)
        # The statistics of the backend that broke a deadlock are flushed within a second
        # or two of its going idle.
        deadline = time.time() + 5
        while deadlocks() == before and time.time() < deadline:
            time.sleep(0.2)
        self.assertEqual(deadlocks(), before, "the erasure and the login deadlocked")
        # The erasure committed before the login took the user's row: the login finds the
        # account disabled (no session opened for an erased person).
        self.ok(logged_in, 401)
        self.assertEqual(self.a.sql("SELECT count(*) FROM sessions WHERE user_id = ?", (uid,))[0][0], 0)

if __name__ == "__main__":
    main()
