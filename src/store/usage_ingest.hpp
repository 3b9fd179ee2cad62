#pragma once
// Raw usage ingestion: a validated batch stored in one transaction, idempotent on
// event_id, marking each (day, tenant) it touches dirty for the aggregation job.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "store/db.hpp"
#include "store/store.hpp"

namespace painel::store {

// The texts are views: the caller keeps them alive until insert/submit returns (ingestion
// views the request body, parsed in place, so a batch copies no string per event).
struct UsageEvent {
  std::string_view event_id, tenant_id, agent_id;
  int64_t occurred_at_ms = 0;
  bool success = true;
  int64_t response_time_ms = 0, tokens_used = 0, cost_cents = 0;
};

struct IngestResult {
  int64_t accepted = 0, duplicates = 0;
};

// Index of the first event whose (tenant, agent) is unknown or not contracted, and which
// one failed ("tenant_id" or "agent_id"); -1 if all are fine.
struct ReferenceCheck {
  int64_t index = -1;
  std::string field, detail;
};
ReferenceCheck check_event_references(Conn& c, const std::vector<UsageEvent>& events);
// Each event's local day (days since the epoch of its local calendar date): the date of
// occurred_at in its tenant's time zone (tenants.time_zone), read now. A tenant the store
// does not list counts in kDefaultTimeZone. One query per 100 distinct tenants.
std::vector<int64_t> event_local_days(Conn& c, const std::vector<UsageEvent>& events);
// Runs inside the caller's write transaction; days are event_local_days'.
IngestResult insert_usage_events(Conn& c, const std::vector<UsageEvent>& events, int64_t now_ms);

// Who sent a batch. The writer records it as one audit row (action "usage.ingest", actor
// the key id, metadata {accepted, duplicates, events}) in the transaction that stores the
// batch, so the row exists exactly when the events do.
struct IngestSource {
  std::string key_id;
  std::optional<std::string> tenant_id;  // the key's tenant scope, if any
  std::optional<std::string> request_id, ip;
};

struct IngestOutcome {
  ReferenceCheck rejected;  // index >= 0: nothing of the batch was stored
  IngestResult result;
};

// Group commit for POST /ingest/usage. Each batch is checked (check_event_references) on
// the caller's thread and rejected whole, or queued; batches queued while a transaction
// is being written go together into the next one, written by one thread. Why: a commit
// costs about one page write per page it changed, and a batch of 1000 events with
// random tenants (and often random event ids) changes hundreds of index pages, so
// sharing the transaction spreads that cost; and concurrent requests queue on a condition
// variable here instead of polling in SQLite's busy handler (which sleeps up to 100 ms).
// On PostgreSQL it likewise saves a commit per batch; the transaction takes no global
// write lock there (WriteLock::RowLevel: instances ingest side by side, see run()).
class IngestWriter {
 public:
  explicit IngestWriter(Store& s) : store_(s) {}
  ~IngestWriter();  // writes what is queued, then stops the thread
  IngestWriter(const IngestWriter&) = delete;
  IngestWriter& operator=(const IngestWriter&) = delete;

  // Blocks until the batch's transaction committed; rethrows the store's error if it
  // failed (every batch of that transaction gets it; none of them was stored).
  // `source`, when given, is audited with the batch.
  IngestOutcome submit(const std::vector<UsageEvent>& events, int64_t now_ms,
                       const IngestSource* source = nullptr);

 private:
  struct Pending {
    const std::vector<UsageEvent>* events;
    std::vector<int64_t> local_days;  // event_local_days, computed before queueing
    int64_t now_ms;
    const IngestSource* source;
    IngestOutcome outcome;
    std::exception_ptr error;
    bool done = false;
  };
  void run();
  Store& store_;
  std::mutex mu_;
  std::condition_variable queued_, written_;
  std::deque<Pending*> queue_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace painel::store
