#include "obs/metric_catalog.hpp"

#include <array>

namespace painel::obs {
namespace {

using enum MetricType;

// Grouped as an operator reads them: HTTP, auth, store and cache, commands, jobs, mail,
// Redis, ingestion, integrations, the registry itself, then the process.
constexpr std::array kCatalog = {
    // --- HTTP (per route slot: rendered from the route table's counters) ---
    MetricFamily{"painel_http_requests_total", Counter,
                 "HTTP requests answered, by route pattern (\"static\" for the web UI, "
                 "\"unmatched\" for no route), method and status.",
                 "route,method,status"},
    MetricFamily{"painel_http_request_duration_seconds", Histogram,
                 "Time from a request's arrival in the chain to its answer, by route.",
                 "route,method"},
    MetricFamily{"painel_http_store_statements_total", Counter,
                 "Store statements (SQL) sent while answering, by route: divided by "
                 "painel_http_request_duration_seconds_count, the statements per request.",
                 "route,method"},
    MetricFamily{"painel_connections_total", Counter,
                 "TCP connections: accepted, refused at the cap, or evicted (idle) to admit one.",
                 "result", "accepted|refused|evicted"},
    MetricFamily{"painel_body_budget_rejections_total", Counter,
                 "Requests refused (503) because request bodies in flight reached "
                 "--max-body-memory-mb."},
    MetricFamily{"painel_tls_handshake_failures_total", Counter,
                 "TLS handshakes that failed or timed out (--tls-cert): old protocol versions, "
                 "no shared cipher, untrusting clients, stalled handshakes."},
    MetricFamily{"painel_tls_reloads_total", Counter,
                 "Reloads of --tls-cert/--tls-key on SIGHUP; a failed one keeps the pair "
                 "being served.",
                 "result", "ok|failed"},
    MetricFamily{"painel_streamed_answers_total", Counter,
                 "Answers sent piece by piece (CSV exports): complete, or cut (the client "
                 "stopped reading past the write timeout or left, the producer failed, or "
                 "the server was stopping).",
                 "result", "complete|cut"},
    MetricFamily{"painel_internal_errors_total", Counter,
                 "Unexpected errors answered 500 (a bug or an unhandled condition)."},
    MetricFamily{"painel_rate_limited_total", Counter,
                 "Requests refused with 429 by the per-user or per-tenant rate limit."},
    // --- authentication and audit ---
    MetricFamily{"painel_auth_rejections_total", Counter,
                 "Requests refused with 401 for a missing or invalid bearer token."},
    MetricFamily{"painel_auth_denials_total", Counter, "Refused requests (401/403) by reason.",
                 "reason", "missing_token|bad_token|bad_ingest_key|forbidden"},
    MetricFamily{"painel_auth_denials_overflow_total", Counter,
                 "Denials merged into the catch-all audit row because too many keys were "
                 "pending."},
    MetricFamily{"painel_audit_denial_rows_total", Counter,
                 "Aggregated denial rows written to the audit log."},
    MetricFamily{"painel_audit_denial_flush_failures_total", Counter,
                 "Failed writes of aggregated denials to the audit log."},
    MetricFamily{"painel_audit_checkpoints_total", Counter,
                 "Signed checkpoints written over the audit chain."},
    MetricFamily{"painel_audit_checkpoint_failures_total", Counter,
                 "Audit checkpoint runs that failed (the chain could not be verified or "
                 "signed)."},
    MetricFamily{"painel_login_refused_total", Counter,
                 "Logins refused before or after the "
                 "password check, by reason.",
                 "reason", "ip_rate|locked|busy|account_rate"},
    MetricFamily{"painel_session_cookie_refused_total", Counter,
                 "Cookie-mode /auth requests refused as possibly cross-site (no "
                 "X-Painel-Session header, not JSON, another Origin or site)."},
    MetricFamily{"painel_login_verifications_in_flight", Gauge,
                 "Password verifications running now."},
    MetricFamily{"painel_login_verifications_in_flight_max", Gauge,
                 "Most password verifications that ran at once since start."},
    MetricFamily{"painel_login_verifications_capacity", Gauge,
                 "Password verifications allowed at once (--login-concurrency)."},
    // --- store and cache ---
    MetricFamily{"painel_store_errors_total", Counter,
                 "Store errors that reached a request: busy/unavailable (503) or other (500).",
                 "kind", "busy|other"},
    MetricFamily{"painel_cache_requests_total", Counter, "Response cache lookups by result.",
                 "result", "hit|miss"},
    MetricFamily{"painel_idempotency_total", Counter,
                 "Idempotency-Key outcomes other than a first claim.", "result",
                 "replay|in_flight|mismatch"},
    // --- operational commands ---
    MetricFamily{"painel_commands_created_total", Counter, "Operational commands created, by type.",
                 "type"},
    MetricFamily{"painel_commands_finished_total", Counter,
                 "Operational commands finished by the worker, by type and status.", "type,status"},
    MetricFamily{"painel_command_run_seconds_total", Counter,
                 "Time the worker spent running commands, by type.", "type", "", true, 0.001},
    MetricFamily{"painel_commands_cancelled_total", Counter, "Operational commands cancelled."},
    MetricFamily{"painel_commands_approval_total", Counter,
                 "Four-eyes decisions on commands awaiting approval.", "decision",
                 "approved|rejected|expired"},
    MetricFamily{"painel_commands_recovered_total", Counter,
                 "Commands found with an expired lease (a worker died): retried or failed.",
                 "outcome", "retried|failed"},
    MetricFamily{"painel_commands_deleted_total", Counter,
                 "Finished commands deleted past --command-retention-days."},
    MetricFamily{"painel_command_lost_leases_total", Counter,
                 "Commands whose lease another worker took while they ran (rolled back)."},
    MetricFamily{"painel_command_worker_errors_total", Counter,
                 "Errors of the command worker's loop (it goes on after each)."},
    MetricFamily{"painel_commands_pending", Gauge,
                 "Commands waiting for a worker (PENDING), as of the worker's last look."},
    MetricFamily{"painel_commands_oldest_pending_age_seconds", Gauge,
                 "Age of the oldest PENDING command (0 when none), as of the worker's last "
                 "look."},
    // --- jobs ---
    MetricFamily{"painel_aggregation_runs_total", Counter,
                 "Usage aggregation runs: the nightly one and the re-aggregation of late "
                 "events.",
                 "kind", "scheduled|dirty"},
    MetricFamily{"painel_aggregation_days_total", Counter, "Tenant-days (re)aggregated."},
    MetricFamily{"painel_aggregation_duration_seconds", Histogram,
                 "Duration of usage aggregation passes: incremental (folds only the events "
                 "not folded yet) or full (rebuilds whole days from the raw events).",
                 "kind", "incremental|full"},
    MetricFamily{"painel_aggregation_last_run_timestamp_seconds", Gauge,
                 "Unix time of this instance's last aggregation run (0: none yet)."},
    MetricFamily{"painel_ip_retention_runs_total", Counter,
                 "Runs of the job removing IPs past --ip-retention-days."},
    MetricFamily{"painel_ip_retention_failures_total", Counter, "Failed IP retention runs."},
    MetricFamily{"painel_backup_enabled", Gauge,
                 "1 when this instance runs scheduled backups (--backup-dir), else 0."},
    MetricFamily{"painel_backup_last_success_timestamp_seconds", Gauge,
                 "Unix time of the newest verified backup in --backup-dir (0: none yet)."},
    MetricFamily{"painel_backup_runs_total", Counter,
                 "Scheduled backup runs: written and verified, or failed.", "result", "ok|failed"},
    MetricFamily{"painel_backup_pruned_total", Counter,
                 "Backups removed for being older than --backup-keep-days."},
    MetricFamily{"painel_backup_last_size_bytes", Gauge,
                 "Size of the last backup this instance wrote."},
    MetricFamily{"painel_backup_last_duration_seconds", Gauge,
                 "Time the last backup this instance wrote took (write and verification)."},
    // --- mail ---
    MetricFamily{"painel_mail_sent_total", Counter, "E-mails by outcome.", "result",
                 "sent|failed|dropped"},
    // --- Redis (present only with --redis) ---
    MetricFamily{"painel_redis_up", Gauge,
                 "1 when the last Redis exchange succeeded, 0 when Redis is down (absent "
                 "without --redis).",
                 "", "", false},
    MetricFamily{"painel_redis_errors_total", Counter, "Redis errors by kind.", "kind",
                 "connect|io|probe|reply|pool_exhausted"},
    MetricFamily{"painel_redis_memory_used_bytes", Gauge,
                 "Memory Redis uses (INFO used_memory), read by the health probe.", "", "", false},
    MetricFamily{"painel_redis_memory_max_bytes", Gauge,
                 "Redis's maxmemory (INFO; 0: no limit), read by the health probe.", "", "", false},
    MetricFamily{"painel_redis_cpu_seconds_total", Counter,
                 "CPU time (system + user) Redis used while this instance watched it.", "", "",
                 false, 0.001},
    // --- ingestion and integrations ---
    MetricFamily{"painel_usage_events_ingested_total", Counter,
                 "Usage events accepted by POST /ingest/usage."},
    MetricFamily{"painel_usage_events_retention_deleted_total", Counter,
                 "Raw usage events deleted by --raw-retention-days (SQLite; PostgreSQL: those "
                 "of its DEFAULT partition)."},
    MetricFamily{"painel_usage_partitions_created_total", Counter,
                 "Day partitions of usage_events created (PostgreSQL)."},
    MetricFamily{"painel_usage_partitions_dropped_total", Counter,
                 "Day partitions of usage_events dropped by --raw-retention-days (PostgreSQL)."},
    MetricFamily{"painel_usage_retention_failures_total", Counter,
                 "Raw-event retention or partition runs that failed (retried at the next)."},
    MetricFamily{"painel_usage_events_duplicate_total", Counter,
                 "Usage events ignored as duplicates of ones already ingested."},
    MetricFamily{"painel_integration_writes_total", Counter, "Integration writes by action.",
                 "action", "create|update|delete"},
    MetricFamily{"painel_integration_sync_reports_total", Counter,
                 "Integration sync reports: applied, or stale (older than the last).", "result",
                 "applied|stale"},
    // --- built-in alerts (jobs/alert_job.hpp, jobs/alert_webhooks.hpp) ---
    MetricFamily{"painel_alert_evaluations_total", Counter,
                 "Evaluations of the built-in alert rules run by this instance (lease holder)."},
    MetricFamily{"painel_alert_evaluation_failures_total", Counter,
                 "Evaluations of the built-in alert rules that failed (logged)."},
    MetricFamily{"painel_alert_transitions_total", Counter,
                 "Built-in alerts that fired (incident opened) or resolved, on this instance.",
                 "to", "firing|resolved"},
    MetricFamily{"painel_alerts_firing", Gauge,
                 "Built-in alerts firing now (a per-tenant rule counts once per tenant), as of "
                 "this instance's last evaluation."},
    MetricFamily{"painel_alert_webhook_deliveries_total", Counter,
                 "Alert webhook attempts by outcome: delivered (2xx), retried, failed (gave up).",
                 "result", "delivered|retried|failed"},
    // --- what is running (set once at start by cli::Services) ---
    MetricFamily{"painel_build_info", Gauge,
                 "Always 1: the running build's version, commit, build type and libraries.",
                 "version,commit,build_type,sqlite,libpq,boost", "", false},
    // --- the registry itself ---
    MetricFamily{"painel_metrics_unknown_total", Counter,
                 "Metric updates naming a family that is not in the catalogue (a bug; always "
                 "0)."},
    // --- the process (read from /proc/self at each scrape) ---
    MetricFamily{"process_cpu_seconds_total", Counter, "User and system CPU time, seconds."},
    MetricFamily{"process_resident_memory_bytes", Gauge, "Resident set size, bytes."},
    MetricFamily{"process_virtual_memory_bytes", Gauge, "Virtual memory size, bytes."},
    MetricFamily{"process_open_fds", Gauge, "Open file descriptors."},
    MetricFamily{"process_max_fds", Gauge, "Open file descriptor limit (RLIMIT_NOFILE)."},
    MetricFamily{"process_start_time_seconds", Gauge, "Unix time the process started, seconds."},
};

}  // namespace

std::string_view type_name(MetricType t) {
  switch (t) {
    case Counter:
      return "counter";
    case Gauge:
      return "gauge";
    case Histogram:
      return "histogram";
  }
  return "untyped";
}

std::span<const MetricFamily> metric_catalog() { return kCatalog; }

const MetricFamily* find_family(std::string_view name) {
  for (const auto& f : kCatalog)
    if (f.name == name) return &f;
  return nullptr;
}

}  // namespace painel::obs
