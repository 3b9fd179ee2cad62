#include "domain/cron.hpp"

#include <sstream>
#include <vector>

#include "core/time.hpp"

namespace painel::domain {
namespace {

// Fills bits [lo, hi] of `out` from one field; false if malformed.
template <size_t N>
bool parse_field(const std::string& f, int lo, int hi, std::bitset<N>& out, bool& any) {
  any = f == "*";
  std::stringstream ss(f);
  std::string part;
  bool seen = false;
  while (std::getline(ss, part, ',')) {
    seen = true;
    int step = 1;
    auto slash = part.find('/');
    if (slash != std::string::npos) {
      try {
        size_t used = 0;
        step = std::stoi(part.substr(slash + 1), &used);
        if (used != part.size() - slash - 1 || step < 1) return false;
      } catch (...) {
        return false;
      }
      part = part.substr(0, slash);
    }
    int a = lo, b = hi;
    if (part != "*") {
      auto dash = part.find('-');
      try {
        size_t used = 0;
        a = std::stoi(part.substr(0, dash), &used);
        if (used != (dash == std::string::npos ? part.size() : dash)) return false;
        b = a;
        if (dash != std::string::npos) {
          b = std::stoi(part.substr(dash + 1), &used);
          if (used != part.size() - dash - 1) return false;
        } else if (slash != std::string::npos) {
          b = hi;
        }
      } catch (...) {
        return false;
      }
    }
    if (a < lo || b > hi || a > b) return false;
    for (int v = a; v <= b; v += step) {
      out.set(static_cast<size_t>(v));
      if (step > b - v) break;  // past b; `v + step` could overflow int (found by fuzz_cron)
    }
  }
  return seen;
}

}  // namespace

std::optional<Cron> Cron::parse(const std::string& expr) {
  std::stringstream ss(expr);
  std::vector<std::string> f;
  std::string s;
  while (ss >> s) f.push_back(s);
  if (f.size() != 5) return std::nullopt;
  Cron c;
  bool any;
  if (!parse_field(f[0], 0, 59, c.minute_, any)) return std::nullopt;
  if (!parse_field(f[1], 0, 23, c.hour_, any)) return std::nullopt;
  if (!parse_field(f[2], 1, 31, c.dom_, c.dom_any_)) return std::nullopt;
  if (!parse_field(f[3], 1, 12, c.month_, any)) return std::nullopt;
  std::bitset<8> dow;
  if (!parse_field(f[4], 0, 7, dow, c.dow_any_)) return std::nullopt;
  for (size_t i = 0; i < 7; ++i) c.dow_[i] = dow[i] || (i == 0 && dow[7]);
  return c;
}

int64_t Cron::next_after(int64_t after_ms) const {
  int64_t t = (after_ms / 60000 + 1) * 60000;
  // Look ten years ahead (29 February can be eight years away: 2096 → 2104), bounded by
  // time, not by iterations: days that cannot match are skipped whole, so an expression
  // that never matches ("0 0 30 2 *") used to run 2.6 M iterations, millennia ahead.
  const int64_t horizon = t + 10LL * 366 * 86400000;
  for (; t <= horizon; t += 60000) {
    int64_t day = day_of_ms(t);
    std::string d = format_day(day);  // YYYY-MM-DD
    int month = std::stoi(d.substr(5, 2)), dom = std::stoi(d.substr(8, 2));
    int dow = static_cast<int>(((day % 7) + 11) % 7);  // 1970-01-01 was a Thursday (4)
    if (!month_[static_cast<size_t>(month)]) {
      t += (86400000 - (t - day * 86400000)) - 60000;  // skip to the next day
      continue;
    }
    bool dom_ok = dom_[static_cast<size_t>(dom)], dow_ok = dow_[static_cast<size_t>(dow)];
    // POSIX: when both are restricted, either may match.
    bool day_ok = dom_any_ && dow_any_ ? true
                  : dom_any_           ? dow_ok
                  : dow_any_           ? dom_ok
                                       : (dom_ok || dow_ok);
    if (!day_ok) {
      t += (86400000 - (t - day * 86400000)) - 60000;
      continue;
    }
    int64_t minute_of_day = (t - day * 86400000) / 60000;
    if (hour_[static_cast<size_t>(minute_of_day / 60)] &&
        minute_[static_cast<size_t>(minute_of_day % 60)])
      return t;
  }
  return INT64_MAX;
}

}  // namespace painel::domain
