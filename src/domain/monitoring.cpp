#include "domain/monitoring.hpp"

#include <array>

namespace painel::domain {
namespace {
constexpr std::array<MonitoringRange, 4> kRanges = {{
    {"1h", 60, 1},
    {"6h", 360, 5},
    {"24h", 1440, 15},
    {"7d", 10080, 60},
}};
}  // namespace

std::span<const MonitoringRange> monitoring_ranges() { return kRanges; }

std::optional<MonitoringRange> monitoring_range(std::string_view name) {
  for (const auto& r : kRanges)
    if (r.name == name) return r;
  return std::nullopt;
}

double histogram_quantile(std::span<const double> bounds, std::span<const double> counts,
                          double q) {
  double total = 0;
  for (double c : counts) total += c;
  if (total <= 0 || bounds.empty()) return 0;
  double rank = q * total, cum = 0;
  for (size_t b = 0; b < counts.size(); ++b) {
    double before = cum;
    cum += counts[b];
    if (cum < rank || counts[b] <= 0) continue;
    if (b >= bounds.size()) return bounds.back();
    double lower = b == 0 ? 0 : bounds[b - 1];
    return lower + (bounds[b] - lower) * (rank - before) / counts[b];
  }
  return bounds.back();
}

}  // namespace painel::domain
