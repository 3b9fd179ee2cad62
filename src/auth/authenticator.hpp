#pragma once
// What the HTTP pipeline needs from identity: turn a bearer token into a Principal.
#include <optional>
#include <string>
#include <string_view>

#include "auth/principal.hpp"

namespace painel::auth {

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // nullopt → 401 with `why` (safe to show: never says which check failed in detail).
  virtual std::optional<Principal> authenticate(std::string_view bearer_token,
                                                std::string& why) = 0;
  // The same answer from memory only, for the network thread: a Principal when the token
  // is accepted without a signature check, a store read or a key reload; nullopt when that
  // is not enough to decide (or to explain a rejection) — then call authenticate() on the
  // handler pool. Never blocks, never throws.
  virtual std::optional<Principal> authenticate_cached(std::string_view bearer_token) {
    (void)bearer_token;
    return std::nullopt;
  }
};

}  // namespace painel::auth
