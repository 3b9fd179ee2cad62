#pragma once
// A five-field cron expression (minute hour day-of-month month day-of-week, UTC) with
// numbers, `*`, lists `a,b`, ranges `a-b` and steps `*/n` / `a-b/n` — what the daily
// aggregation schedule needs ("5 0 * * *" = 00:05 UTC every day).
#include <bitset>
#include <cstdint>
#include <optional>
#include <string>

namespace painel::domain {

class Cron {
 public:
  // nullopt on a malformed expression.
  static std::optional<Cron> parse(const std::string& expr);
  // The first instant strictly after `after_ms` (whole minutes) that matches.
  int64_t next_after(int64_t after_ms) const;

 private:
  std::bitset<60> minute_;
  std::bitset<24> hour_;
  std::bitset<32> dom_;
  std::bitset<13> month_;
  std::bitset<7> dow_;
  bool dom_any_ = true, dow_any_ = true;
};

}  // namespace painel::domain
