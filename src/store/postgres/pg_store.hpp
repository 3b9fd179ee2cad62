#pragma once
// The PostgreSQL store: a bounded connection pool behind the per-thread Conn the Store
// interface hands out, the PostgreSQL migrations, and backups through pg_dump/pg_restore.
#include <memory>
#include <string>
#include <vector>

#include "store/migrations.hpp"
#include "store/store.hpp"

namespace painel::store {

const std::vector<Migration>& postgres_migrations();

std::unique_ptr<Store> open_postgres(const std::string& url, const StoreOptions& opts);

// The URL with any password replaced by "***" (safe for logs).
std::string redact_pg_url(const std::string& url);

}  // namespace painel::store
