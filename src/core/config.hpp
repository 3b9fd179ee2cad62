#pragma once
// The immutable configuration of a `painel serve` process, built once from flags and
// PAINEL_* environment variables (flags win) and validated at start-up.
#include <algorithm>
#include <cstdint>
#include <string>
#include <thread>

namespace painel {

struct Config {
  std::string listen = "127.0.0.1:8080";
  std::string database = "sqlite:./data/painel.db";
  std::string redis;  // empty = in-process cache and rate limits
  std::string log_format = "json";
  std::string log_level = "info";
  int network_threads = 2;
  // Twice the cores, at least 4: handlers mostly run SQLite on this machine's CPUs, and
  // more threads than that only added context switches and per-thread page caches (on 2
  // cores, 4 threads served 25-40 % more uncached requests/s than 8, with lower p99).
  int handler_threads = std::max(4, 2 * static_cast<int>(std::thread::hardware_concurrency()));
  int db_pool_size = 0;                // PostgreSQL connections; 0 = handler_threads + 4
  int db_statement_timeout_ms = 5000;  // PostgreSQL statement_timeout; 0 = none
  std::string web_dir = "web/dist";

  // Identity
  std::string master_key;       // secret for sealing private keys/credentials (PAINEL_MASTER_KEY)
  std::string master_key_file;  // or a file holding it, mode 0600 (PAINEL_MASTER_KEY_FILE)
  std::string issuer = "http://127.0.0.1:8080";
  std::string client_id = "painel-web";
  int access_ttl_s = 900;
  int refresh_ttl_s = 30 * 24 * 3600;
  std::string cognito_issuer, cognito_jwks, cognito_client_id;

  // Rate limits (token buckets): sustained per minute and burst.
  int rate_user_per_min = 600;
  int rate_user_burst = 120;
  int rate_tenant_per_min = 3000;
  int rate_tenant_burst = 600;
  int login_max_failures = 5;  // per e-mail and per IP within the window
  int login_window_s = 900;

  // Cache
  int cache_ttl_ms = 5000;
  size_t cache_max_entries = 50000;

  // Jobs
  bool jobs = true;
  std::string aggregate_cron = "5 0 * * *";  // UTC; aggregates the previous day
  int aggregate_dirty_interval_ms = 10000;   // late events re-aggregated this often  // run the
                                             // worker/aggregation/retention inside serve
  int command_retention_days = 90;           // finished operational commands kept this long

  // Ingestion: an event whose occurred_at is older than this is refused (400). Raw events
  // have no retention of their own; this bounds how far back a late batch can reach.
  int ingest_max_age_days = 400;

  std::string host() const { return listen.substr(0, listen.rfind(':')); }
  uint16_t port() const;
  // Throws std::invalid_argument with a one-line message on a bad setting.
  void validate() const;
};

}  // namespace painel
