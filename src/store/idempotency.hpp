#pragma once
// Idempotency-Key records (the IETF httpapi draft, as Stripe does it), scoped to the user.
// A key is claimed (in_flight) before the request runs and completed with the answer in
// the same transaction as the request's write; a failed request releases it, so
// validation failures are never stored. A claim left in flight by a crashed process is
// taken over after `stale_ms`.
#include <cstdint>
#include <string>

#include "store/db.hpp"

namespace painel::store {

enum class KeyClaim {
  Claimed,   // new (or stale) key: run the request
  Replay,    // finished before with the same body: answer with status/body
  InFlight,  // the first request with this key is still running → 409
  Mismatch,  // used before with another body → 422
};

struct KeyClaimResult {
  KeyClaim state;
  int status = 0;
  std::string body;
};

// Call inside a write transaction.
KeyClaimResult claim_idempotency_key(Conn& c, const std::string& user_id, const std::string& key,
                                     const std::string& request_hash, int64_t now_ms,
                                     int64_t stale_ms = 60000);
void complete_idempotency_key(Conn& c, const std::string& user_id, const std::string& key,
                              int status, const std::string& body);
void release_idempotency_key(Conn& c, const std::string& user_id, const std::string& key);
// Retention: keys created before cutoff_ms.
int64_t delete_idempotency_keys_before(Conn& c, int64_t cutoff_ms);

}  // namespace painel::store
