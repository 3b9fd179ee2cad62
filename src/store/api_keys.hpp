#pragma once
// Ingest API keys: shown once at creation, stored as SHA-256 (they are long random
// tokens, so a fast hash is enough), revocable.
#include <optional>
#include <string>

#include "store/db.hpp"

namespace painel::store {
struct NewApiKey {
  std::string id, key;  // key is the secret: print once, never store
};
NewApiKey create_api_key(Conn& c, const std::string& name, int64_t now_ms);
// Returns the key id if the key is known and not revoked.
std::optional<std::string> check_api_key(Conn& c, std::string_view key);
bool revoke_api_key(Conn& c, const std::string& id_or_prefix, int64_t now_ms);
}  // namespace painel::store
