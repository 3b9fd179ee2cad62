#pragma once
// A tenant's integrations (tenant_integrations): reads, the API's writes, the platform's
// sync reports and the staff-wide "integrations with error" list. Credentials reach this
// file already sealed (core/crypto seal under derive_credentials_key): the store keeps
// the sealed text and the id of the key that sealed it, and never returns either.
#include <optional>
#include <string>
#include <vector>

#include "store/db.hpp"
#include "store/page.hpp"
#include "store/tenant_scope.hpp"

namespace painel::store {

struct Integration {
  std::string id, type, name, status;
  std::optional<std::string> last_sync_at, last_error;
  bool has_credentials = false;
  std::optional<std::string> config;  // JSON object text, or none
  std::optional<std::string> last_error_at;
  std::string created_at, updated_at;
};

// The tenant's integrations by type, name, id.
std::vector<Integration> tenant_integrations(Conn& c, const TenantScope& s);
// One of the tenant's integrations; nullopt when unknown or another tenant's.
std::optional<Integration> find_integration(Conn& c, const TenantScope& s, const std::string& id);

// Credentials as stored: base64url(nonce || secretbox) and the id of the subkey.
struct SealedCredentials {
  std::string sealed;
  int key_id = 0;
};

struct IntegrationFields {
  std::string type, name, status;
  std::optional<std::string> config;
};

// Writes, in the caller's transaction.
std::string insert_integration(Conn& c, const TenantScope& s, const IntegrationFields& f,
                               const std::optional<SealedCredentials>& creds, int64_t now_ms);
// name, status, config as given (type never changes).
void update_integration(Conn& c, const TenantScope& s, const std::string& id,
                        const IntegrationFields& f, int64_t now_ms);
// Replaces the credentials (nullopt clears them).
void set_integration_credentials(Conn& c, const TenantScope& s, const std::string& id,
                                 const std::optional<SealedCredentials>& creds, int64_t now_ms);
bool delete_integration(Conn& c, const TenantScope& s, const std::string& id);
// Another of the tenant's integrations (not `except_id`) already has this name.
bool integration_name_taken(Conn& c, const TenantScope& s, const std::string& name,
                            const std::string& except_id = {});

// --- The platform's sync reports (an ingest key, no TenantScope) ---
struct SyncTarget {
  std::string tenant_id, status;
  std::optional<std::string> last_sync_at, last_error;
};
std::optional<SyncTarget> sync_target(Conn& c, const std::string& integration_id);
// status, last_sync_at, last_error and last_error_at as given (RFC 3339 texts).
void record_integration_sync(Conn& c, const std::string& integration_id, const std::string& status,
                             const std::string& last_sync_at,
                             const std::optional<std::string>& last_error,
                             const std::optional<std::string>& last_error_at, int64_t now_ms);

// --- Staff: every tenant's integrations (GET /internal/integrations) ---
struct IntegrationFilter {
  std::optional<std::string> status, type, tenant_id;
};
struct StaffIntegration {
  std::string id, tenant_id, tenant_name, type, name, status;
  std::optional<std::string> last_sync_at, last_error, last_error_at;
};
// Most recent error first (integrations that never failed last), then id.
PageOf<StaffIntegration> list_integrations(Conn& c, const IntegrationFilter& f, PageRequest page);

}  // namespace painel::store
