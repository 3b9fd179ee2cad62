#include "cli/services.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

#include "api/cached_reads.hpp"
#include "api/denial_audit.hpp"
#include "api/routes.hpp"
#include "api/static_files.hpp"
#include "auth/token_service.hpp"
#include "cli/alerts_cmd.hpp"
#include "cli/subcommands.hpp"
#include "core/build_info.hpp"
#include "core/crypto.hpp"
#include "core/time.hpp"
#include "jobs/aggregation_job.hpp"
#include "jobs/alert_job.hpp"
#include "jobs/alert_webhooks.hpp"
#include "jobs/audit_checkpoint_job.hpp"
#include "jobs/backup_job.hpp"
#include "jobs/command_worker.hpp"
#include "jobs/metric_history_job.hpp"
#include "jobs/privacy_retention_job.hpp"
#include "jobs/runner.hpp"
#include "jobs/usage_retention_job.hpp"
#include "mail/mailer.hpp"
#include "redis/cache.hpp"
#include "redis/client.hpp"
#include "redis/rate_limit.hpp"
#include "store/api_keys.hpp"
#include "store/audit.hpp"
#include "store/private_files.hpp"

namespace painel::cli {
namespace {

// The web UI's directory: --web-dir when it holds a built UI; else, when --web-dir was left
// at its default (web/dist, a source checkout), the installed UI beside the binary
// (/usr/bin/painel → /usr/share/painel/web, as the Debian package lays it out).
std::string resolve_web_dir(const std::string& configured) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(fs::path(configured) / "index.html", ec) || configured != Config{}.web_dir)
    return configured;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return configured;
  fs::path installed = exe.parent_path().parent_path() / "share" / "painel" / "web";
  return fs::exists(installed / "index.html", ec) ? installed.string() : configured;
}

}  // namespace

