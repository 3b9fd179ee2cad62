#pragma once
// Anchors the audit chain's head: every interval, one instance (by lease) appends an
// "audit.checkpoint" row signing (count, head) when rows were added since the last one
// (store::audit_checkpoint). Every instance also remembers the highest checkpoint count it
// wrote or read (Store::audit_checkpoint_seen), so /internal/audit/verify reports the
// store truncated if the newest checkpoint disappears while the process runs.
#include <cstdint>
#include <string>

#include "core/time.hpp"
#include "obs/metrics.hpp"
#include "store/store.hpp"

namespace painel::jobs {

class AuditCheckpointJob {
 public:
  AuditCheckpointJob(store::Store& s, obs::Metrics& m, const Clock& clock, int64_t interval_ms);
  // One run; returns the count the newest checkpoint signs.
  int64_t tick();

 private:
  store::Store& store_;
  obs::Metrics& metrics_;
  const Clock& clock_;
  int64_t interval_ms_;
  std::string holder_;
};

}  // namespace painel::jobs
