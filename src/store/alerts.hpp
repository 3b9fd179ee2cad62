#pragma once
// Built-in alerts (migration 22): each rule's hysteresis state, and the webhook deliveries
// — a queue the sender claims from and the log staff read (jobs/alert_job.hpp).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/db.hpp"
#include "store/page.hpp"

namespace painel::store {

struct AlertStateRow {
  std::string rule, scope;  // scope "" = global
  std::string phase;        // ok|pending|firing|clearing
  int64_t since_ms = 0, updated_ms = 0;
  std::optional<double> value;
  std::optional<std::string> incident_id;
};
std::vector<AlertStateRow> alert_states(Conn& c);
void save_alert_state(Conn& c, const AlertStateRow& s);  // insert or replace

struct NewAlertDelivery {
  std::string id, event, rule, target, url_hash, body;
};
// Queued as pending, due at once.
void enqueue_alert_delivery(Conn& c, const NewAlertDelivery& d, int64_t now_ms);

struct AlertDelivery {
  std::string id;
  int64_t created_ms = 0;
  std::string event, rule, target, url_hash, body, status;
  int64_t attempts = 0, next_attempt_ms = 0;
  std::optional<int64_t> last_http_status, finished_ms;
  std::optional<std::string> last_error;
};
// Pending deliveries due at now_ms, oldest first, at most `limit`.
std::vector<AlertDelivery> due_alert_deliveries(Conn& c, int64_t now_ms, int64_t limit);
// Takes a due delivery for one sender: moves next_attempt_ms from `seen_next_ms` to
// `hold_until_ms` if nobody did; false when another sender took it first.
bool claim_alert_delivery(Conn& c, const std::string& id, int64_t seen_next_ms,
                          int64_t hold_until_ms);
struct AlertAttempt {
  std::string status;  // pending (will retry) | delivered | failed
  int64_t attempts = 0, next_attempt_ms = 0;
  std::optional<int64_t> http_status;
  std::optional<std::string> error;
  std::optional<int64_t> finished_ms;
};
void record_alert_attempt(Conn& c, const std::string& id, const AlertAttempt& a);
// Newest first (the body is not read).
PageOf<AlertDelivery> list_alert_deliveries(Conn& c, PageRequest page);
// Finished deliveries created before before_ms; returns how many went.
int64_t prune_alert_deliveries(Conn& c, int64_t before_ms);

}  // namespace painel::store
