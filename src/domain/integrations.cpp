#include "domain/integrations.hpp"

#include <algorithm>

namespace painel::domain {

const std::vector<std::string_view>& integration_types() {
  static const std::vector<std::string_view> v = {"whatsapp", "email", "crm", "erp", "webhook"};
  return v;
}

bool is_integration_type(std::string_view type) {
  const auto& v = integration_types();
  return std::find(v.begin(), v.end(), type) != v.end();
}

std::string integration_type_list() {
  std::string out;
  for (auto t : integration_types()) {
    if (!out.empty()) out += ", ";
    out += t;
  }
  return out;
}

std::optional<SyncState> sync_outcome(std::string_view reported_status, int64_t synced_at_ms,
                                      std::optional<std::string> error,
                                      std::optional<int64_t> last_sync_ms) {
  if (last_sync_ms && synced_at_ms < *last_sync_ms) return std::nullopt;
  SyncState s{std::string(reported_status), synced_at_ms, std::nullopt, std::nullopt};
  if (reported_status == "error") {
    s.last_error = error ? std::move(*error) : std::string("sync failed");
    s.last_error_ms = synced_at_ms;
  }
  return s;
}

std::optional<std::string> sync_report_problem(std::string_view reported_status,
                                               int64_t synced_at_ms, bool has_error,
                                               int64_t now_ms) {
  if (has_error && reported_status != "error")
    return "error is only for a report with status \"error\"";
  if (synced_at_ms > now_ms + kSyncClockSkewMs)
    return "synced_at is in the future (more than 5 minutes ahead of the server's clock)";
  return std::nullopt;
}

}  // namespace painel::domain
