#include "store/signing_keys.hpp"

namespace painel::store {
namespace {
constexpr const char* kList =
    "SELECT kid, private_key_sealed, retired_at_ms, publish_until_ms FROM signing_keys "
    "ORDER BY created_at_ms DESC";
constexpr const char* kInsert =
    "INSERT INTO signing_keys(kid, alg, public_key, private_key_sealed, created_at_ms) "
    "VALUES (?,?,?,?,?)";
constexpr const char* kRetire =
    "UPDATE signing_keys SET retired_at_ms = ?, publish_until_ms = ? WHERE retired_at_ms IS "
    "NULL";
}  // namespace

std::vector<SigningKeyRow> list_signing_keys(Conn& c) {
  std::vector<SigningKeyRow> out;
  for (auto& r : c.query(kList)) out.push_back({r.str(0), r.str(1), r.opt_i64(2), r.i64(3)});
  return out;
}

void insert_signing_key(Conn& c, const NewSigningKey& k, int64_t now_ms) {
  c.exec(kInsert, {k.kid, k.alg, k.public_key, k.private_key_sealed, now_ms});
}

void retire_signing_keys(Conn& c, int64_t now_ms, int64_t publish_until_ms) {
  c.exec(kRetire, {now_ms, publish_until_ms});
}

}  // namespace painel::store
