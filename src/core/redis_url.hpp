#pragma once
// The --redis setting: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]. Parsed at start-up so a
// bad value stops `painel serve` with a one-line message instead of failing per request.
#include <string>
#include <string_view>

namespace painel {

struct RedisUrl {
  std::string host;
  int port = 6379;
  int db = 0;
  std::string username;  // empty: the default user (AUTH PASSWORD)
  std::string password;  // empty: no AUTH

  std::string describe() const;  // host:port/db, never the password
};

// Throws std::invalid_argument with a one-line message naming what is wrong. rediss:// (TLS)
// is refused: the hiredis in Debian 12 is built without TLS.
RedisUrl parse_redis_url(std::string_view url);

}  // namespace painel
