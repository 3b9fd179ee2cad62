#include "core/time_zone.hpp"

#include <date/tz.h>

#include <chrono>
#include <stdexcept>

namespace painel {
namespace {

using std::chrono::milliseconds;

const date::time_zone* zone_of(const void* z) { return static_cast<const date::time_zone*>(z); }

// Zone names are ASCII letters, digits and "/_+-" (America/Port-au-Prince, Etc/GMT+3).
bool plausible_name(std::string_view name) {
  if (name.empty() || name.size() > kTimeZoneNameMax || name == "localtime") return false;
  for (char c : name)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' ||
          c == '_' || c == '+' || c == '-'))
      return false;
  return true;
}

}  // namespace

std::optional<TimeZone> TimeZone::find(std::string_view name) {
  if (!plausible_name(name)) return std::nullopt;
  try {
    return TimeZone(date::locate_zone(name), std::string(name));
  } catch (const std::runtime_error&) {  // "... not found in timezone database"
    return std::nullopt;
  }
}

TimeZone TimeZone::default_zone() {
  auto z = find(kDefaultTimeZone);
  if (!z) throw std::runtime_error("the tz database (tzdata) has no America/Sao_Paulo");
  return *z;
}

TimeZone TimeZone::find_or_default(std::string_view name) {
  auto z = find(name);
  return z ? *z : default_zone();
}

int64_t TimeZone::local_day(int64_t ms) const {
  auto local = zone_of(zone_)->to_local(date::sys_time<milliseconds>(milliseconds(ms)));
  return date::floor<date::days>(local).time_since_epoch().count();
}

int64_t TimeZone::day_start_ms(int64_t local_day) const {
  auto midnight = date::local_days(date::days(local_day));
  return std::chrono::duration_cast<milliseconds>(
             zone_of(zone_)->to_sys(midnight, date::choose::earliest).time_since_epoch())
      .count();
}

void LocalDayCursor::reposition(int64_t ms) {
  day_ = zone_.local_day(ms);
  start_ = zone_.day_start_ms(day_);
  end_ = zone_.day_start_ms(day_ + 1);
  if (ms < start_ || ms >= end_) {  // a repeated midnight: this instant only
    start_ = ms;
    end_ = ms + 1;
  }
}

}  // namespace painel
