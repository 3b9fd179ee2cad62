#pragma once
// The token signing keys (signing_keys): Ed25519 key pairs whose private part is sealed
// with the master key by the caller (auth/token_service.cpp); the store never sees it in
// the clear. A retired key stays published until publish_until_ms, so tokens it signed
// keep verifying until they expire.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/db.hpp"

namespace painel::store {

struct SigningKeyRow {
  std::string kid, private_key_sealed;
  std::optional<int64_t> retired_at_ms;
  int64_t publish_until_ms = 0;
};
// Every key, newest first.
std::vector<SigningKeyRow> list_signing_keys(Conn& c);

struct NewSigningKey {
  std::string kid, alg, public_key, private_key_sealed;
};
void insert_signing_key(Conn& c, const NewSigningKey& k, int64_t now_ms);
// Retires every key still in use, published until publish_until_ms.
void retire_signing_keys(Conn& c, int64_t now_ms, int64_t publish_until_ms);

}  // namespace painel::store
