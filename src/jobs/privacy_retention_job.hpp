#pragma once
// IP retention (LGPD, issue #16): every interval, one instance (by lease) removes the IPs
// and user agents of sessions created more than `retention_days` ago and the IPs kept
// beside audit rows written before then (store::anonymize_ips_before). Audit rows written
// before migration 18 hold their IP inside the hashed row: this job cannot remove those
// (docs/operations.md, "Personal data (LGPD)").
#include <cstdint>
#include <string>

#include "core/time.hpp"
#include "obs/metrics.hpp"
#include "store/privacy.hpp"
#include "store/store.hpp"

namespace painel::jobs {

class PrivacyRetentionJob {
 public:
  PrivacyRetentionJob(store::Store& s, obs::Metrics& m, const Clock& clock, int retention_days,
                      int64_t interval_ms);
  // One run; what it removed (zeros when another instance holds the lease).
  store::IpRetention tick();

 private:
  store::Store& store_;
  obs::Metrics& metrics_;
  const Clock& clock_;
  int retention_days_;
  int64_t interval_ms_;
  std::string holder_;
};

}  // namespace painel::jobs