Services::Services(const Config& c) : cfg(c) {
  // First: a missing or exposed master key refuses to start before the store is touched.
  std::string master_key = auth::resolve_master_key(cfg);
  metrics.set_gauge("painel_build_info", 1, build_info_labels());  // what is running, as labels
  store = store::Store::open(cfg.database,
                             {cfg.db_pool_size > 0 ? cfg.db_pool_size : cfg.handler_threads + 4,
                              cfg.db_statement_timeout_ms});
  if (store->dialect() == store::Dialect::Sqlite) {  // made before 0600 was the default
    std::string path =
        cfg.database.rfind("sqlite:", 0) == 0 ? cfg.database.substr(7) : cfg.database;
    if (store::shared_with_others(path))
      spdlog::warn("{} is readable by group or others: chmod 600 it and its -wal, -shm", path);
  }
  int v = store->schema_version();
  if (v > store->latest_version()) throw_schema_too_new(v, store->latest_version());
  instance_lock = store->try_lock_instance(false);
  if (!instance_lock)
    throw UsageError("a `painel restore` is replacing this store now: start again when it is done");
  if (v != store->latest_version()) {
    std::string bk;
    if (v > 0 && store->dialect() == store::Dialect::Sqlite) {
      std::string path =
          cfg.database.rfind("sqlite:", 0) == 0 ? cfg.database.substr(7) : cfg.database;
      bk = (std::filesystem::path(path).parent_path() / "backups" / "pre-migrate.db").string();
    } else if (v > 0 && !cfg.backup_dir.empty()) {  // PostgreSQL: a pg_dump first
      std::string stamp = format_rfc3339(wall_now_ms());
      for (auto& ch : stamp)
        if (ch == ':') ch = '-';
      bk = (std::filesystem::path(cfg.backup_dir) / ("painel-pre-migrate-" + stamp + ".dump"))
               .string();
    }
    int n = store->migrate(bk);
    spdlog::info("migrated the store: {} migration(s) applied, schema version {}{}", n,
                 store->schema_version(), bk.empty() ? "" : " (backup first: " + bk + ")");
  }
  store->set_audit_key(painel::derive_audit_key(master_key));
  store::require_audit_key_match(store->conn());
  master_key_fingerprint = jobs::backup_key_fingerprint(master_key);
  metrics.set_gauge("painel_backup_enabled", 0);
  alert_rules = load_alert_rules(cfg.alerts_file);
  alert_webhook_secret = cfg.alert_webhook_secret.empty() ? jobs::derived_webhook_secret(master_key)
                                                          : cfg.alert_webhook_secret;
  if (!cfg.redis.empty()) {  // shared by every instance; in-process fallbacks when it is down
    redis::RedisOptions ro;
    ro.pool_size = std::min(cfg.handler_threads + 2, 64);
    redis = std::make_unique<redis::RedisClient>(parse_redis_url(cfg.redis), ro, metrics);
    cache = std::make_unique<redis::RedisCache>(*redis);
    limiter = std::make_unique<redis::RedisRateLimiter>(*redis);
  } else {
    cache = std::make_unique<cache::LocalCache>(cfg.cache_max_entries);
    limiter = std::make_unique<api::LocalRateLimiter>();
  }
  reads = std::make_unique<api::CachedReads>(*cache, metrics, clock, cfg.cache_ttl_ms);
  denials = std::make_unique<api::DenialAudit>(metrics);
  tokens = std::make_unique<auth::TokenService>(cfg, *store, clock, master_key);
  command_signal = std::make_unique<jobs::CommandSignal>();
  mailer = std::make_unique<mail::Mailer>(mail::SmtpSettings{cfg.smtp_url, cfg.smtp_from}, metrics);
  if (mailer->enabled()) spdlog::info("mail: invitation and reset links are also e-mailed");
  http::Router routes = api::build_routes(
      {cfg, *store, metrics, *cache, *limiter, clock, *reads, *tokens, *command_signal,
       painel::derive_credentials_key(master_key), *mailer, alert_rules});
  std::string web_dir = resolve_web_dir(cfg.web_dir);
  auto ui = api::StaticFiles::load(web_dir, cfg.path_prefix());
  if (ui)
    spdlog::info("serving the web UI from {} ({} files) under {}/app/", web_dir, ui->file_count(),
                 cfg.path_prefix());
  else
    spdlog::warn("the web UI is not built ({} has no index.html): API only. Run `make build`.",
                 web_dir);
  auto* st = store.get();
  api::IngestKeyCheck ingest_check = [st](std::string_view key) -> std::optional<auth::IngestKey> {
    auto k = store::check_api_key(st->conn(), key);
    if (!k) return std::nullopt;
    return auth::IngestKey{std::move(k->id), std::move(k->tenant_id)};
  };
  app = std::make_unique<api::App>(
      api::ChainDeps{cfg, metrics, *limiter, clock, *tokens, std::move(ingest_check), denials.get(),
                     *reads, cfg.redis.empty()},
      std::move(routes), std::move(ui));
}

Services::~Services() = default;

