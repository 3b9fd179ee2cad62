#include "store/alerts.hpp"

namespace painel::store {
namespace {

constexpr const char* kStates =
    "SELECT rule, scope, phase, since_ms, updated_ms, value, incident_id FROM alert_state "
    "ORDER BY rule, scope";
constexpr const char* kSaveState =
    "INSERT INTO alert_state(rule, scope, phase, since_ms, updated_ms, value, incident_id) "
    "VALUES (?,?,?,?,?,?,?) ON CONFLICT(rule, scope) DO UPDATE SET phase = excluded.phase, "
    "since_ms = excluded.since_ms, updated_ms = excluded.updated_ms, value = excluded.value, "
    "incident_id = excluded.incident_id";
constexpr const char* kEnqueue =
    "INSERT INTO alert_deliveries(id, created_ms, event, rule, target, url_hash, body, status, "
    "attempts, next_attempt_ms) VALUES (?,?,?,?,?,?,?,'pending',0,?)";
constexpr const char* kDue =
    "SELECT id, created_ms, event, rule, target, url_hash, body, status, attempts, "
    "next_attempt_ms, last_http_status, finished_ms, last_error FROM alert_deliveries "
    "WHERE status = 'pending' AND next_attempt_ms <= ? ORDER BY next_attempt_ms, id LIMIT ?";
constexpr const char* kClaim =
    "UPDATE alert_deliveries SET next_attempt_ms = ? WHERE id = ? AND status = 'pending' AND "
    "next_attempt_ms = ?";
constexpr const char* kRecord =
    "UPDATE alert_deliveries SET status = ?, attempts = ?, next_attempt_ms = ?, "
    "last_http_status = ?, last_error = ?, finished_ms = ? WHERE id = ?";
constexpr const char* kListColumns =
    "id, created_ms, event, rule, target, url_hash, '' AS body, status, attempts, "
    "next_attempt_ms, last_http_status, finished_ms, last_error";
constexpr const char* kFrom = "FROM alert_deliveries";
constexpr const char* kNewestFirst = "created_ms DESC, id DESC";
constexpr const char* kPrune =
    "DELETE FROM alert_deliveries WHERE status <> 'pending' AND created_ms < ?";

Value opt_int(const std::optional<int64_t>& v) { return v ? Value(*v) : Value(nullptr); }

AlertDelivery delivery_of(const Row& r) {
  AlertDelivery d;
  d.id = r.str(0);
  d.created_ms = r.i64(1);
  d.event = r.str(2);
  d.rule = r.str(3);
  d.target = r.str(4);
  d.url_hash = r.str(5);
  d.body = r.str(6);
  d.status = r.str(7);
  d.attempts = r.i64(8);
  d.next_attempt_ms = r.i64(9);
  d.last_http_status = r.opt_i64(10);
  d.finished_ms = r.opt_i64(11);
  d.last_error = r.opt_str(12);
  return d;
}

}  // namespace

std::vector<AlertStateRow> alert_states(Conn& c) {
  std::vector<AlertStateRow> out;
  for (auto& r : c.query(kStates)) {
    AlertStateRow s{r.str(0), r.str(1), r.str(2), r.i64(3), r.i64(4), std::nullopt, r.opt_str(6)};
    if (!r.is_null(5)) s.value = r.f64(5);
    out.push_back(std::move(s));
  }
  return out;
}

void save_alert_state(Conn& c, const AlertStateRow& s) {
  c.exec(kSaveState, {s.rule, s.scope, s.phase, s.since_ms, s.updated_ms,
                      s.value ? Value(*s.value) : Value(nullptr), opt(s.incident_id)});
}

void enqueue_alert_delivery(Conn& c, const NewAlertDelivery& d, int64_t now_ms) {
  c.exec(kEnqueue, {d.id, now_ms, d.event, d.rule, d.target, d.url_hash, d.body, now_ms});
}

std::vector<AlertDelivery> due_alert_deliveries(Conn& c, int64_t now_ms, int64_t limit) {
  std::vector<AlertDelivery> out;
  for (auto& r : c.query(kDue, {now_ms, limit})) out.push_back(delivery_of(r));
  return out;
}

bool claim_alert_delivery(Conn& c, const std::string& id, int64_t seen_next_ms,
                          int64_t hold_until_ms) {
  return c.exec(kClaim, {hold_until_ms, id, seen_next_ms}) == 1;
}

void record_alert_attempt(Conn& c, const std::string& id, const AlertAttempt& a) {
  c.exec(kRecord, {a.status, a.attempts, a.next_attempt_ms, opt_int(a.http_status), opt(a.error),
                   opt_int(a.finished_ms), id});
}

PageOf<AlertDelivery> list_alert_deliveries(Conn& c, PageRequest page) {
  PagedQuery q(kFrom);
  return fetch_page<AlertDelivery>(c, q, kListColumns, kNewestFirst, page, delivery_of);
}

int64_t prune_alert_deliveries(Conn& c, int64_t before_ms) { return c.exec(kPrune, {before_ms}); }

}  // namespace painel::store
