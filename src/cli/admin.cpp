// Operator commands (the seed's PowerShell scripts): migrate, tenants, users, keys,
// backup, restore.

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "auth/principal.hpp"
#include "auth/token_service.hpp"
#include "cli/subcommands.hpp"
#include "core/crypto.hpp"
#include "core/ids.hpp"
#include "core/time.hpp"
#include "store/api_keys.hpp"
#include "store/audit.hpp"
#include "store/store.hpp"
#include "store/tenants.hpp"

namespace painel::cli {

std::unique_ptr<store::Store> open_migrated(const std::string& database) {
  auto s = store::Store::open(database);
  if (s->schema_version() == 0) s->migrate("");
  if (s->schema_version() != s->latest_version())
    throw std::runtime_error("schema is not current; run `painel migrate` first");
  s->set_audit_key(audit_key_for(database));
  store::require_audit_key_match(s->conn());
  return s;
}

namespace {

std::string backup_name(const std::string& database) {
  std::string path = database.rfind("sqlite:", 0) == 0 ? database.substr(7) : database;
  auto dir = std::filesystem::path(path).parent_path() / "backups";
  std::string stamp = format_rfc3339(wall_now_ms());
  for (auto& ch : stamp)
    if (ch == ':') ch = '-';
  return (dir / ("pre-migrate-" + stamp + ".db")).string();
}

}  // namespace

void audit_cli(store::Conn& c, const std::string& action, const std::optional<std::string>& tenant,
               const std::string& target, const std::string& metadata) {
  store::audit_append(
      c, {"cli", "system", action, tenant, target, std::nullopt, std::nullopt, metadata},
      wall_now_ms());
}

std::string audit_key_for(const std::string& database, bool create) {
  Config cfg;
  cfg.database = database;
  if (const char* k = std::getenv("PAINEL_MASTER_KEY")) cfg.master_key = k;
  if (const char* f = std::getenv("PAINEL_MASTER_KEY_FILE")) cfg.master_key_file = f;
  if (!create && cfg.master_key.empty() && cfg.master_key_file.empty()) {
    std::string path = database.rfind("sqlite:", 0) == 0 ? database.substr(7) : database;
    if (database.rfind("postgres", 0) == 0 ||
        !std::filesystem::exists(std::filesystem::path(path).parent_path() / "master.key"))
      return "";
  }
  return painel::derive_audit_key(auth::resolve_master_key(cfg));
}

int cmd_migrate(const std::string& database) {
  auto s = store::Store::open(database);
  int before = s->schema_version();
  std::string bk =
      s->dialect() == store::Dialect::Sqlite && before > 0 ? backup_name(database) : "";
  int n = s->migrate(bk);
  if (n == 0)
    std::cout << "schema is current (version " << before << ")\n";
  else
    std::cout << "applied " << n << " migration(s): version " << before << " → "
              << s->schema_version() << (bk.empty() || before == 0 ? "" : " (backup: " + bk + ")")
              << "\n";
  return 0;
}

int cmd_keys_create(const std::string& database, const std::string& name,
                    const std::string& tenant) {
  std::optional<std::string> scope;
  if (!tenant.empty()) {
    if (!is_uuid(tenant)) throw UsageError("--tenant is not a tenant id (a UUID)");
    scope = tenant;
    for (auto& ch : *scope) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  auto s = open_migrated(database);
  auto k = s->write([&](store::Conn& c) {
    if (scope && !store::tenant_status(c, *scope))
      throw std::runtime_error("no tenant with id " + *scope);
    auto key = store::create_api_key(c, name, scope, wall_now_ms());
    audit_cli(c, "apikey.create", scope, key.id);
    return key;
  });
  std::cerr << "ingest key " << k.id << (scope ? " for tenant " + *scope : std::string())
            << " created; it is shown only once:\n";
  std::cout << k.key << "\n";
  return 0;
}

int cmd_keys_revoke(const std::string& database, const std::string& id) {
  auto s = open_migrated(database);
  bool ok = s->write([&](store::Conn& c) {
    bool r = store::revoke_api_key(c, id, wall_now_ms());
    if (r) audit_cli(c, "apikey.revoke", std::nullopt, id);
    return r;
  });
  if (!ok) throw std::runtime_error("no active key with id or prefix " + id);
  std::cout << "revoked\n";
  return 0;
}

int cmd_keys_rotate_signing(const Config& cfg) {
  auto s = open_migrated(cfg.database);
  SystemClock clock;
  auth::TokenService ts(cfg, *s, clock, auth::resolve_master_key(cfg));
  std::string kid = ts.rotate_signing_key();
  s->write([&](store::Conn& c) { audit_cli(c, "signing_key.rotate", std::nullopt, kid); });
  std::cout << "now signing with key " << kid
            << "; the previous key stays published until its tokens expire\n";
  return 0;
}

int cmd_backup(const std::string& database, const std::string& file) {
  auto s = store::Store::open(database);
  s->backup(file);
  std::cout << "backup written to " << file << "\n";
  return 0;
}

int cmd_restore(const std::string& database, const std::string& file) {
  auto s = store::Store::open(database);
  s->restore(file);
  std::cout << "restored " << s->describe() << " from " << file << " (schema version "
            << s->schema_version() << ")\n";
  return 0;
}

}  // namespace painel::cli
