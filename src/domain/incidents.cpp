#include "domain/incidents.hpp"

#include <array>

namespace painel::domain {
namespace {
constexpr std::array<std::string_view, 4> kSeverities{"info", "warning", "error", "critical"};
constexpr std::array<std::string_view, 2> kStatuses{"open", "resolved"};
constexpr std::array<std::string_view, 3> kSources{"manual", "health_check", "alert"};

template <size_t N>
bool one_of(const std::array<std::string_view, N>& words, std::string_view s) {
  for (auto w : words)
    if (w == s) return true;
  return false;
}
}  // namespace

bool is_incident_severity(std::string_view s) { return one_of(kSeverities, s); }
bool is_incident_status(std::string_view s) { return one_of(kStatuses, s); }
bool is_incident_source(std::string_view s) { return one_of(kSources, s); }
const char* incident_severity_list() { return "info, warning, error, critical"; }

IncidentStatusMove incident_status_move(std::string_view from, std::string_view to) {
  if (from == to) return IncidentStatusMove::None;
  return to == "resolved" ? IncidentStatusMove::Resolve : IncidentStatusMove::Reopen;
}

}  // namespace painel::domain
