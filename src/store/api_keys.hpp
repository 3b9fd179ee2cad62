#pragma once
// Ingest API keys: shown once at creation, stored as SHA-256 (they are long random
// tokens, so a fast hash is enough), revocable. A key is global (writes usage for any
// tenant) or scoped to one tenant (schema version 8).
#include <optional>
#include <string>

#include "store/db.hpp"

namespace painel::store {
struct NewApiKey {
  std::string id, key;  // key is the secret: print once, never store
};
struct ApiKeyInfo {
  std::string id;
  std::optional<std::string> tenant_id;  // set: the key may write this tenant's events only
};
// `tenant_id` must name an existing tenant (the caller checks; the foreign key enforces).
NewApiKey create_api_key(Conn& c, const std::string& name,
                         const std::optional<std::string>& tenant_id, int64_t now_ms);
// The key's id and scope if the key is known and not revoked.
std::optional<ApiKeyInfo> check_api_key(Conn& c, std::string_view key);
bool revoke_api_key(Conn& c, const std::string& id_or_prefix, int64_t now_ms);
}  // namespace painel::store
