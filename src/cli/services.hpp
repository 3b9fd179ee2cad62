#pragma once
// Everything a serving process owns, wired once: store, metrics, cache, rate limiter,
// identity, the application with its routes, and the background jobs. Tests build the
// same object, so what they exercise is what production runs.
#include <memory>

#include "api/app.hpp"
#include "cache/response_cache.hpp"
#include "core/config.hpp"
#include "domain/alerts.hpp"
#include "store/store.hpp"

namespace painel::redis {
class RedisClient;
}
namespace painel::api {
class DenialAudit;
class CachedReads;
}  // namespace painel::api
namespace painel::auth {
class TokenService;
}
namespace painel::mail {
class Mailer;
}
namespace painel::jobs {
class JobRunner;
class CommandSignal;
class CommandWorker;
class AggregationJob;
class AuditCheckpointJob;
class PrivacyRetentionJob;
class MetricHistoryJob;
class BackupJob;
class UsageRetentionJob;
class AlertJob;
class WebhookSender;
}  // namespace painel::jobs

namespace painel::cli {

struct Services {
  explicit Services(const Config& cfg);
  ~Services();
  void start_jobs();
  void stop_jobs();
  void start_command_worker();  // part of start_jobs(); alone for `painel worker`
  void flush_denials();         // writes the refused requests buffered by the app

  Config cfg;
  SystemClock clock;
  std::vector<domain::AlertRule> alert_rules;  // shipped + --alerts FILE
  std::string alert_webhook_secret;            // --alert-webhook-secret or derived
  std::unique_ptr<store::Store> store;
  obs::Metrics metrics;
  std::unique_ptr<redis::RedisClient>
      redis;  // with --redis; outlives the cache and limiter using it
  std::unique_ptr<cache::ResponseCache> cache;
  std::unique_ptr<api::RateLimiter> limiter;
  std::unique_ptr<auth::TokenService> tokens;
  std::unique_ptr<api::DenialAudit> denials;  // outlives the app that records into it
  std::unique_ptr<jobs::CommandSignal> command_signal;
  std::unique_ptr<mail::Mailer> mailer;     // outlives the routes that queue mail on it
  std::unique_ptr<api::CachedReads> reads;  // the answer cache as the routes and the app read it
  std::unique_ptr<api::App> app;
  std::unique_ptr<jobs::AggregationJob> aggregation;
  std::unique_ptr<jobs::AuditCheckpointJob> audit_checkpoint;
  std::unique_ptr<jobs::PrivacyRetentionJob> ip_retention;
  std::unique_ptr<jobs::BackupJob> backup;  // with --backup-dir
  // Held for the process's life: `painel restore` refuses while it is (store/store.hpp).
  std::unique_ptr<store::InstanceLock> instance_lock;
  std::string master_key_fingerprint;
  std::unique_ptr<jobs::UsageRetentionJob> raw_retention;
  std::unique_ptr<jobs::MetricHistoryJob> history;  // also with --no-jobs: every instance's own;
  // before `alerts`, which reads it, so it is destroyed after
  std::unique_ptr<jobs::JobRunner> history_runner;
  std::unique_ptr<jobs::AlertJob> alerts;
  std::unique_ptr<jobs::WebhookSender> alert_webhooks;
  std::unique_ptr<jobs::JobRunner> runner;
  std::unique_ptr<jobs::JobRunner>
      denial_flusher;  // also with --no-jobs: it drains the app's buffer
  std::unique_ptr<jobs::CommandWorker> command_worker;  // last: stopped before the rest
};

}  // namespace painel::cli
