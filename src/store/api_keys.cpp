#include "store/api_keys.hpp"

#include "core/crypto.hpp"
#include "core/ids.hpp"
#include "core/time.hpp"

namespace painel::store {

namespace {
constexpr const char* kInsertKey =
    "INSERT INTO api_keys(id, name, prefix, key_hash, created_at, tenant_id) "
    "VALUES (?,?,?,?,?,?)";
constexpr const char* kCheckKey =
    "SELECT id, tenant_id FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL";
}  // namespace

NewApiKey create_api_key(Conn& c, const std::string& name,
                         const std::optional<std::string>& tenant_id, int64_t now_ms) {
  NewApiKey k{new_uuid(), "pik_" + painel::random_token(32)};
  c.exec(kInsertKey, {k.id, name, k.key.substr(0, 12), painel::sha256_hex(k.key),
                      format_rfc3339(now_ms), opt(tenant_id)});
  return k;
}

std::optional<ApiKeyInfo> check_api_key(Conn& c, std::string_view key) {
  if (key.size() > 256) return std::nullopt;
  auto r = c.query(kCheckKey, {painel::sha256_hex(key)});
  if (r.empty()) return std::nullopt;
  return ApiKeyInfo{r[0].str(0), r[0].opt_str(1)};
}

bool revoke_api_key(Conn& c, const std::string& id_or_prefix, int64_t now_ms) {
  return c.exec(
             "UPDATE api_keys SET revoked_at = ? WHERE (id = ? OR prefix = ?) AND revoked_at IS "
             "NULL",
             {format_rfc3339(now_ms), id_or_prefix, id_or_prefix}) > 0;
}

}  // namespace painel::store
