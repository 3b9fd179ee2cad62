// `painel privacy retention [--days N] [--json]`: the IP retention pass of `painel serve`'s
// job (jobs/privacy_retention_job.hpp) run once, now, for operators and tests. --days 0
// removes every IP kept beside the audit chain and in sessions.
#include "store/privacy.hpp"

#include <iostream>

#include "cli/subcommands.hpp"
#include "core/json.hpp"
#include "core/time.hpp"
#include "store/store.hpp"

namespace painel::cli {

int cmd_privacy_retention(const std::string& database, int days, bool json) {
  if (days < 0 || days > 36500) throw UsageError("--days must be between 0 and 36500");
  auto s = open_migrated(database);
  int64_t now = wall_now_ms();
  auto done = s->write([&](store::Conn& c) {
    auto r = store::anonymize_ips_before(c, now - int64_t{days} * 86400000);
    JsonOut meta;
    meta.begin_object()
        .kv("days", days)
        .kv("audit", r.audit)
        .kv("sessions", r.sessions)
        .end_object();
    audit_cli(c, "privacy.ip_retention", std::nullopt, "ip_retention", meta.take());
    return r;
  });
  if (json) {
    JsonOut j;
    j.begin_object()
        .kv("before", format_rfc3339(now - int64_t{days} * 86400000))
        .kv("audit_ips", done.audit)
        .kv("session_ips", done.sessions)
        .end_object();
    std::cout << j.take() << "\n";
  } else {
    std::cout << "removed " << done.audit << " audit IP(s) and " << done.sessions
              << " session IP(s) older than " << days << " day(s)\n";
  }
  return 0;
}

}  // namespace painel::cli
