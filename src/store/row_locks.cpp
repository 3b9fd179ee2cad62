#include "store/row_locks.hpp"

namespace painel::store {
namespace {

constexpr const char* kTenantPg = "SELECT 1 FROM tenants WHERE id = ? FOR NO KEY UPDATE";
constexpr const char* kTenant = "SELECT 1 FROM tenants WHERE id = ?";
// A key of its own (the global write lock's and the audit chain's are others).
constexpr const char* kAgentPg = "SELECT 1 FROM agents WHERE id = ? FOR SHARE";
constexpr const char* kAgent = "SELECT 1 FROM agents WHERE id = ?";
constexpr const char* kCatalogNamesPg = "SELECT pg_advisory_xact_lock(7022364355625379941)";

struct RowLock {
  const char* pg;
  const char* sqlite;
};
constexpr RowLock kRows[] = {
    {"SELECT 1 FROM support_requests WHERE id = ? FOR UPDATE",
     "SELECT 1 FROM support_requests WHERE id = ?"},
    {"SELECT 1 FROM tenant_integrations WHERE id = ? FOR UPDATE",
     "SELECT 1 FROM tenant_integrations WHERE id = ?"},
    {"SELECT 1 FROM incidents WHERE id = ? FOR UPDATE", "SELECT 1 FROM incidents WHERE id = ?"},
    {"SELECT 1 FROM operational_commands WHERE id = ? FOR UPDATE",
     "SELECT 1 FROM operational_commands WHERE id = ?"},
};

}  // namespace

bool lock_tenant_row(Conn& c, const std::string& tenant_id) {
  return !c.query(c.dialect() == Dialect::Postgres ? kTenantPg : kTenant, {tenant_id}).empty();
}

bool share_agent_row(Conn& c, const std::string& agent_id) {
  return !c.query(c.dialect() == Dialect::Postgres ? kAgentPg : kAgent, {agent_id}).empty();
}

void lock_catalog_names(Conn& c) {
  if (c.dialect() == Dialect::Postgres) c.query(kCatalogNamesPg);
}

bool lock_row(Conn& c, LockedTable table, const std::string& id) {
  const RowLock& l = kRows[static_cast<int>(table)];
  return !c.query(c.dialect() == Dialect::Postgres ? l.pg : l.sqlite, {id}).empty();
}

}  // namespace painel::store
