#pragma once
// Time in Painel: instants are int64 milliseconds since the Unix epoch (UTC); days are
// int64 days since the epoch, written YYYY-MM-DD. A Clock is injected wherever a job or
// a rule depends on "now", so tests never sleep.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace painel {

int64_t wall_now_ms();

struct Clock {
  virtual ~Clock() = default;
  virtual int64_t now_ms() const = 0;
};
struct SystemClock final : Clock {
  int64_t now_ms() const override { return wall_now_ms(); }
};

std::string format_rfc3339(int64_t ms);  // 2026-11-28T12:00:00.000Z (fixed width: sorts as text)
std::optional<int64_t> parse_rfc3339(std::string_view s);  // accepts Z or ±hh:mm offsets
std::string format_day(int64_t day);                       // days since epoch → YYYY-MM-DD
std::optional<int64_t> parse_day(std::string_view s);      // strict YYYY-MM-DD, real dates only
inline int64_t day_of_ms(int64_t ms) {
  return ms >= 0 ? ms / 86400000 : (ms - 86399999) / 86400000;
}
inline int64_t today_utc(const Clock& c) { return day_of_ms(c.now_ms()); }

}  // namespace painel
