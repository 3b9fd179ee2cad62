#pragma once
// What each route group is built with: the services its handlers use, by reference, handed
// over once when the group registers (api/routes.cpp). Handlers capture their group's deps
// and reach services through them (`d.store.conn()`); nothing is looked up per request.
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/time.hpp"
#include "core/time_zone.hpp"
#include "domain/alerts.hpp"

namespace painel::store {
class Store;
}
namespace painel::obs {
class Metrics;
}
namespace painel::auth {
class TokenService;
}
namespace painel::jobs {
class CommandSignal;
}
namespace painel::mail {
class Mailer;
}

namespace painel::cache {
class ResponseCache;
}

namespace painel::api {

class CachedReads;
class RateLimiter;

// healthz, readyz, metrics, openapi.
struct SystemDeps {
  store::Store& store;
  obs::Metrics& metrics;
  const Config& config;  // --metrics-token, --metrics-listen
};

// The read groups (tenant area, staff reads, billing): the store, today's date and the
// answer cache. Also what api/scope.cpp needs to make a TenantScope (and audit staff reads).
struct ReadDeps {
  store::Store& store;
  const Clock& clock;
  CachedReads& reads;
  TimeZone platform_zone = TimeZone::default_zone();  // --time-zone: staff-wide figures' days
};

// /internal/audit*.
struct AuditDeps {
  store::Store& store;
};

// POST /ingest/usage.
struct IngestDeps {
  store::Store& store;
  obs::Metrics& metrics;
  const Clock& clock;
  const Config& config;
};

// /auth/*, /.well-known/jwks.json.
struct AuthDeps {
  auth::TokenService& tokens;
  RateLimiter& limiter;
  obs::Metrics& metrics;
  const Clock& clock;
  const Config& config;
  store::Store& store;  // /auth/sessions
};

// /internal/users/{id}/sessions (routes_user_sessions.cpp).
struct UserSessionDeps {
  store::Store& store;
  auth::TokenService& tokens;
  const Clock& clock;
};

// /internal/operations/commands*: `signal` wakes this process's worker and long-pollers.
struct CommandDeps {
  store::Store& store;
  cache::ResponseCache& cache;
  obs::Metrics& metrics;
  const Clock& clock;
  const Config& config;
  jobs::CommandSignal& signal;
};

// The tenant administration writes (routes_admin_tenants.cpp): tenants and contracts.
// `cache` drops the answers a write makes stale.
struct AdminTenantDeps {
  store::Store& store;
  cache::ResponseCache& cache;
  const Clock& clock;
};

// /internal/incidents*: the same services; writes drop the cached answers that show the
// incident (a global one: every tenant's).
using IncidentDeps = AdminTenantDeps;

// /internal/agents*: reads through the answer cache, writes drop it.
struct CatalogDeps {
  store::Store& store;
  cache::ResponseCache& cache;
  const Clock& clock;
  CachedReads& reads;
};

// /tenant/integrations writes, GET /internal/integrations, POST /ingest/integrations.
// `credentials_key`: the master key's credentials subkey (derive_credentials_key), the
// only key integration routes hold.
struct IntegrationDeps {
  store::Store& store;
  const Clock& clock;
  CachedReads& reads;
  cache::ResponseCache& cache;
  obs::Metrics& metrics;
  std::string credentials_key;
  ReadDeps read() const { return {store, clock, reads}; }  // for resolve_scope
};

// /internal/users*, /tenant/users*, POST /auth/password/reset (routes_users.cpp): `tokens`
// re-reads the revocations after a write that ends a user's sessions, `config` gives the
// public URL of password links, `cache` drops a tenant's answers when its users change.
struct UserDeps {
  store::Store& store;
  cache::ResponseCache& cache;
  const Clock& clock;
  const Config& config;
  auth::TokenService& tokens;
  mail::Mailer& mailer;  // invitation and reset links are also e-mailed (when configured)
};

// /internal/users/{id}/export and /erase (LGPD): an erasure drops every cached answer.
struct PrivacyDeps {
  store::Store& store;
  cache::ResponseCache& cache;
  const Clock& clock;
};

// /internal/alerts*: the rules this process runs, the webhooks (--alert-webhook) a test
// notification goes to, the evaluation interval.
struct AlertDeps {
  store::Store& store;
  const Clock& clock;
  const Config& config;
  const std::vector<domain::AlertRule>& rules;
};

}  // namespace painel::api
