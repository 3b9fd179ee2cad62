#pragma once
// The revoked token subjects an instance knows of, consulted on every authenticated
// request after the verified-token cache has produced the claims. Filled from the store's
// token_revocations log (polled) and at once by this instance's own revocations.
// Internal to the auth module.
#include <cstdint>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "core/string_map.hpp"

namespace painel::auth {

class RevocationSet {
 public:
  // Tokens of `subject` ("user:<id>" / "session:<family>") with iat < not_before_s are dead;
  // the latest not_before wins. seen_ms is when this instance learnt it (for prune()).
  void add(std::string_view subject, int64_t not_before_s, int64_t seen_ms);
  // True if a token of user_id, issued at iat for session sid ("" = none), is revoked.
  bool revoked(std::string_view user_id, std::string_view sid, int64_t iat) const;
  // Forgets entries learnt before before_ms (their tokens have expired).
  void prune(int64_t before_ms);
  std::size_t size() const;

 private:
  struct Entry {
    int64_t not_before_s;
    int64_t seen_ms;
  };
  using Map = StringMap<Entry>;
  static bool dead(const Map& m, std::string_view id, int64_t iat);

  mutable std::shared_mutex mu_;
  Map users_, sessions_;
};

}  // namespace painel::auth
