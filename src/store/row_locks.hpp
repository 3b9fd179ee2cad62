#pragma once
// Row locks for write transactions off PostgreSQL's global write lock (WriteLock::RowLevel,
// docs/architecture.md, "Write transactions and locks"): each takes the lock a
// read-then-write sequence needs so that it stays correct beside another writer, and is a
// plain read on SQLite (one writer there anyway). Taken in the documented order, parents
// before children: the tenant's row, then a user's row (store::lock_user_row), then one
// row of a table below (support request, integration, incident, command).
#include <string>

#include "store/db.hpp"

namespace painel::store {

// SELECT … FOR NO KEY UPDATE on the tenant's row: serializes every writer of the tenant's
// own settings and of the invariants counted over its children (limits.max_agents,
// limits.max_users, integration names, MRR), without blocking inserts of child rows that
// only check their foreign key (FOR KEY SHARE). False when there is no such tenant.
bool lock_tenant_row(Conn& c, const std::string& tenant_id);

// The catalog's agent names are unique by a key computed in C++ (domain::agent_name_key),
// not by a constraint: creations and renames take this transaction-scoped advisory lock
// (its own key) before they check the name.
void lock_catalog_names(Conn& c);

// SELECT … FOR SHARE on a catalog agent's row: a contract written beside a change of the
// agent's price or status waits for it (whose UPDATE conflicts), so the tenant's MRR and
// the retired check see the agent as it is. Taken before the tenant's row (the catalog's
// update locks the agent's row, then its contracting tenants' rows). False when unknown.
bool share_agent_row(Conn& c, const std::string& agent_id);

// One row, FOR UPDATE, before it is read and then written. False when it does not exist.
enum class LockedTable { SupportRequest, Integration, Incident, Command };
bool lock_row(Conn& c, LockedTable table, const std::string& id);

}  // namespace painel::store
