// The cron parser (domain/cron). Input: 8 bytes of "after" instant, then the expression.
// A parsed expression's next run is a whole minute strictly after `after`, and a second
// call from that run moves strictly forward.
#include <cstdint>
#include <cstring>
#include <string>

#include "domain/cron.hpp"
#include "fuzz_check.hpp"

namespace {
// Instants the scheduler can pass: from the epoch to year ~5000 (whole years of minutes
// then fit int64 easily, and format_day keeps four-digit years).
constexpr uint64_t kMaxAfterMs = 95'000'000'000'000;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 8) return 0;
  uint64_t raw;
  std::memcpy(&raw, data, 8);
  const auto after = static_cast<int64_t>(raw % kMaxAfterMs);
  const std::string expr(reinterpret_cast<const char*>(data) + 8, size - 8);

  auto cron = painel::domain::Cron::parse(expr);
  if (!cron) return 0;
  const int64_t next = cron->next_after(after);
  if (next == INT64_MAX) return 0;  // nothing in the next ten years (e.g. 30 February)
  FUZZ_CHECK(next > after && next % 60000 == 0);
  FUZZ_CHECK(next - after <= 10LL * 366 * 86400000 + 60000);
  const int64_t then = cron->next_after(next);
  FUZZ_CHECK(then == INT64_MAX || then > next);
  return 0;
}
