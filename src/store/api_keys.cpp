#include "store/api_keys.hpp"

#include "auth/crypto.hpp"
#include "core/ids.hpp"
#include "core/time.hpp"

namespace painel::store {

NewApiKey create_api_key(Conn& c, const std::string& name, int64_t now_ms) {
  NewApiKey k{new_uuid(), "pik_" + auth::random_token(32)};
  c.exec("INSERT INTO api_keys(id, name, prefix, key_hash, created_at) VALUES (?,?,?,?,?)",
         {k.id, name, k.key.substr(0, 12), auth::sha256_hex(k.key), format_rfc3339(now_ms)});
  return k;
}

std::optional<std::string> check_api_key(Conn& c, std::string_view key) {
  if (key.size() > 256) return std::nullopt;
  auto r = c.query("SELECT id FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL",
                   {auth::sha256_hex(key)});
  if (r.empty()) return std::nullopt;
  return r[0].str(0);
}

bool revoke_api_key(Conn& c, const std::string& id_or_prefix, int64_t now_ms) {
  return c.exec(
             "UPDATE api_keys SET revoked_at = ? WHERE (id = ? OR prefix = ?) AND revoked_at IS "
             "NULL",
             {format_rfc3339(now_ms), id_or_prefix, id_or_prefix}) > 0;
}

}  // namespace painel::store
