#include "store/leases.hpp"

namespace painel::store {

bool acquire_lease(Conn& c, const std::string& name, const std::string& holder, int64_t now_ms,
                   int64_t ttl_ms) {
  if (c.dialect() == Dialect::Postgres) {
    // Session-level, so it outlives this transaction; re-entrant per session, so a holder
    // that already has it does not stack a second lock.
    bool held =
        c.query(
             "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND "
             "pid = pg_backend_pid() AND classid = 1 AND objid = hashtext(?)::oid AND objsubid = 2 "
             "AND granted)::int",
             {name})[0]
            .i64(0) != 0;
    if (!held && c.query("SELECT pg_try_advisory_lock(1, hashtext(?))::int", {name})[0].i64(0) == 0)
      return false;
    // The lock makes this instance the only runner: record it in the row, whatever an
    // instance that died holding it left there.
    c.exec(
        "INSERT INTO job_leases(name, holder, until_ms) VALUES (?,?,?) ON CONFLICT(name) DO UPDATE "
        "SET holder = excluded.holder, until_ms = excluded.until_ms",
        {name, holder, now_ms + ttl_ms});
    return true;
  }
  int64_t n = c.exec(
      "INSERT INTO job_leases(name, holder, until_ms) VALUES (?,?,?) ON CONFLICT(name) DO UPDATE "
      "SET holder = excluded.holder, until_ms = excluded.until_ms "
      "WHERE job_leases.until_ms < ? OR job_leases.holder = excluded.holder",
      {name, holder, now_ms + ttl_ms, now_ms});
  return n > 0;
}

void release_lease(Conn& c, const std::string& name, const std::string& holder) {
  c.exec("UPDATE job_leases SET until_ms = 0 WHERE name = ? AND holder = ?", {name, holder});
  if (c.dialect() == Dialect::Postgres)
    c.query("SELECT pg_advisory_unlock(1, hashtext(?))", {name});
}

}  // namespace painel::store
