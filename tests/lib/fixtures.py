"""A small, fully known data set for API tests: two tenants (A, B), users of every group,
agents, contracts, integrations, incidents and daily usage rows with known sums."""
import datetime
import uuid
from zoneinfo import ZoneInfo

PASSWORD = "painel-test-pw-1"
# Tenants' usage days are days of their time zone; the fixture's tenants have the default.
ZONE = ZoneInfo("America/Sao_Paulo")
TODAY = datetime.datetime.now(ZONE).date()


def local_day(ms, zone=ZONE):
    """The day number (days since 1970-01-01) of the local date of instant `ms` in `zone`:
    what ingestion stores in usage_events.local_day."""
    local = datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).astimezone(zone).date()
    return (local - datetime.date(1970, 1, 1)).days


def day(n_ago):
    return (TODAY - datetime.timedelta(days=n_ago)).isoformat()


def now_iso():
    # With milliseconds, as the store writes instants: rows written here then sort after the
    # store's own rows of the same second (by text on SQLite, by time on PostgreSQL).
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class World:
    def __init__(self, p):
        self.p = p
        self.a = p.tenant("Padaria Estrela Ltda", plan="professional", cnpj="11.222.333/0001-81")
        self.b = p.tenant("Clínica Sorriso S.A.", plan="starter", cnpj="45.997.418/0001-53")
        self.users = {
            "INTERNAL_ADMIN": p.user("admin@alq.ai", "INTERNAL_ADMIN"),
            "INTERNAL_SUPPORT": p.user("support@alq.ai", "INTERNAL_SUPPORT"),
            "TENANT_ADMIN": p.user("admin@a.com", "TENANT_ADMIN", self.a),
            "TENANT_USER": p.user("user@a.com", "TENANT_USER", self.a),
            "B_ADMIN": p.user("admin@b.com", "TENANT_ADMIN", self.b),
        }
        self.emails = {"INTERNAL_ADMIN": "admin@alq.ai", "INTERNAL_SUPPORT": "support@alq.ai",
                       "TENANT_ADMIN": "admin@a.com", "TENANT_USER": "user@a.com", "B_ADMIN": "admin@b.com"}
        now = now_iso()
        self.agent1, self.agent2, self.agent3 = (str(uuid.uuid4()) for _ in range(3))
        # name_sort: the folded name the store writes beside it (core/text.hpp name_sort_key)
        for aid, slug, name, key, sub, price in [
                (self.agent1, "atendente", "Atendente Virtual", "atendente virtual", "hermes", 19900),
                (self.agent2, "cobranca", "Agente de Cobrança", "agente de cobranca", "nigredo", 29900),
                (self.agent3, "agenda", "Agendador", "agendador", "atlas", 9900)]:
            p.sql("INSERT INTO agents(id, slug, name, name_sort, segment, subnucleus, monthly_price_cents, "
                  "created_at) VALUES (?,?,?,?,?,?,?,?)", (aid, slug, name, key, "servicos", sub, price, now))
        for t, aid, status in [(self.a, self.agent1, "active"), (self.a, self.agent2, "active"),
                               (self.a, self.agent3, "inactive"), (self.b, self.agent1, "active")]:
            p.sql("INSERT INTO tenant_agents(id, tenant_id, agent_id, status, activated_at) VALUES (?,?,?,?,?)",
                  (str(uuid.uuid4()), t, aid, status, now))
        # contracts were written behind the store's back: recompute MRR as the store does
        p.sql("UPDATE tenants SET mrr_cents = (SELECT base_price_cents FROM plans WHERE name = tenants.plan) + "
              "coalesce((SELECT sum(a.monthly_price_cents) FROM tenant_agents ta JOIN agents a ON a.id = ta.agent_id "
              "WHERE ta.tenant_id = tenants.id AND ta.status = 'active'), 0)")
        p.sql("INSERT INTO tenant_status_history(tenant_id, old_status, new_status, mrr_cents, changed_at) "
              "SELECT id, status, status, mrr_cents, ? FROM tenants", (now,))
        self.integ_err = str(uuid.uuid4())
        p.sql("INSERT INTO tenant_integrations(id, tenant_id, type, name, status, last_error, created_at, updated_at) "
              "VALUES (?,?,?,?,?,?,?,?)", (self.integ_err, self.a, "whatsapp", "WhatsApp Business", "error",
                                          "token expired", now, now))
        p.sql("INSERT INTO tenant_integrations(id, tenant_id, type, name, status, created_at, updated_at) "
              "VALUES (?,?,?,?,?,?,?)", (str(uuid.uuid4()), self.b, "email", "SMTP", "active", now, now))
        # usage: tenant A agent1: day 1 ago 100 req (90 ok, sum rt 50000, tokens 1000, cost 250c)
        #                         day 10 ago 50 req (50 ok, sum rt 10000, tokens 500, cost 125c)
        #        tenant A agent2: day 2 ago 30 req (27 ok, sum rt 30000, tokens 300, cost 90c)
        #        tenant A agent1: day 40 ago 1000 req (outside 30d)
        #        tenant B agent1: day 1 ago 7777 req (must never show up in A's figures)
        rows = [(self.a, self.agent1, day(1), 100, 90, 50000, 1000, 250),
                (self.a, self.agent1, day(10), 50, 50, 10000, 500, 125),
                (self.a, self.agent2, day(2), 30, 27, 30000, 300, 90),
                (self.a, self.agent1, day(40), 1000, 1000, 100000, 1, 1),
                (self.b, self.agent1, day(1), 7777, 7000, 777700, 7, 7)]
        for t, ag, d, tot, ok, rt, tok, cost in rows:
            p.sql("INSERT INTO tenant_usage_daily(tenant_id, agent_id, day, total_requests, successful_requests, "
                  "failed_requests, sum_response_time_ms, total_tokens, cost_cents, aggregated_at) "
                  "VALUES (?,?,?,?,?,?,?,?,?,?)", (t, ag, d, tot, ok, tot - ok, rt, tok, cost, now))
        # daily rows written behind the aggregation's back: running totals as it keeps them
        p.sql("INSERT INTO tenant_usage_cumulative(tenant_id, day, requests_through_day) "
              "SELECT tenant_id, day, sum(n) OVER (PARTITION BY tenant_id ORDER BY day) FROM "
              "(SELECT tenant_id, day, sum(total_requests) AS n FROM tenant_usage_daily "
              "GROUP BY tenant_id, day) AS per_day")
        # ... and the platform rollup (migration 28) marked for the aggregation's backfill:
        # until it has run, the overview reads the daily rows.
        p.sql("UPDATE usage_rollup_state SET complete = 0, backfilled_through = NULL WHERE id = 1")
        self.incidents = []
        for i in range(25):
            iid = str(uuid.uuid4())
            self.incidents.append(iid)
            p.sql("INSERT INTO incidents(id, tenant_id, severity, title, status, created_at) VALUES (?,?,?,?,?,?)",
                  (iid, self.a, "warning", f"Incidente {i}", "open" if i % 2 else "resolved",
                   f"2026-01-{(i % 28) + 1:02d}T10:00:00Z"))
        p.sql("INSERT INTO incidents(id, tenant_id, severity, title, status, created_at) VALUES (?,?,?,?,?,?)",
              (str(uuid.uuid4()), self.b, "error", "B only", "open", now))
        self._tokens = {}

    def token(self, who):
        if who not in self._tokens:
            self._tokens[who] = self.p.login(self.emails[who], PASSWORD)["access_token"]
        return self._tokens[who]
