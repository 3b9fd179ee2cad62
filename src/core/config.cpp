#include "core/config.hpp"

#include <cctype>
#include <stdexcept>

#include "core/list.hpp"
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

std::string Config::public_base_url() const {
  std::string u =
      public_url.empty() ? (tls_cert.empty() ? "http://" : "https://") + listen : public_url;
  while (!u.empty() && u.back() == '/') u.pop_back();
  return u;
}

std::string Config::path_prefix() const {
  if (public_url.empty()) return "";
  std::string u = public_base_url();
  auto host_at = u.find("://");
  auto slash = u.find('/', host_at == std::string::npos ? 0 : host_at + 3);
  return slash == std::string::npos ? "" : u.substr(slash);
}

// A sub-path is plain segments ([A-Za-z0-9._~-], none "." or ".."), so that it is the same
// percent-decoded (the router's view) and as the proxy forwards it.
static bool plain_path(const std::string& path) {
  if (path.size() > 200) return false;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] != '/') return false;
    size_t end = path.find('/', i + 1);
    if (end == std::string::npos) end = path.size();
    std::string seg = path.substr(i + 1, end - i - 1);
    if (seg.empty() || seg == "." || seg == "..") return false;
    for (char c : seg)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '~' &&
          c != '-')
        return false;
    i = end;
  }
  return true;
}

bool Config::is_loopback(const std::string& host_port) {
  std::string h = host_port.substr(0, host_port.rfind(':'));
  return h == "localhost" || h == "[::1]" || h == "::1" || h.rfind("127.", 0) == 0;
}

void Config::validate() const {
  port();
  if (!metrics_listen.empty()) {
    auto colon = metrics_listen.rfind(':');
    if (colon == std::string::npos || colon == 0 ||
        metrics_listen.find_first_not_of("0123456789", colon + 1) != std::string::npos ||
        colon + 1 == metrics_listen.size() || metrics_listen.size() - colon > 6 ||
        std::stoi(metrics_listen.substr(colon + 1)) > 65535)
      throw std::invalid_argument("--metrics-listen must be HOST:PORT");
  }
  if (!metrics_token.empty() &&
      (metrics_token.size() < 16 || metrics_token.find_first_of(" \t\r\n") != std::string::npos))
    throw std::invalid_argument("--metrics-token must be at least 16 characters, without spaces");
  if (!public_url.empty() &&
      ((public_url.rfind("http://", 0) != 0 && public_url.rfind("https://", 0) != 0) ||
       public_url.find_first_of(" \t\r\n?#") != std::string::npos || public_url.size() > 2000))
    throw std::invalid_argument(
        "--public-url must be an http:// or https:// address without spaces, query or fragment");
  if (!plain_path(path_prefix()))
    throw std::invalid_argument(
        "--public-url's path must be plain segments (letters, digits, '.', '_', '~', '-'), "
        "at most 200 characters: https://painel.example.com/painel");
  if (host().empty()) throw std::invalid_argument("--listen must be HOST:PORT");
  if (tls_cert.empty() != tls_key.empty())
    throw std::invalid_argument("--tls-cert and --tls-key go together: give both or neither");
  if (alert_webhooks.size() > 10) throw std::invalid_argument("--alert-webhook: at most 10");
  for (auto& u : alert_webhooks) {
    bool https = u.rfind("https://", 0) == 0, http = u.rfind("http://", 0) == 0;
    size_t host_at = https ? 8 : 7;
    if ((!http && !https) || u.size() <= host_at || u[host_at] == '/' || u.size() > 2000 ||
        u.find_first_of(" \t\r\n") != std::string::npos)
      throw std::invalid_argument(
          "--alert-webhook must be an http:// or https:// URL with a host, without spaces");
  }
  if (!alert_webhook_secret.empty() && alert_webhook_secret.size() < 16)
    throw std::invalid_argument("--alert-webhook-secret must be at least 16 characters");
  if (network_threads < 1 || network_threads > 64)
    throw std::invalid_argument("--network-threads must be 1..64");
  if (max_connections < 16 || max_connections > 1000000)
    throw std::invalid_argument("--max-connections must be 16..1000000");
  if (header_timeout_ms < 100 || header_timeout_ms > 600000)
    throw std::invalid_argument("--header-timeout-ms must be 100..600000");
  if (max_body_memory_mb < 16 || max_body_memory_mb > 65536)
    throw std::invalid_argument("--max-body-memory-mb must be 16..65536");
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
  if (login_max_failures < 1 || login_account_max_failures < login_max_failures)
    throw std::invalid_argument(
        "--login-max-failures must be >= 1 and <= --login-account-max-failures");
  if (login_lock_max_s < 60 || login_lock_max_s > 86400)
    throw std::invalid_argument("--login-lock-max must be 60..86400 s");
  if (login_ip_slow_failures < 1 || login_ip_per_min < 1 || login_account_per_min < 1)
    throw std::invalid_argument("login limits must be positive");
  if (login_concurrency < 0 || login_concurrency > 256)
    throw std::invalid_argument("--login-concurrency must be 0..256");
  if (login_wait_ms < 0 || login_wait_ms > 60000)
    throw std::invalid_argument("--login-wait-ms must be 0..60000");
  if (!cognito_issuer.empty() && cognito_jwks.empty())
    throw std::invalid_argument("--cognito-issuer needs --cognito-jwks");
  if (!cognito_client_id.empty() && comma_list(cognito_client_id).empty())
    throw std::invalid_argument("--cognito-client-id names no client id");
  if (ingest_max_age_days < 1 || ingest_max_age_days > 36500)
    throw std::invalid_argument("--ingest-max-age-days must be 1..36500");
  if (!redis.empty()) parse_redis_url(redis);
}

}  // namespace painel