void Services::start_jobs() {
  denial_flusher = std::make_unique<jobs::JobRunner>();
  denial_flusher->every("audit_denials", cfg.audit_denial_flush_ms, [this] { flush_denials(); });
  if (cfg.metrics_history_days > 0) {
    jobs::MetricHistoryOptions ho;
    ho.interval_ms = cfg.metrics_history_interval_ms;
    ho.retention_days = cfg.metrics_history_days;
    history = std::make_unique<jobs::MetricHistoryJob>(*store, metrics, clock, ho);
    spdlog::info("metric history: instance {} writes its points every {} ms, kept {} days",
                 history->instance_id(), ho.interval_ms, ho.retention_days);
    history_runner = std::make_unique<jobs::JobRunner>();
    auto* h = history.get();
    history_runner->every("metric_history", ho.interval_ms, [h] { h->flush(); });
    // Pruning: every 10 minutes (or 10 intervals when shorter, for tests), one instance.
    int prune_every = static_cast<int>(std::min<int64_t>(600000, 10 * ho.interval_ms));
    history_runner->every("metric_history_prune", prune_every, [h] { h->prune(); });
  }
  if (!cfg.jobs) return;
  start_command_worker();
  jobs::AggregationOptions ao;
  ao.cron = cfg.aggregate_cron;
  ao.dirty_interval_ms = cfg.aggregate_dirty_interval_ms;
  ao.time_zone = cfg.time_zone;
  aggregation = std::make_unique<jobs::AggregationJob>(*store, *cache, metrics, clock, ao);
  runner = std::make_unique<jobs::JobRunner>();
  auto* agg = aggregation.get();
  runner->every("usage_aggregation", 1000, [agg] { agg->tick(); });
  auto* ts = tokens.get();
  runner->every("signing_keys_reload", 60000, [ts] { ts->load_keys(); });
  audit_checkpoint = std::make_unique<jobs::AuditCheckpointJob>(*store, metrics, clock,
                                                                cfg.audit_checkpoint_interval_ms);
  auto* cp = audit_checkpoint.get();
  runner->every("audit_checkpoint", cfg.audit_checkpoint_interval_ms, [cp] { cp->tick(); });
  constexpr int kIpRetentionEveryMs = 3600000;
  ip_retention = std::make_unique<jobs::PrivacyRetentionJob>(
      *store, metrics, clock, cfg.ip_retention_days, kIpRetentionEveryMs);
  auto* ipr = ip_retention.get();
  runner->every("ip_retention", kIpRetentionEveryMs, [ipr] { ipr->tick(); });
  if (!cfg.backup_dir.empty()) {
    jobs::BackupOptions bo;
    bo.dir = cfg.backup_dir;
    bo.keep_days = cfg.backup_keep_days;
    bo.period_ms = cfg.backup_period_ms;
    bo.key_fingerprint = master_key_fingerprint;
    bo.clock_step_ms = cfg.backup_clock_step_ms;
    backup = std::make_unique<jobs::BackupJob>(*store, metrics, clock, bo);
    auto* bj = backup.get();
    runner->every("backup", cfg.backup_check_ms, [bj] { bj->tick(); });
    spdlog::info("backups: every {} h into {}, kept {} days", cfg.backup_period_ms / 3600000.0,
                 cfg.backup_dir, cfg.backup_keep_days);
  }
  constexpr int kRawRetentionEveryMs = 600000;
  raw_retention = std::make_unique<jobs::UsageRetentionJob>(
      *store, metrics, clock, cfg.raw_retention_days, kRawRetentionEveryMs);
  auto* rr = raw_retention.get();
  runner->every("raw_retention", kRawRetentionEveryMs, [rr] { rr->tick(); });
  alerts = std::make_unique<jobs::AlertJob>(
      *store, metrics, *cache, clock, alert_rules,
      jobs::AlertJobOptions{cfg.alerts_interval_ms, cfg.alert_webhooks, cfg.public_base_url()},
      history.get());
  auto* al = alerts.get();
  runner->every("alerts", cfg.alerts_interval_ms, [al] { al->tick(); });
  jobs::WebhookOptions wo;
  wo.urls = cfg.alert_webhooks;
  wo.secret = alert_webhook_secret;
  wo.retry_ms = cfg.alert_webhook_retry_ms;
  alert_webhooks = std::make_unique<jobs::WebhookSender>(*store, metrics, clock, wo);
  auto* wh = alert_webhooks.get();
  runner->every("alert_webhooks", std::min(1000, cfg.alert_webhook_retry_ms), [wh] { wh->tick(); });
}

void Services::flush_denials() {
  if (!denials) return;
  try {
    denials->flush(*store, clock.now_ms());
  } catch (const std::exception& e) {
    metrics.inc("painel_audit_denial_flush_failures_total");
    spdlog::error("audit: writing refused requests failed (kept for the next try): {}", e.what());
  }
}

void Services::start_command_worker() {
  jobs::CommandWorkerOptions o;
  o.retention_days = cfg.command_retention_days;
  command_worker = std::make_unique<jobs::CommandWorker>(*store, *cache, metrics, clock,
                                                         *command_signal, tokens.get(), o);
  command_worker->start();
}

void Services::stop_jobs() {
  if (runner) runner->stop();
  if (command_worker) command_worker->stop();
  if (denial_flusher) denial_flusher->stop();
  if (history_runner) history_runner->stop();
  if (history) try {  // the last partial minute
      history->flush();
    } catch (const std::exception& e) {
      spdlog::warn("metric history: last flush failed: {}", e.what());
    }
  flush_denials();                 // the server has drained: nothing records any more
  if (mailer) mailer->stop(5000);  // sends what the last requests queued, 5 s at most
}

}  // namespace painel::cli
