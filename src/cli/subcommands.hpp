#pragma once
// The command line's subcommands (`painel serve`, `painel demo`, …), one function each,
// dispatched by cli.cpp. ("Commands" alone means the operational commands of
// /internal/operations/commands: domain/commands, store/commands, jobs/command_*.)
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "store/store.hpp"

namespace painel::store {
class Store;
}

namespace painel::store {
class Store;
}

namespace painel::cli {

struct UsageError : std::runtime_error {  // → exit 2
  using std::runtime_error::runtime_error;
};

// Throws the UsageError (exit 2) of a binary older than the store's schema: one line saying
// what to do (run the newer binary, or restore the backup taken before the migration).
[[noreturn]] void throw_schema_too_new(int found, int known);

// The audit chain's key as the server derives it (PAINEL_MASTER_KEY, or for SQLite the
// master.key beside the store): commands that append audit rows need it. An empty string
// when `create` is false and there is no key to find.
std::string audit_key_for(const std::string& database, bool create = true);
// The store, migrated when empty (refused when its schema is behind), with its audit key:
// what every operator command that writes opens.
std::unique_ptr<store::Store> open_migrated(const std::string& database);

// An audit row written by the command line (actor "cli", role "system").
void audit_cli(store::Conn& c, const std::string& action, const std::optional<std::string>& tenant,
               const std::string& target, const std::string& metadata = "{}");

// `painel tenants create|update|list`, `painel contracts set|end` (cli/tenants.cpp). Limits:
// empty strings leave a limit as it is; "plan" falls back to the plan's.
struct TenantArgs {
  std::optional<std::string> name, plan, cnpj, segment, status, time_zone;
  std::optional<std::string> max_agents, max_users, max_requests_per_month;
  bool json = false;
};
int cmd_version(bool json);  // `painel version [--json]`
int cmd_serve(Config cfg);
int cmd_worker(Config cfg);  // the command worker alone, until SIGTERM/SIGINT
struct MigrateArgs {
  bool status = false, no_backup = false;
  int to = 0;              // 0: the latest version
  std::string backup_dir;  // PostgreSQL's pre-migration pg_dump goes here (default ".")
};
int cmd_migrate(const std::string& database, const MigrateArgs& a);
int cmd_tenants_create(const std::string& database, const TenantArgs& a);
int cmd_tenants_update(const std::string& database, const std::string& id, const TenantArgs& a);
int cmd_tenants_list(const std::string& database, const std::string& status, bool json);
int cmd_contracts_set(const std::string& database, const std::string& tenant,
                      const std::string& agent, const std::string& status,
                      const std::string& config, bool json);
int cmd_contracts_end(const std::string& database, const std::string& tenant,
                      const std::string& agent, bool json);
// `tenant` empty: a global key; otherwise the key writes that tenant's events only.
int cmd_keys_create(const std::string& database, const std::string& name,
                    const std::string& tenant);
int cmd_keys_rotate_signing(const Config& cfg);
int cmd_keys_revoke(const std::string& database, const std::string& id_or_prefix);
int cmd_demo(const std::string& database, int tenants, int days, uint64_t seed);
// Rebuilds the days [from, to] (default: yesterday in the zone named `zone`).
int cmd_aggregate(const std::string& database, const std::string& from, const std::string& to,
                  const std::string& zone);
// `painel aggregate --dirty`: one incremental pass over the days marked dirty.
int cmd_aggregate_dirty(const std::string& database);
// `painel aggregate --rollup`: rebuilds the platform usage rollup of every day.
int cmd_aggregate_rollup(const std::string& database);
int cmd_routes(bool markdown);
int cmd_smoke(const std::string& url, const std::string& email, const std::string& password,
              const std::string& cacert);
int cmd_backup(const std::string& database, const std::string& file);
int cmd_backup_check(const std::string& database, const std::string& file);
struct RestoreArgs {
  bool force = false;    // even while a server holds the store
  bool yes = false;      // no question (required when stdin is not a terminal)
  std::string keep_dir;  // where the replaced store is kept (default: backups/ beside it, or .)
};
int cmd_restore(const std::string& database, const std::string& file, const RestoreArgs& a);
// Copies a SQLite deployment into PostgreSQL and verifies it: 0 verified, 1 mismatch or
// failure, 2 refused (UsageError: bad source, non-empty target without --force).
int cmd_copy(const std::string& from, const std::string& to, bool force);

// `painel incidents open|resolve|list` (cli/incidents.cpp): each prints the incident(s) as
// JSON with `json`, else an id / one line each. `tenant` empty: a global incident.
int cmd_incidents_open(const std::string& database, const std::string& severity,
                       const std::string& title, const std::string& description,
                       const std::string& tenant, bool json);
int cmd_incidents_resolve(const std::string& database, const std::string& id, bool json);
// `painel mail test` (cli/mail_cmd.cpp): one test message, sent now; exit 1 if refused.
int cmd_mail_test(const std::string& smtp_url, const std::string& smtp_from, const std::string& to,
                  const std::string& lang, bool json);

int cmd_incidents_list(const std::string& database, const std::string& status,
                       const std::string& tenant, int64_t limit, bool json);

// `painel privacy retention` (cli/privacy.cpp): removes the IPs older than `days` now.
int cmd_privacy_retention(const std::string& database, int days, bool json);

}  // namespace painel::cli
