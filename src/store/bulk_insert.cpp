#include "store/bulk_insert.hpp"

#include <stdexcept>

namespace painel::store {
namespace {

struct TableDef {
  const char* insert;  // the statement up to VALUES
  size_t columns;
};

constexpr const char* kTenants =
    "INSERT INTO tenants(id, name, name_search, cnpj, segment, plan, status, mrr_cents, "
    "created_at, updated_at) VALUES ";
constexpr const char* kTenantStatusHistory =
    "INSERT INTO tenant_status_history(tenant_id, old_status, new_status, mrr_cents, "
    "changed_at) VALUES ";
constexpr const char* kTenantAgents =
    "INSERT INTO tenant_agents(id, tenant_id, agent_id, status, config, activated_at, "
    "deactivated_at) VALUES ";
constexpr const char* kTenantIntegrations =
    "INSERT INTO tenant_integrations(id, tenant_id, type, name, status, last_sync_at, "
    "last_error, last_error_at, created_at, updated_at) VALUES ";
constexpr const char* kUsers =
    "INSERT INTO users(id, email, full_name, full_name_sort, password_hash, groups, created_at, "
    "last_login_at) VALUES ";
constexpr const char* kTenantUsers =
    "INSERT INTO tenant_users(tenant_id, user_id, role, created_at) VALUES ";
constexpr const char* kUsageEvents =
    "INSERT INTO usage_events(event_id, tenant_id, agent_id, occurred_at_ms, success, "
    "response_time_ms, tokens_used, cost_cents, ingested_at_ms, local_day) VALUES ";
constexpr const char* kIncidents =
    "INSERT INTO incidents(id, tenant_id, severity, title, description, status, source, "
    "created_at, resolved_at, resolved_by) VALUES ";
constexpr const char* kCommands =
    "INSERT INTO operational_commands(id, command_type, tenant_id, parameters, status, "
    "created_by, created_by_role, created_at, started_at, completed_at, output, "
    "error_message, attempts) VALUES ";

TableDef table_def(BulkTable t) {
  switch (t) {
    case BulkTable::Tenants:
      return {kTenants, 10};
    case BulkTable::TenantStatusHistory:
      return {kTenantStatusHistory, 5};
    case BulkTable::TenantAgents:
      return {kTenantAgents, 7};
    case BulkTable::TenantIntegrations:
      return {kTenantIntegrations, 10};
    case BulkTable::Users:
      return {kUsers, 8};
    case BulkTable::TenantUsers:
      return {kTenantUsers, 4};
    case BulkTable::UsageEvents:
      return {kUsageEvents, 10};
    case BulkTable::Incidents:
      return {kIncidents, 10};
    case BulkTable::Commands:
      return {kCommands, 13};
  }
  throw std::logic_error("BulkInsert: unknown table");
}

}  // namespace

BulkInsert::BulkInsert(Conn& c, BulkTable table, size_t rows_per_statement)
    : c_(c), per_statement_(rows_per_statement) {
  TableDef def = table_def(table);
  columns_ = def.columns;
  one_row_sql_ = def.insert + placeholder_rows(columns_, 1);
  many_rows_sql_ = def.insert + placeholder_rows(columns_, per_statement_);
  buffer_.reserve(columns_ * per_statement_);
}

void BulkInsert::add(Params row) {
  if (row.size() != columns_) throw std::logic_error("BulkInsert: wrong number of values");
  for (auto& v : row) buffer_.push_back(std::move(v));
  ++rows_;
  if (buffer_.size() >= columns_ * per_statement_) {
    c_.exec(many_rows_sql_, buffer_);
    buffer_.clear();
  }
}

void BulkInsert::flush() {
  for (size_t i = 0; i + columns_ <= buffer_.size(); i += columns_)
    c_.exec(one_row_sql_, Params(buffer_.begin() + static_cast<std::ptrdiff_t>(i),
                                 buffer_.begin() + static_cast<std::ptrdiff_t>(i + columns_)));
  buffer_.clear();
}

}  // namespace painel::store
