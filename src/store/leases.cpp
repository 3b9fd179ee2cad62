#include "store/leases.hpp"

namespace painel::store {

bool acquire_lease(Conn& c, const std::string& name, const std::string& holder, int64_t now_ms,
                   int64_t ttl_ms) {
  int64_t n = c.exec(
      "INSERT INTO job_leases(name, holder, until_ms) VALUES (?,?,?) ON CONFLICT(name) DO UPDATE "
      "SET holder = excluded.holder, until_ms = excluded.until_ms "
      "WHERE job_leases.until_ms < ? OR job_leases.holder = excluded.holder",
      {name, holder, now_ms + ttl_ms, now_ms});
  return n > 0;
}

void release_lease(Conn& c, const std::string& name, const std::string& holder) {
  c.exec("UPDATE job_leases SET until_ms = 0 WHERE name = ? AND holder = ?", {name, holder});
}

}  // namespace painel::store
