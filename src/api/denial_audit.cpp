#include "api/denial_audit.hpp"

#include "core/json.hpp"
#include "core/time.hpp"
#include "store/audit.hpp"

namespace painel::api {

DenialAudit::DenialAudit(obs::Metrics& m, size_t max_keys) : metrics_(m), max_keys_(max_keys) {}

void DenialAudit::record(const Denial& d, int64_t now_ms) {
  Entry e;
  e.status = d.status;
  e.count = 1;
  e.first_ms = e.last_ms = now_ms;
  if (d.actor) e.actor = std::string(*d.actor);
  if (d.role) e.role = std::string(*d.role);
  if (d.tenant_id) e.tenant_id = std::string(*d.tenant_id);
  e.ip = std::string(d.ip);
  e.request_id = std::string(d.request_id);
  // An authenticated caller is one actor wherever it comes from; an anonymous one is its IP.
  std::string who = d.actor ? "u:" + std::string(*d.actor) : "ip:" + e.ip;
  std::string route = std::string(d.method) + " " + std::string(d.route);
  merge({now_ms / 60000, std::string(d.reason), std::move(who), std::move(route)}, std::move(e));
  metrics_.inc("painel_auth_denials_total", "reason=\"" + std::string(d.reason) + "\"");
}

void DenialAudit::merge(Key k, Entry e) {
  std::lock_guard lock(mu_);
  auto it = pending_.find(k);
  if (it == pending_.end() && pending_.size() >= max_keys_) {
    metrics_.inc("painel_auth_denials_overflow_total");
    k = {std::get<0>(k), std::get<1>(k), "*", "*"};
    e.actor.reset();
    e.role.reset();
    e.tenant_id.reset();
    e.ip.clear();
    it = pending_.find(k);
  }
  if (it == pending_.end()) {
    pending_.emplace(std::move(k), std::move(e));
    return;
  }
  it->second.count += e.count;
  it->second.first_ms = std::min(it->second.first_ms, e.first_ms);
  it->second.last_ms = std::max(it->second.last_ms, e.last_ms);
}

size_t DenialAudit::pending() const {
  std::lock_guard lock(mu_);
  return pending_.size();
}

size_t DenialAudit::flush(store::Store& s, int64_t now_ms) {
  std::map<Key, Entry> batch;
  {
    std::lock_guard lock(mu_);
    batch.swap(pending_);
  }
  if (batch.empty()) return 0;
  try {
    // Audit rows only: the chain's own lock serializes them (off the global write lock).
    s.write(store::WriteLock::RowLevel, [&](store::Conn& c) {
      for (auto& [k, e] : batch) {
        auto& [minute, reason, who, route] = k;
        JsonOut j;
        j.begin_object()
            .kv("reason", reason)
            .kv("status", e.status)
            .kv("count", e.count)
            .kv("minute", format_rfc3339(minute * 60000))
            .kv("first_at", format_rfc3339(e.first_ms))
            .kv("last_at", format_rfc3339(e.last_ms))
            .end_object();
        store::audit_append(
            c,
            {e.actor.value_or(who == "*" ? "*" : "anonymous"), e.role.value_or("anonymous"),
             "auth.denied", e.tenant_id, route,
             e.request_id.empty() ? std::nullopt : std::optional<std::string>(e.request_id),
             e.ip.empty() ? std::nullopt : std::optional<std::string>(e.ip), j.take()},
            now_ms);
      }
    });
  } catch (...) {
    for (auto& [k, e] : batch) merge(k, e);
    throw;
  }
  metrics_.inc("painel_audit_denial_rows_total", "", batch.size());
  return batch.size();
}

}  // namespace painel::api
