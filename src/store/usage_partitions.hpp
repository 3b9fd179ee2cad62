#pragma once
// Raw usage events by UTC day on PostgreSQL (issue 20 item 3, migration 27): usage_events
// is range-partitioned on occurred_at_ms, one partition per day d named
// usage_events_dYYYYMMDD and holding [d*86400000, (d+1)*86400000), plus
// usage_events_default for the events of a day without one (ingestion never fails for
// lack of a partition). Run by jobs::UsageRetentionJob; PostgreSQL only (SQLite has one
// unpartitioned table). DDL takes no parameters: every table name here is built from an
// integer day, never from client input.
#include <cstdint>
#include <string>
#include <vector>

#include "store/db.hpp"

namespace painel::store {

// "usage_events_d20261204" for 2026-12-04.
std::string usage_partition_name(int64_t day);

// Days that have their own partition, ascending.
std::vector<int64_t> usage_partition_days(Conn& c);

// Gives `day` its partition unless it has one; true if created. The table is created
// standalone, the day's events in DEFAULT (if any) moved into it, then it is attached, in
// the caller's write transaction: readers see the events in DEFAULT or in the new
// partition, never neither nor both, and ids are kept. Attaching takes a SHARE UPDATE
// EXCLUSIVE lock on usage_events (ingestion proceeds) and an ACCESS EXCLUSIVE one on
// DEFAULT (scanned to check that none of its rows belong to the day: keep it small).
// Waits at most 5 s for a lock (then throws; the next run tries again).
bool create_usage_partition(Conn& c, int64_t day);

// Days from `from_day` on with events in DEFAULT (that should get a partition), ascending,
// at most `limit`.
std::vector<int64_t> usage_default_days(Conn& c, int64_t from_day, int64_t limit);

// Retention drops a day in two write transactions: detach_usage_partition takes the
// partition out of usage_events (an ACCESS EXCLUSIVE lock on usage_events for a catalog
// change only: milliseconds; waits at most 5 s for it, then throws), then
// drop_detached_usage_partition drops that standalone table with its events, whose files
// are removed at commit (~0.7 s for 10 M events) while usage_events is not locked (run it
// in a plain transaction, not a Store::write, whose global write lock would be held as
// long). Both do nothing if there is nothing to do. A table left detached (a crash between the two)
// is listed by detached_usage_partition_days and dropped by the next run.
void detach_usage_partition(Conn& c, int64_t day);
void drop_detached_usage_partition(Conn& c, int64_t day);
std::vector<int64_t> detached_usage_partition_days(Conn& c);

// Deletes at most `limit` events of days before `before_day` from DEFAULT, in the caller's
// transaction; the number deleted.
int64_t delete_default_events_before(Conn& c, int64_t before_day, int64_t limit);

}  // namespace painel::store
