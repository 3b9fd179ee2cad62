#include "store/usage_partitions.hpp"

#include "core/time.hpp"
#include "store/usage_aggregate.hpp"

namespace painel::store {
namespace {

constexpr const char* kPrefix = "usage_events_d";
constexpr int64_t kDayMs = 86400000;

// A lock waited for longer than this fails the run (retried at the next): a DDL statement
// queued behind a long transaction would otherwise hold up every ingestion behind it.
constexpr const char* kLockTimeout = "SELECT set_config('lock_timeout', '5s', true)";
constexpr const char* kPartitions =
    "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
    "WHERE i.inhparent = to_regclass('usage_events') ORDER BY c.relname";
// Day tables that are not partitions: only retention's detach leaves one (a partition is
// created and attached in one transaction).
constexpr const char* kDetached =
    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = current_schema() AND c.relkind = 'r' AND NOT c.relispartition "
    "AND c.relname LIKE 'usage\\_events\\_d%' ORDER BY c.relname";
constexpr const char* kIsPartition =
    "SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
    "WHERE i.inhparent = to_regclass('usage_events') AND c.relname = ?";
constexpr const char* kTableExists =
    "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relname = ? AND n.nspname = current_schema()";
// A partition holds a UTC day (the partition key is occurred_at_ms), not the events'
// local_day (PAINEL_USAGE_EVENT_DAY), which the aggregation and retention's floor go by.
#define PAINEL_USAGE_EVENT_UTC_DAY "occurred_at_ms / 86400000"
constexpr const char* kDefaultDays =
    "SELECT DISTINCT " PAINEL_USAGE_EVENT_UTC_DAY
    " FROM usage_events_default WHERE " PAINEL_USAGE_EVENT_UTC_DAY " >= ? ORDER BY 1 LIMIT ?";
// Events of closed days (local_day below the retention floor).
constexpr const char* kDeleteDefaultBefore =
    "DELETE FROM usage_events_default WHERE id IN (SELECT id FROM usage_events_default "
    "WHERE " PAINEL_USAGE_EVENT_DAY " < ? LIMIT ?)";

}  // namespace

std::string usage_partition_name(int64_t day) {
  std::string d = format_day(day);  // YYYY-MM-DD
  return kPrefix + d.substr(0, 4) + d.substr(5, 2) + d.substr(8, 2);
}

namespace {
// The days of tables named usage_partition_name(day), in the order listed.
std::vector<int64_t> days_of(Rows rows) {
  std::vector<int64_t> days;
  for (auto& r : rows) {
    std::string n = r.str(0);
    if (n.size() != 22 || n.rfind(kPrefix, 0) != 0) continue;  // usage_events_default
    if (auto d = parse_day(n.substr(14, 4) + "-" + n.substr(18, 2) + "-" + n.substr(20, 2)))
      days.push_back(*d);
  }
  return days;
}
}  // namespace

std::vector<int64_t> usage_partition_days(Conn& c) { return days_of(c.query(kPartitions)); }

std::vector<int64_t> detached_usage_partition_days(Conn& c) { return days_of(c.query(kDetached)); }

bool create_usage_partition(Conn& c, int64_t day) {
  const std::string name = usage_partition_name(day);
  c.query(kLockTimeout);
  if (!c.query(kTableExists, {name}).empty()) return false;
  // Standalone first, then attached: CREATE TABLE ... PARTITION OF would lock usage_events
  // exclusively (stopping ingestion) and fail if DEFAULT holds rows of the day.
  c.exec("CREATE TABLE " + name + " (LIKE usage_events INCLUDING DEFAULTS)");
  c.exec("WITH moved AS (DELETE FROM usage_events_default WHERE " PAINEL_USAGE_EVENT_UTC_DAY
         " = ? RETURNING *) INSERT INTO " +
             name + " SELECT * FROM moved",
         {day});
  c.exec("ALTER TABLE usage_events ATTACH PARTITION " + name + " FOR VALUES FROM (" +
         std::to_string(day * kDayMs) + ") TO (" + std::to_string((day + 1) * kDayMs) + ")");
  return true;
}

std::vector<int64_t> usage_default_days(Conn& c, int64_t from_day, int64_t limit) {
  std::vector<int64_t> days;
  for (auto& r : c.query(kDefaultDays, {from_day, limit})) days.push_back(r.i64(0));
  return days;
}

void detach_usage_partition(Conn& c, int64_t day) {
  const std::string name = usage_partition_name(day);
  c.query(kLockTimeout);
  if (c.query(kIsPartition, {name}).empty()) return;
  c.exec("ALTER TABLE usage_events DETACH PARTITION " + name);
}

void drop_detached_usage_partition(Conn& c, int64_t day) {
  const std::string name = usage_partition_name(day);
  c.query(kLockTimeout);
  if (!c.query(kIsPartition, {name}).empty()) return;  // attached: detach it first
  c.exec("DROP TABLE IF EXISTS " + name);
}

int64_t delete_default_events_before(Conn& c, int64_t before_day, int64_t limit) {
  return c.exec(kDeleteDefaultBefore, {before_day, limit});
}

}  // namespace painel::store
