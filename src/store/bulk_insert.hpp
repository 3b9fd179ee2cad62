#pragma once
// Bulk loading of whole rows, for loaders that decide every column themselves (demo data):
// rows are buffered and written with one prepared multi-row INSERT per
// `rows_per_statement` rows (far fewer statement executions than one per row), the
// remainder one row at a time by flush(). Triggers fire as for any insert. Runs in the
// caller's transaction; call flush() before committing.
#include <cstddef>
#include <cstdint>
#include <string>

#include "store/db.hpp"

namespace painel::store {

// The tables a loader may fill, each with the column order add() takes:
enum class BulkTable {
  Tenants,              // id, name, name_search, cnpj, segment, plan, status, mrr_cents,
                        // created_at, updated_at
  TenantStatusHistory,  // tenant_id, old_status, new_status, mrr_cents, changed_at
  TenantAgents,         // id, tenant_id, agent_id, status, config, activated_at, deactivated_at
  TenantIntegrations,   // id, tenant_id, type, name, status, last_sync_at, last_error,
                        // last_error_at, created_at, updated_at
  Users,  // id, email, full_name, full_name_sort, password_hash, groups, created_at, last_login_at
  TenantUsers,  // tenant_id, user_id, role, created_at
  UsageEvents,  // event_id, tenant_id, agent_id, occurred_at_ms, success,
                // response_time_ms, tokens_used, cost_cents, ingested_at_ms
  Incidents,    // id, tenant_id, severity, title, description, status, source,
                // created_at, resolved_at, resolved_by
  Commands,     // id, command_type, tenant_id, parameters, status, created_by,
                // created_by_role, created_at, started_at, completed_at, output,
                // error_message, attempts
};

class BulkInsert {
 public:
  BulkInsert(Conn& c, BulkTable table, size_t rows_per_statement = 100);
  // One row, its values in the table's column order (throws if the count is wrong).
  void add(Params row);
  void flush();
  int64_t rows() const { return rows_; }

 private:
  Conn& c_;
  std::string one_row_sql_, many_rows_sql_;
  size_t columns_, per_statement_;
  Params buffer_;
  int64_t rows_ = 0;
};

}  // namespace painel::store
