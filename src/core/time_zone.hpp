#pragma once
// IANA time zones (issue 20: tenant-local days) from the system tz database
// (/usr/share/zoneinfo, Debian's tzdata) through Howard Hinnant's date/tz (Debian's
// libdate-tz, built with USE_OS_TZDB). No fixed offsets: DST and historical rule changes
// come from tzdata. The date headers stay in time_zone.cpp: their ABI depends on
// definitions only that file is compiled with (CMakeLists.txt).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace painel {

// The zone of a tenant that names none, and of the staff-wide overviews by default.
inline constexpr std::string_view kDefaultTimeZone = "America/Sao_Paulo";
inline constexpr size_t kTimeZoneNameMax = 64;

// A zone of the tz database, cheap to copy (a pointer into the database, which lives as
// long as the process). Days are days since the epoch of the *local* calendar date.
class TimeZone {
 public:
  // nullopt for a name the database does not know, and for "localtime" (the machine's
  // zone, not a zone) or a name with characters no zone name has.
  static std::optional<TimeZone> find(std::string_view name);
  // kDefaultTimeZone; throws if the system has no tz database (a broken install).
  static TimeZone default_zone();
  // find(name), or default_zone() for a name the database does not know (a tenant row
  // written before zones were validated, a setting already checked at start-up).
  static TimeZone find_or_default(std::string_view name);

  const std::string& name() const { return name_; }
  // The local calendar date of an instant.
  int64_t local_day(int64_t ms) const;
  // The first instant of a local date: local midnight, or the end of the DST gap when
  // midnight is skipped; when midnight repeats, the first one.
  int64_t day_start_ms(int64_t local_day) const;

 private:
  TimeZone(const void* zone, std::string name) : zone_(zone), name_(std::move(name)) {}
  const void* zone_;  // const date::time_zone*
  std::string name_;
};

// local_day() for a stream of instants that mostly fall on the same day (one tenant's
// events of a scan): one zone lookup per local day crossed, a comparison per instant.
class LocalDayCursor {
 public:
  explicit LocalDayCursor(TimeZone zone) : zone_(std::move(zone)) {}
  int64_t day_of(int64_t ms) {
    if (ms < start_ || ms >= end_) reposition(ms);
    return day_;
  }
  const TimeZone& zone() const { return zone_; }

 private:
  void reposition(int64_t ms);
  TimeZone zone_;
  int64_t start_ = 0, end_ = 0, day_ = 0;  // [start_, end_) is local day day_
};

}  // namespace painel
