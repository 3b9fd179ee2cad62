#include "core/config.hpp"

#include <stdexcept>

#include "core/redis_url.hpp"

namespace painel {

uint16_t Config::port() const {
  auto p = listen.rfind(':');
  if (p == std::string::npos) throw std::invalid_argument("--listen must be HOST:PORT");
  int v = 0;
  try {
    v = std::stoi(listen.substr(p + 1));
  } catch (...) {
    throw std::invalid_argument("--listen port is not a number");
  }
  if (v < 0 || v > 65535) throw std::invalid_argument("--listen port out of range");
  return static_cast<uint16_t>(v);
}

void Config::validate() const {
  port();
  if (host().empty()) throw std::invalid_argument("--listen must be HOST:PORT");
  if (network_threads < 1 || network_threads > 64)
    throw std::invalid_argument("--network-threads must be 1..64");
  if (handler_threads < 1 || handler_threads > 512)
    throw std::invalid_argument("--handler-threads must be 1..512");
  if (db_pool_size < 0 || db_pool_size > 1000)
    throw std::invalid_argument("--db-pool-size must be 0..1000");
  if (db_statement_timeout_ms < 0)
    throw std::invalid_argument("--db-statement-timeout-ms must be >= 0");
  if (access_ttl_s < 60 || access_ttl_s > 86400)
    throw std::invalid_argument("--access-ttl must be 60..86400 s");
  if (rate_user_per_min < 1 || rate_tenant_per_min < 1 || rate_user_burst < 1 ||
      rate_tenant_burst < 1)
    throw std::invalid_argument("rate limits must be positive");
  if (!cognito_issuer.empty() && cognito_jwks.empty())
    throw std::invalid_argument("--cognito-issuer needs --cognito-jwks");
  if (ingest_max_age_days < 1 || ingest_max_age_days > 36500)
    throw std::invalid_argument("--ingest-max-age-days must be 1..36500");
  if (!redis.empty()) parse_redis_url(redis);
}

}  // namespace painel
