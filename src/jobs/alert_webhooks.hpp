#pragma once
// Sends the queued alert notifications (store/alerts.hpp) to the --alert-webhook URLs, off
// the request path: every instance's sender claims due deliveries one at a time, POSTs the
// stored body (http or https, no redirects, connect timeout 5 s, 10 s in all) with
//   Content-Type: application/json
//   X-Painel-Event: firing|resolved|test      X-Painel-Delivery: <id>
//   X-Painel-Signature: sha256=<hex HMAC-SHA-256 of the body under the webhook secret>
// and records the attempt. A 2xx is delivered; anything else is retried after retry_ms,
// doubling each time, up to max_attempts, then failed. Counted in
// painel_alert_webhook_deliveries_total{result}.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "obs/metrics.hpp"
#include "store/store.hpp"

namespace painel::jobs {

// "sha256=" + hex HMAC-SHA-256 of body under secret (any length): what a receiver
// recomputes to check a notification came from this Painel.
std::string webhook_signature(std::string_view secret, std::string_view body);

// The secret when --alert-webhook-secret is not set: derived from the master key (32
// bytes), 64 hex characters; `painel alerts webhook-secret` prints it.
std::string derived_webhook_secret(std::string_view master_key32);

struct WebhookAnswer {
  std::optional<long> http_status;  // nullopt: no answer (connect error, timeout)
  std::string error;                // curl's reason when there was no answer
};
// One POST, on the calling thread.
WebhookAnswer post_webhook(const std::string& url, const std::string& body,
                           const std::vector<std::string>& headers, long timeout_ms);

struct WebhookOptions {
  std::vector<std::string> urls;
  std::string secret;
  int64_t retry_ms = 10000;  // first retry; doubles
  int max_attempts = 5;
  long timeout_ms = 10000;
  int retention_days = 30;  // finished deliveries are kept this long
};

class WebhookSender {
 public:
  WebhookSender(store::Store& s, obs::Metrics& m, const Clock& clock, WebhookOptions o);
  // Sends what is due; returns how many attempts were made.
  int tick();

 private:
  store::Store& store_;
  obs::Metrics& metrics_;
  const Clock& clock_;
  WebhookOptions opt_;
  int64_t last_prune_ms_ = 0;
};

}  // namespace painel::jobs
