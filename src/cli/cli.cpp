#include "cli/cli.hpp"

#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/agents_cmd.hpp"
#include "cli/alerts_cmd.hpp"
#include "cli/manual.hpp"
#include "cli/subcommands.hpp"
#include "cli/users_cmd.hpp"
#include "core/build_info.hpp"
#include "core/time_zone.hpp"
#include "domain/commands.hpp"
#include "http/cors.hpp"
#include "mail/mailer.hpp"
#include "store/db.hpp"

namespace painel::cli {
namespace {

// Adds --database with its PAINEL_DATABASE fallback (flags win over env).
void database_opt(CLI::App* c, std::string& db) {
  c->add_option("--database", db, "sqlite:PATH or postgresql://URL")
      ->envname("PAINEL_DATABASE")
      ->capture_default_str();
}

// Adds --master-key and --master-key-file (and their PAINEL_* fallbacks); give one. The
// file must be readable by its owner only (auth::resolve_master_key refuses it otherwise).
void master_key_opts(CLI::App* c, Config& cfg, const std::string& what) {
  c->add_option("--master-key", cfg.master_key, what)->envname("PAINEL_MASTER_KEY");
  c->add_option("--master-key-file", cfg.master_key_file,
                "file holding the master key (mode 0600), instead of --master-key")
      ->envname("PAINEL_MASTER_KEY_FILE");
}

// --time-zone's check: a zone the tz database knows.
const CLI::Validator time_zone_name(
    [](std::string& v) -> std::string {
      return TimeZone::find(v) ? "" : "not an IANA time zone name, e.g. America/Sao_Paulo";
    },
    "ZONE");

}  // namespace

int run(int argc, char** argv) {
  // Everything painel creates (the SQLite store, its WAL and shm, backups, data/,
  // master.key, pg_dump archives) is private to the service account from the start.
  ::umask(077);
  CLI::App app{"painel — the AlquimistaAI operational panel (API, web UI, jobs, operator tools)"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "help for every command");
  app.set_version_flag("--version", build_info_line(), "print the version and exit");

  Config cfg;
  std::string db = cfg.database;

  auto* version = app.add_subcommand(
      "version", "print the version, git commit, build type and library versions");
  bool v_json = false;
  version->add_flag("--json", v_json,
                    "print {\"version\",\"commit\",\"build_type\",\"sqlite\",\"libpq\",\"boost\"}");

  auto* serve = app.add_subcommand("serve", "serve the API and web UI and run the background jobs");
  serve->add_option("--listen", cfg.listen, "HOST:PORT to listen on")
      ->envname("PAINEL_LISTEN")
      ->capture_default_str();
  serve->add_option("--database", cfg.database, "sqlite:PATH or postgresql://URL")
      ->envname("PAINEL_DATABASE")
      ->capture_default_str();
  serve->add_option("--redis", cfg.redis, "redis://HOST:PORT (shared cache and rate limits)")
      ->envname("PAINEL_REDIS");
  serve->add_option("--log-format", cfg.log_format, "json|text")
      ->envname("PAINEL_LOG_FORMAT")
      ->capture_default_str();
  serve
      ->add_option("--log-level", cfg.log_level,
                   "trace|debug|info|warn (or warning)|error|critical|off")
      ->envname("PAINEL_LOG_LEVEL")
      ->capture_default_str();
  serve->add_option("--network-threads", cfg.network_threads, "threads doing network I/O")
      ->envname("PAINEL_NETWORK_THREADS")
      ->capture_default_str();
  serve
      ->add_option("--max-connections", cfg.max_connections,
                   "open connections at most (idle ones are closed first at the cap)")
      ->envname("PAINEL_MAX_CONNECTIONS")
      ->capture_default_str();
  serve
      ->add_option("--max-body-memory-mb", cfg.max_body_memory_mb,
                   "request bodies in flight, all connections together, MiB (past it: 503)")
      ->envname("PAINEL_MAX_BODY_MEMORY_MB")
      ->capture_default_str();
  serve
      ->add_option("--header-timeout-ms", cfg.header_timeout_ms,
                   "a request head must arrive within this (slow clients are dropped)")
      ->envname("PAINEL_HEADER_TIMEOUT_MS")
      ->capture_default_str();
  serve
      ->add_option("--trusted-proxies", cfg.trusted_proxies,
                   "CIDRs of reverse proxies whose X-Forwarded-For/Forwarded is believed")
      ->envname("PAINEL_TRUSTED_PROXIES");
  serve
      ->add_option("--cors-origins", cfg.cors_origins,
                   "browser origins allowed to call the API, comma-separated exact "
                   "scheme://host[:port] (e.g. the original frontend's); none by default")
      ->envname("PAINEL_CORS_ORIGINS");
  serve
      ->add_option("--handler-threads", cfg.handler_threads, "threads running handlers and queries")
      ->envname("PAINEL_HANDLER_THREADS")
      ->capture_default_str();
  serve
      ->add_option("--db-pool-size", cfg.db_pool_size,
                   "PostgreSQL connections (0 = handler threads + 4)")
      ->envname("PAINEL_DB_POOL_SIZE")
      ->capture_default_str();
  serve
      ->add_option("--db-statement-timeout-ms", cfg.db_statement_timeout_ms,
                   "PostgreSQL statement_timeout (0 = none)")
      ->envname("PAINEL_DB_STATEMENT_TIMEOUT_MS")
      ->capture_default_str();
  serve
      ->add_option("--public-url", cfg.public_url,
                   "address people reach Painel at, for links in invitations and password "
                   "resets (default http:// + --listen)")
      ->envname("PAINEL_PUBLIC_URL");
  serve
      ->add_option("--metrics-token", cfg.metrics_token,
                   "/metrics requires `Authorization: Bearer TOKEN` (at least 16 characters)")
      ->envname("PAINEL_METRICS_TOKEN");
  serve
      ->add_option("--metrics-listen", cfg.metrics_listen,
                   "HOST:PORT of a separate listener serving only /metrics (then not on --listen)")
      ->envname("PAINEL_METRICS_LISTEN");
  serve
      ->add_option("--tls-cert", cfg.tls_cert,
                   "PEM certificate chain: serve HTTPS on --listen (with --tls-key; SIGHUP "
                   "reloads both)")
      ->envname("PAINEL_TLS_CERT");
  serve->add_option("--tls-key", cfg.tls_key, "PEM private key of --tls-cert")
      ->envname("PAINEL_TLS_KEY");
  serve->add_option("--web-dir", cfg.web_dir, "built web UI (index.html + assets)")
      ->envname("PAINEL_WEB_DIR")
      ->capture_default_str();
  master_key_opts(serve, cfg, "secret sealing signing keys and credentials at rest");
  serve->add_option("--issuer", cfg.issuer, "token issuer (iss)")
      ->envname("PAINEL_ISSUER")
      ->capture_default_str();
  serve->add_option("--client-id", cfg.client_id, "token audience / client id")
      ->envname("PAINEL_CLIENT_ID")
      ->capture_default_str();
  serve->add_option("--access-ttl", cfg.access_ttl_s, "access/id token lifetime, seconds")
      ->envname("PAINEL_ACCESS_TTL")
      ->capture_default_str();
  serve->add_option("--refresh-ttl", cfg.refresh_ttl_s, "refresh token lifetime, seconds")
      ->envname("PAINEL_REFRESH_TTL")
      ->capture_default_str();
  serve
      ->add_option("--cognito-issuer", cfg.cognito_issuer,
                   "accept tokens of this Cognito user pool")
      ->envname("PAINEL_COGNITO_ISSUER");
  serve->add_option("--cognito-jwks", cfg.cognito_jwks, "the user pool's JWKS (file path)")
      ->envname("PAINEL_COGNITO_JWKS");
  serve
      ->add_option("--cognito-client-id", cfg.cognito_client_id,
                   "the user pool's app client ids, comma-separated (access tokens' client_id, "
                   "ID tokens' aud); default --client-id")
      ->envname("PAINEL_COGNITO_CLIENT_ID");
  serve
      ->add_option("--rate-user-per-min", cfg.rate_user_per_min,
                   "sustained requests per minute per user")
      ->envname("PAINEL_RATE_USER_PER_MIN")
      ->capture_default_str();
  serve->add_option("--rate-user-burst", cfg.rate_user_burst, "burst per user")
      ->envname("PAINEL_RATE_USER_BURST")
      ->capture_default_str();
  serve
      ->add_option("--rate-tenant-per-min", cfg.rate_tenant_per_min,
                   "sustained requests per minute per tenant")
      ->envname("PAINEL_RATE_TENANT_PER_MIN")
      ->capture_default_str();
  serve->add_option("--rate-tenant-burst", cfg.rate_tenant_burst, "burst per tenant")
      ->envname("PAINEL_RATE_TENANT_BURST")
      ->capture_default_str();
  serve
      ->add_option("--login-max-failures", cfg.login_max_failures,
                   "failed logins per (account, IP) before a lock (1 min, doubling)")
      ->envname("PAINEL_LOGIN_MAX_FAILURES")
      ->capture_default_str();
  serve
      ->add_option("--login-account-max-failures", cfg.login_account_max_failures,
                   "failed logins per account across IPs before an account-wide lock")
      ->envname("PAINEL_LOGIN_ACCOUNT_MAX_FAILURES")
      ->capture_default_str();
  serve->add_option("--login-lock-max", cfg.login_lock_max_s, "longest login lock, seconds")
      ->envname("PAINEL_LOGIN_LOCK_MAX")
      ->capture_default_str();
  serve
      ->add_option("--login-ip-slow-failures", cfg.login_ip_slow_failures,
                   "failed logins per IP (15 min) before its logins are verified last")
      ->envname("PAINEL_LOGIN_IP_SLOW_FAILURES")
      ->capture_default_str();
  serve->add_option("--login-ip-per-min", cfg.login_ip_per_min, "login attempts per minute per IP")
      ->envname("PAINEL_LOGIN_IP_PER_MIN")
      ->capture_default_str();
  serve
      ->add_option("--login-account-per-min", cfg.login_account_per_min,
                   "successful logins per minute per account")
      ->envname("PAINEL_LOGIN_ACCOUNT_PER_MIN")
      ->capture_default_str();
  serve
      ->add_option("--login-concurrency", cfg.login_concurrency,
                   "password verifications at once (0 = half the cores)")
      ->envname("PAINEL_LOGIN_CONCURRENCY")
      ->capture_default_str();
  serve
      ->add_option("--login-wait-ms", cfg.login_wait_ms,
                   "longest wait for a verification slot before 503")
      ->envname("PAINEL_LOGIN_WAIT_MS")
      ->capture_default_str();
  serve
      ->add_option("--cache-ttl-ms", cfg.cache_ttl_ms,
                   "lifetime of cached read answers (0 = no caching)")
      ->envname("PAINEL_CACHE_TTL_MS")
      ->capture_default_str();
  serve  // hidden (empty group): a test knob, not an operator's setting
      ->add_option("--tenant-status-cache-ms", cfg.tenant_status_cache_ms,
                   "how long a tenant's status is cached for token checks")
      ->group("")
      ->capture_default_str()
      ->check(CLI::Range(0, 3600000));
  serve
      ->add_option("--aggregate-cron", cfg.aggregate_cron,
                   "when to aggregate the previous day (5-field cron, UTC)")
      ->envname("PAINEL_AGGREGATE_CRON")
      ->capture_default_str();
  serve
      ->add_option("--aggregate-dirty-interval-ms", cfg.aggregate_dirty_interval_ms,
                   "how often days with late events are re-aggregated")
      ->envname("PAINEL_AGGREGATE_DIRTY_INTERVAL_MS")
      ->capture_default_str()
      ->check(CLI::Range(100, 86400000));
  serve
      ->add_option("--ingest-max-age-days", cfg.ingest_max_age_days,
                   "refuse usage events that occurred longer ago than this")
      ->envname("PAINEL_INGEST_MAX_AGE_DAYS")
      ->capture_default_str()
      ->check(CLI::Range(1, 36500));
  serve->add_flag("!--no-jobs", cfg.jobs, "do not run background jobs in this process")
      ->envname("PAINEL_NO_JOBS");
  serve
      ->add_option("--command-retention-days", cfg.command_retention_days,
                   "delete finished operational commands older than this")
      ->envname("PAINEL_COMMAND_RETENTION_DAYS")
      ->capture_default_str()
      ->check(CLI::Range(1, 36500));
  serve
      ->add_option("--audit-checkpoint-interval-ms", cfg.audit_checkpoint_interval_ms,
                   "how often a checkpoint row signs the audit chain's count and head")
      ->envname("PAINEL_AUDIT_CHECKPOINT_INTERVAL_MS")
      ->capture_default_str()
      ->check(CLI::Range(100, 86400000));
  serve
      ->add_option("--audit-denial-flush-ms", cfg.audit_denial_flush_ms,
                   "how often refused requests (401/403), aggregated per minute, are audited")
      ->envname("PAINEL_AUDIT_DENIAL_FLUSH_MS")
      ->capture_default_str()
      ->check(CLI::Range(100, 3600000));
  serve
      ->add_option("--ip-retention-days", cfg.ip_retention_days,
                   "remove IP addresses from sessions and audit rows after this many days (LGPD)")
      ->envname("PAINEL_IP_RETENTION_DAYS")
      ->capture_default_str()
      ->check(CLI::Range(1, 36500));
  serve
      ->add_option("--metrics-history-days", cfg.metrics_history_days,
                   "keep the metric history (1-minute points behind the Monitoring dashboards) "
                   "this many days; 0 = do not record it")
      ->envname("PAINEL_METRICS_HISTORY_DAYS")
      ->capture_default_str()
      ->check(CLI::Range(0, 3650));
  serve
      ->add_option("--metrics-history-interval-ms", cfg.metrics_history_interval_ms,
                   "how often this instance writes its metric history points (tests shorten it)")
      ->envname("PAINEL_METRICS_HISTORY_INTERVAL_MS")
      ->capture_default_str()
      ->check(CLI::Range(100, 60000));
  serve
      ->add_option("--raw-retention-days", cfg.raw_retention_days,
                   "delete raw usage events of days older than this (SQLite: in batches; "
                   "PostgreSQL: whole day partitions; daily rows are kept; 0 = keep forever)")
      ->envname("PAINEL_RAW_RETENTION_DAYS")
      ->capture_default_str()
      ->check(CLI::Range(0, 36500));
  serve
      ->add_option("--time-zone", cfg.time_zone,
                   "the platform's IANA time zone: the days of staff-wide figures (usage "
                   "overview, billing, the tenants list); each tenant's own figures use its zone")
      ->envname("PAINEL_TIME_ZONE")
      ->capture_default_str()
      ->check(time_zone_name);

  serve
      ->add_option("--smtp-url", cfg.smtp_url,
                   "also e-mail invitation and reset links through this SMTP server: "
                   "smtp://HOST[:PORT] or smtps://[USER:PASSWORD@]HOST[:PORT]")
      ->envname("PAINEL_SMTP_URL");
  serve
      ->add_option("--smtp-from", cfg.smtp_from,
                   "the sender of those e-mails: ADDRESS or \"NAME <ADDRESS>\"")
      ->envname("PAINEL_SMTP_FROM");

  serve
      ->add_option("--backup-dir", cfg.backup_dir,
                   "write a verified backup of the store here once a day (off when empty; "
                   "docs/operations.md, \"Backups\")")
      ->envname("PAINEL_BACKUP_DIR");
  serve
      ->add_option("--backup-keep-days", cfg.backup_keep_days,
                   "remove backups older than this many days (the newest always stays)")
      ->envname("PAINEL_BACKUP_KEEP_DAYS")
      ->capture_default_str()
      ->check(CLI::Range(1, 36500));
  serve  // hidden (empty group): test knobs, not an operator's settings
      ->add_option("--backup-period-ms", cfg.backup_period_ms, "time between backups")
      ->group("")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{86400000} * 366));
  serve->add_option("--backup-check-ms", cfg.backup_check_ms, "how often the backup job looks")
      ->group("")
      ->capture_default_str()
      ->check(CLI::Range(50, 86400000));
  serve
      ->add_option("--backup-clock-step-ms", cfg.backup_clock_step_ms,
                   "the backup job's clock moves on this much at each look")
      ->group("")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{86400000} * 366));
  serve
      ->add_option("--alerts", cfg.alerts_file,
                   "JSON file of alert rules over the shipped ones (docs/operations.md, Alerts)")
      ->envname("PAINEL_ALERTS");
  serve
      ->add_option("--alerts-interval-ms", cfg.alerts_interval_ms,
                   "how often one instance evaluates the alert rules")
      ->envname("PAINEL_ALERTS_INTERVAL_MS")
      ->capture_default_str()
      ->check(CLI::Range(100, 3600000));
  serve
      ->add_option("--alert-webhook", cfg.alert_webhooks,
                   "POST alert notifications (JSON, signed) to this http(s) URL; repeatable")
      ->envname("PAINEL_ALERT_WEBHOOK")
      ->delimiter(',');
  serve
      ->add_option("--alert-webhook-secret", cfg.alert_webhook_secret,
                   "HMAC-SHA-256 key of X-Painel-Signature (default: derived from the master "
                   "key; `painel alerts webhook-secret` prints it)")
      ->envname("PAINEL_ALERT_WEBHOOK_SECRET");
  serve
      ->add_option("--alert-webhook-retry-ms", cfg.alert_webhook_retry_ms,
                   "first retry of a failed webhook delivery (doubles; 5 attempts)")
      ->envname("PAINEL_ALERT_WEBHOOK_RETRY_MS")
      ->capture_default_str()
      ->check(CLI::Range(100, 3600000));

  std::string approval_types;
  serve
      ->add_option("--require-approval", approval_types,
                   "command types that wait for a second INTERNAL_ADMIN's approval "
                   "(comma-separated, e.g. SUSPEND_TENANT,RESET_TOKEN)")
      ->envname("PAINEL_REQUIRE_APPROVAL");

  auto* worker = app.add_subcommand("worker", "run only the operational command worker (no HTTP)");
  worker->add_option("--database", cfg.database, "sqlite:PATH or postgresql://URL")
      ->envname("PAINEL_DATABASE")
      ->capture_default_str();
  worker->add_option("--redis", cfg.redis, "redis://HOST:PORT (invalidate the shared cache)")
      ->envname("PAINEL_REDIS");
  worker->add_option("--log-format", cfg.log_format, "json|text")
      ->envname("PAINEL_LOG_FORMAT")
      ->capture_default_str();
  worker
      ->add_option("--log-level", cfg.log_level,
                   "trace|debug|info|warn (or warning)|error|critical|off")
      ->envname("PAINEL_LOG_LEVEL")
      ->capture_default_str();
  master_key_opts(worker, cfg, "secret sealing signing keys and credentials at rest");
  worker
      ->add_option("--command-retention-days", cfg.command_retention_days,
                   "delete finished operational commands older than this")
      ->envname("PAINEL_COMMAND_RETENTION_DAYS")
      ->capture_default_str()
      ->check(CLI::Range(1, 36500));

  auto* migrate = app.add_subcommand(
      "migrate", "bring the schema up to date (a backup first: SQLite a copy, PostgreSQL pg_dump)");
  database_opt(migrate, db);
  MigrateArgs m_args;
  migrate->add_flag("--status", m_args.status,
                    "list the applied and pending versions; change nothing");
  migrate->add_flag("--no-backup", m_args.no_backup,
                    "no backup before migrating (SQLite: the copy in backups/ beside the "
                    "database; PostgreSQL: the pg_dump): you took one yourself");
  migrate->add_option("--to", m_args.to, "apply the migrations up to this version only")
      ->check(CLI::Range(1, 100000));
  migrate
      ->add_option("--backup-dir", m_args.backup_dir,
                   "PostgreSQL: where the pre-migration pg_dump goes (default: the current "
                   "directory)")
      ->envname("PAINEL_BACKUP_DIR");

  auto* tenants = app.add_subcommand("tenants", "manage tenants");
  tenants->require_subcommand(1);
  auto* tcreate = tenants->add_subcommand("create", "create a tenant; prints its id");
  TenantArgs t_args;
  std::string t_id, t_status_filter = "all";
  auto tenant_opts = [&](CLI::App* sub, bool create) {
    database_opt(sub, db);
    auto* name = sub->add_option("--name", t_args.name, "company name (1..200 characters)");
    if (create) name->required();
    sub->add_option("--plan", t_args.plan,
                    create ? "starter|professional|enterprise (default starter)"
                           : "starter|professional|enterprise (the MRR follows from now on)");
    sub->add_option("--segment", t_args.segment, "business segment (default outros)");
    sub->add_option("--time-zone", t_args.time_zone,
                    create
                        ? "IANA time zone of the tenant's days (default America/Sao_Paulo)"
                        : "IANA time zone of the tenant's days (for events ingested from now on)");
    sub->add_option("--max-agents", t_args.max_agents, "active agents allowed, or 'plan'");
    sub->add_option("--max-users", t_args.max_users, "users allowed, or 'plan'");
    sub->add_option("--max-requests-per-month", t_args.max_requests_per_month,
                    "requests a month allowed, or 'plan'");
    sub->add_flag("--json", t_args.json, "print the tenant as JSON");
  };
  tenant_opts(tcreate, true);
  tcreate->add_option("--cnpj", t_args.cnpj, "CNPJ, with or without punctuation");
  tcreate->add_option("--status", t_args.status, "trial|active (default active)");
  auto* tupdate = tenants->add_subcommand(
      "update",
      "change a tenant's name, segment, plan, time zone or limits (status: the commands)");
  tenant_opts(tupdate, false);
  tupdate->add_option("id", t_id, "tenant id")->required();
  auto* tlist = tenants->add_subcommand("list", "list tenants (id, status, plan, name)");
  bool tl_json = false;
  database_opt(tlist, db);
  tlist->add_option("--status", t_status_filter, "active|trial|suspended|inactive|all")
      ->capture_default_str()
      ->check(CLI::IsMember({"active", "trial", "suspended", "inactive", "all"}));
  tlist->add_flag("--json", tl_json, "print {\"tenants\":[…],\"total\"}");

  auto* contracts = app.add_subcommand("contracts", "a tenant's contracted agents");
  contracts->require_subcommand(1);
  std::string k_tenant_id, k_agent_id, k_status = "active", k_config;
  bool k_json = false;
  auto contract_opts = [&](CLI::App* sub) {
    database_opt(sub, db);
    sub->add_option("--tenant", k_tenant_id, "tenant id")->required();
    sub->add_option("--agent", k_agent_id, "catalog agent id")->required();
    sub->add_flag("--json", k_json, "print the contract as JSON");
  };
  auto* cset = contracts->add_subcommand("set", "contract an agent, or change its contract");
  contract_opts(cset);
  cset->add_option("--status", k_status, "active|inactive")->capture_default_str();
  cset->add_option("--config", k_config, "the contract's configuration, a JSON object");
  auto* cend = contracts->add_subcommand("end", "end a contract (its usage history stays)");
  contract_opts(cend);

  AgentsCli agents_cli(app, [&](CLI::App* c) { database_opt(c, db); });

  UsersCli users_cli(app, [&](CLI::App* c) { database_opt(c, db); });

  auto* keys = app.add_subcommand("keys", "ingest API keys and token signing keys");
  keys->require_subcommand(1);
  auto* kcreate = keys->add_subcommand("create", "create an ingest API key; prints it once");
  std::string k_name, k_id, k_tenant;
  database_opt(kcreate, db);
  kcreate->add_option("--name", k_name, "what the key is for")->required();
  kcreate->add_option("--tenant", k_tenant,
                      "scope the key to this tenant id (default: a global key, any tenant)");
  auto* krevoke = keys->add_subcommand("revoke", "revoke an ingest API key");
  database_opt(krevoke, db);
  krevoke->add_option("id", k_id, "key id or prefix")->required();

  auto* krotate = keys->add_subcommand(
      "rotate-signing", "start signing tokens with a new key (old one stays published)");
  Config rot;
  krotate->add_option("--database", rot.database, "sqlite:PATH or postgresql://URL")
      ->envname("PAINEL_DATABASE")
      ->capture_default_str();
  master_key_opts(krotate, rot, "the master key the server uses");
  krotate
      ->add_option("--access-ttl", rot.access_ttl_s,
                   "access token lifetime, seconds (how long the old key stays published)")
      ->envname("PAINEL_ACCESS_TTL")
      ->capture_default_str();

  auto* incidents = app.add_subcommand("incidents", "open, resolve and list incidents");
  incidents->require_subcommand(1);
  std::string i_severity, i_title, i_description, i_tenant, i_id, i_status = "all";
  int64_t i_limit = 50;
  bool i_json = false;
  auto* iopen = incidents->add_subcommand("open", "open an incident; prints its id");
  database_opt(iopen, db);
  iopen->add_option("--severity", i_severity, "info|warning|error|critical")->required();
  iopen->add_option("--title", i_title, "short title (1..200 characters)")->required();
  iopen->add_option("--description", i_description, "what happened");
  iopen->add_option("--tenant", i_tenant,
                    "tenant id (default: a global incident every tenant sees)");
  iopen->add_flag("--json", i_json, "print the incident as JSON");
  auto* iresolve =
      incidents->add_subcommand("resolve", "resolve an incident (a no-op if resolved)");
  database_opt(iresolve, db);
  iresolve->add_option("id", i_id, "incident id")->required();
  iresolve->add_flag("--json", i_json, "print the incident as JSON");
  auto* ilist = incidents->add_subcommand("list", "list incidents, newest first");
  database_opt(ilist, db);
  ilist->add_option("--status", i_status, "open|resolved|all")->capture_default_str();
  ilist->add_option("--tenant", i_tenant, "only this tenant's incidents");
  ilist->add_option("--limit", i_limit, "at most this many")->capture_default_str();
  ilist->add_flag("--json", i_json, "print {\"incidents\":[…],\"total\"} as JSON");

  auto* alerts_app = app.add_subcommand("alerts", "built-in alert tools");
  alerts_app->require_subcommand(1);
  auto* asecret = alerts_app->add_subcommand(
      "webhook-secret", "print the secret alert webhooks are signed with (X-Painel-Signature)");
  Config a_cfg;
  database_opt(asecret, a_cfg.database);
  master_key_opts(asecret, a_cfg, "the master key the server uses");
  asecret
      ->add_option("--alert-webhook-secret", a_cfg.alert_webhook_secret,
                   "the secret serve is given, if any")
      ->envname("PAINEL_ALERT_WEBHOOK_SECRET");

  auto* mail_app = app.add_subcommand("mail", "e-mail (SMTP) tools");
  mail_app->require_subcommand(1);
  auto* mtest = mail_app->add_subcommand(
      "test", "send a test message with the SMTP settings serve would use; exit 1 if refused");
  std::string m_url, m_from, m_to, m_lang = "pt-BR";
  bool m_json = false;
  mtest->add_option("--to", m_to, "recipient address")->required();
  mtest
      ->add_option("--smtp-url", m_url, "smtp://HOST[:PORT] or smtps://[USER:PASSWORD@]HOST[:PORT]")
      ->envname("PAINEL_SMTP_URL");
  mtest->add_option("--smtp-from", m_from, "sender: ADDRESS or \"NAME <ADDRESS>\"")
      ->envname("PAINEL_SMTP_FROM");
  mtest->add_option("--lang", m_lang, "pt-BR|en")->capture_default_str();
  mtest->add_flag("--json", m_json, "print {\"to\",\"sent\":true}");
  auto* privacy = app.add_subcommand("privacy", "personal data (LGPD) maintenance");
  privacy->require_subcommand(1);
  int p_days = 180;
  bool p_json = false;
  auto* pretention = privacy->add_subcommand(
      "retention", "remove IP addresses older than --days from sessions and audit rows, now");
  database_opt(pretention, db);
  pretention->add_option("--days", p_days, "keep IPs this many days (0: remove them all)")
      ->envname("PAINEL_IP_RETENTION_DAYS")
      ->capture_default_str();
  pretention->add_flag("--json", p_json, "print {\"before\",\"audit_ips\",\"session_ips\"}");

  auto* demo = app.add_subcommand("demo", "fill an empty store with realistic demo data");
  int d_tenants = 50, d_days = 90;
  uint64_t d_seed = 42;
  database_opt(demo, db);
  demo->add_option("--tenants", d_tenants, "number of tenants")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  demo->add_option("--days", d_days, "days of usage history")
      ->capture_default_str()
      ->check(CLI::Range(1, 3650));
  demo->add_option("--seed", d_seed, "random seed (same seed, same data)")->capture_default_str();

  auto* aggregate = app.add_subcommand("aggregate", "run the daily usage aggregation (backfill)");
  std::string a_from, a_to, a_zone(kDefaultTimeZone);
  database_opt(aggregate, db);
  aggregate->add_option("--from", a_from,
                        "first day, YYYY-MM-DD: a date of each tenant's own zone, as the daily "
                        "rows are (default: yesterday in --time-zone)");
  aggregate->add_option("--to", a_to, "last day, YYYY-MM-DD (default: --from)");
  aggregate
      ->add_option("--time-zone", a_zone,
                   "the platform's IANA time zone, whose yesterday is the default --from")
      ->envname("PAINEL_TIME_ZONE")
      ->capture_default_str()
      ->check(time_zone_name);
  bool a_dirty = false;
  aggregate
      ->add_flag("--dirty", a_dirty,
                 "fold only the new events of the days marked dirty, as the serve job does "
                 "every interval (incremental), instead of rebuilding days")
      ->excludes("--from")
      ->excludes("--to");
  bool a_rollup = false;
  aggregate
      ->add_flag("--rollup", a_rollup,
                 "rebuild the platform usage rollup (the overview's per-day sums) from the "
                 "daily rows, every day, as the serve job's backfill does; for daily rows "
                 "written behind the aggregation's back")
      ->excludes("--from")
      ->excludes("--to")
      ->excludes("--dirty");

  auto* routes = app.add_subcommand("routes", "print the route table and who may call each route");
  bool r_md = false;
  routes->add_flag("--markdown", r_md, "as the Markdown matrix of docs/permissions.md");

  auto* smoke = app.add_subcommand("smoke", "post-deploy smoke tests against a running instance");
  std::string s_url, s_email, s_password, s_cacert;
  smoke->add_option("--url", s_url, "base URL, e.g. http://127.0.0.1:8080")->required();
  smoke->add_option("--cacert", s_cacert,
                    "PEM CA certificates to trust for an https:// --url (default: the system's)");
  smoke->add_option("--email", s_email, "also log in as this user")->envname("PAINEL_SMOKE_EMAIL");
  smoke->add_option("--password", s_password, "that user's password")
      ->envname("PAINEL_SMOKE_PASSWORD");

  auto* backup = app.add_subcommand(
      "backup",
      "write a consistent snapshot of the store to FILE and verify it (PostgreSQL: pg_dump -Fc)");
  std::string file;
  bool b_check = false;
  database_opt(backup, db);
  backup->add_option("file", file, "snapshot file")->required();
  backup->add_flag("--check", b_check,
                   "only verify an existing FILE (integrity, schema version, row counts); "
                   "exit 1 when it is not usable");
  auto* restore = app.add_subcommand("restore",
                                     "replace the store's content with a snapshot (PostgreSQL: "
                                     "pg_restore --clean of a pg_dump -Fc archive)");
  RestoreArgs r_args;
  database_opt(restore, db);
  restore->add_option("file", file, "snapshot file")->required()->check(CLI::ExistingFile);
  restore->add_flag("--force", r_args.force,
                    "restore even while a server or worker uses the store (they keep running "
                    "on the replaced data)");
  restore->add_flag("--yes", r_args.yes, "do not ask (needed when stdin is not a terminal)");
  restore
      ->add_option("--keep-dir", r_args.keep_dir,
                   "keep the replaced store here (default: backups/ beside a SQLite store, "
                   "else the current directory)")
      ->envname("PAINEL_BACKUP_DIR");
  restore->footer(
      "Refuses (exit 2) while a painel serve or worker holds the store, unless --force.\n"
      "Shows the backup's time and row counts (its .json manifest) beside the store's, asks\n"
      "on a terminal, keeps the replaced store as a backup, then restores. See\n"
      "docs/operations.md, \"Restore and rollback\".");

  auto* copy = app.add_subcommand(
      "copy", "copy an embedded (SQLite) deployment into PostgreSQL and verify it");
  std::string c_from, c_to;
  bool c_force = false;
  copy->add_option("--from", c_from, "sqlite:PATH, opened read-only (schema must be current)")
      ->required();
  copy->add_option("--to", c_to, "postgresql://URL, migrated first; must hold no data")->required();
  copy->add_flag("--force", c_force,
                 "empty every table of the target first (its data and audit log are lost)");
  copy->footer(
      "Copies every table of the schema (parents first, batched, one target transaction: a\n"
      "failure leaves the target as it was), resets the target's sequences, then prints the\n"
      "row counts of each table on both sides and checks the audit log's hash chain.\n"
      "Progress goes to stderr (a bar on a terminal). Serve the copy with the same\n"
      "--master-key. Exit 0: verified; 1: a count differs or the copy failed; 2: refused\n"
      "(missing source, old schema, target not empty). See docs/operations.md.");

  auto* man =
      app.add_subcommand("man", "print the manual page (roff), made from these definitions");
  auto* completion =
      app.add_subcommand("completion", "print the bash completion script for painel");

  // `painel frobnicate`: say so plainly, not CLI11's "arguments were not expected".
  if (argc > 1 && argv[1][0] != '-') {
    bool known = false;
    for (auto* sub : app.get_subcommands([](CLI::App*) { return true; }))
      known = known || sub->check_name(argv[1]);
    if (!known) {
      std::cerr << "painel: unknown command " << argv[1] << " (see painel --help)\n";
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "painel: " << e.what() << " (see painel --help)\n";
    return 2;
  }

  try {
    if (*serve) {
      cfg.require_approval = domain::parse_approval_types(approval_types);
      cfg.validate();
      http::Cors::parse(cfg.cors_origins);  // a bad origin: exit 2 before anything starts
      mail::validate_settings({cfg.smtp_url, cfg.smtp_from});
      // A bad rules file: exit 2 before anything starts.
      for (auto& r : load_alert_rules(cfg.alerts_file))
        if (r.scope == "tenant" && cfg.metrics_history_days == 0)
          throw std::invalid_argument("--alerts " + cfg.alerts_file + ": rule \"" + r.name +
                                      "\": scope \"tenant\" reads the metric history: it "
                                      "needs --metrics-history-days above 0");
      return cmd_serve(cfg);
    }
    if (*version) return cmd_version(v_json);
    if (*man) {
      std::cout << man_page(app);
      return 0;
    }
    if (*completion) {
      std::cout << bash_completion(app);
      return 0;
    }
    if (*worker) return cmd_worker(cfg);
    if (*migrate) return cmd_migrate(db, m_args);
    if (*tcreate) return cmd_tenants_create(db, t_args);
    if (*tupdate) return cmd_tenants_update(db, t_id, t_args);
    if (*tlist) return cmd_tenants_list(db, t_status_filter, tl_json);
    if (*cset) return cmd_contracts_set(db, k_tenant_id, k_agent_id, k_status, k_config, k_json);
    if (*cend) return cmd_contracts_end(db, k_tenant_id, k_agent_id, k_json);
    if (auto rc = agents_cli.run(db)) return *rc;
    if (auto rc = users_cli.run(db)) return *rc;
    if (*kcreate) return cmd_keys_create(db, k_name, k_tenant);
    if (*krevoke) return cmd_keys_revoke(db, k_id);
    if (*krotate) return cmd_keys_rotate_signing(rot);
    if (*iopen) return cmd_incidents_open(db, i_severity, i_title, i_description, i_tenant, i_json);
    if (*iresolve) return cmd_incidents_resolve(db, i_id, i_json);
    if (*ilist) return cmd_incidents_list(db, i_status, i_tenant, i_limit, i_json);
    if (*asecret) return cmd_alerts_webhook_secret(a_cfg);
    if (*mtest) return cmd_mail_test(m_url, m_from, m_to, m_lang, m_json);
    if (*pretention) return cmd_privacy_retention(db, p_days, p_json);
    if (*demo) return cmd_demo(db, d_tenants, d_days, d_seed);
    if (*aggregate)
      return a_rollup  ? cmd_aggregate_rollup(db)
             : a_dirty ? cmd_aggregate_dirty(db)
                       : cmd_aggregate(db, a_from, a_to, a_zone);
    if (*routes) return cmd_routes(r_md);
    if (*smoke) return cmd_smoke(s_url, s_email, s_password, s_cacert);
    if (*backup) return b_check ? cmd_backup_check(db, file) : cmd_backup(db, file);
    if (*restore) return cmd_restore(db, file, r_args);
    if (*copy) return cmd_copy(c_from, c_to, c_force);
  } catch (const UsageError& e) {
    std::cerr << "painel: " << e.what() << "\n";
    return 2;
  } catch (const std::invalid_argument& e) {
    std::cerr << "painel: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "painel: error: " << e.what() << "\n";
    return 1;
  }
  return 2;
}

}  // namespace painel::cli
