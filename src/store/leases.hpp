#pragma once
// Job leases (job_leases): a job that must run on one instance at a time takes the lease
// before each run; it expires on its own if the holder dies. On PostgreSQL the lease is
// also a session advisory lock on the calling thread's connection: exclusive for as long
// as it is held however long the run takes, and released by the server at once if the
// holder's connection or process dies (no waiting for the expiry). Call acquire and
// release on the same thread.
#include <cstdint>
#include <string>

#include "store/db.hpp"

namespace painel::store {
// True if `holder` now holds `name` until now_ms + ttl_ms (taken fresh, renewed, or
// taken over after expiry).
bool acquire_lease(Conn& c, const std::string& name, const std::string& holder, int64_t now_ms,
                   int64_t ttl_ms);
void release_lease(Conn& c, const std::string& name, const std::string& holder);
}  // namespace painel::store
