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
};

}  // namespace painel::auth
