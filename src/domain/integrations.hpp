#pragma once
// Integrations as pure rules: the types a tenant may configure (the ones the product
// connects to: see integration_types()), the statuses, and what a sync report from the
// platform (POST /ingest/integrations) does to an integration's sync state. No store, no
// clock: unit-tested alone.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace painel::domain {

// whatsapp, email, crm, erp, webhook — the connectors the platform runs (demo data uses
// the same five).
const std::vector<std::string_view>& integration_types();
bool is_integration_type(std::string_view type);
std::string integration_type_list();  // "whatsapp, email, crm, erp, webhook"

inline constexpr size_t kIntegrationNameMax = 120;
inline constexpr size_t kIntegrationConfigMaxBytes = 16 * 1024;
inline constexpr size_t kIntegrationCredentialsMaxBytes = 8 * 1024;
inline constexpr size_t kSyncErrorMax = 1000;
// A report may be stamped a little ahead of this server's clock, not more.
inline constexpr int64_t kSyncClockSkewMs = 5 * 60 * 1000;

// The sync state a report leaves: status, when it synced, the error (and when) or none.
struct SyncState {
  std::string status;  // "active" | "error"
  int64_t last_sync_ms = 0;
  std::optional<std::string> last_error;
  std::optional<int64_t> last_error_ms;
};

// The reported status is "active" or "error" (checked by the caller). An "error" report
// without a message records "sync failed". nullopt: the report is older than the last
// one applied (reports may arrive out of order) and changes nothing.
std::optional<SyncState> sync_outcome(std::string_view reported_status, int64_t synced_at_ms,
                                      std::optional<std::string> error,
                                      std::optional<int64_t> last_sync_ms);

// Why a report is refused (422), or nullopt: an "error" text on an "active" report, or a
// synced_at further than kSyncClockSkewMs in the future.
std::optional<std::string> sync_report_problem(std::string_view reported_status,
                                               int64_t synced_at_ms, bool has_error,
                                               int64_t now_ms);

}  // namespace painel::domain
