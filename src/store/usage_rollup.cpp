#include "store/usage_rollup.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <functional>
#include <optional>
#include <set>
#include <unordered_map>

#include "core/time.hpp"

namespace painel::store {
namespace {

constexpr const char* kRowsOfTenant =
    "SELECT agent_id, total_requests, successful_requests, sum_response_time_ms FROM "
    "tenant_usage_daily WHERE tenant_id = ? AND day = ?";
constexpr const char* kRowsOfDay =
    "SELECT tenant_id, agent_id, total_requests, successful_requests, sum_response_time_ms "
    "FROM tenant_usage_daily WHERE day = ?";
constexpr const char* kOrdinal = "SELECT ordinal FROM usage_tenant_ordinals WHERE tenant_id = ?";
constexpr const char* kAllOrdinals = "SELECT tenant_id, ordinal FROM usage_tenant_ordinals";
constexpr const char* kTenantsOfOrdinals =
    "SELECT tenant_id, ordinal FROM usage_tenant_ordinals WHERE ordinal IN ";
// The next dense ordinal: the writer holds the write lock (see usage_rollup.hpp).
constexpr const char* kNewOrdinal =
    "INSERT INTO usage_tenant_ordinals(tenant_id, ordinal) VALUES (?, (SELECT "
    "coalesce(max(ordinal), -1) + 1 FROM usage_tenant_ordinals)) RETURNING ordinal";
constexpr const char* kRollupRow =
    "SELECT total_requests, successful_requests, sum_response_time_ms, tenants, tenant_bits, "
    "tenant_totals FROM platform_usage_daily WHERE day = ? AND agent_id = ?";
constexpr const char* kUpsertRollup =
    "INSERT INTO platform_usage_daily(day, agent_id, total_requests, successful_requests, "
    "sum_response_time_ms, tenants, tenant_bits, tenant_totals) VALUES (?,?,?,?,?,?,?,?) ON "
    "CONFLICT(day, agent_id) DO UPDATE SET total_requests = excluded.total_requests, "
    "successful_requests = excluded.successful_requests, sum_response_time_ms = "
    "excluded.sum_response_time_ms, tenants = excluded.tenants, tenant_bits = "
    "excluded.tenant_bits, tenant_totals = excluded.tenant_totals";
constexpr const char* kDeleteRollupRow =
    "DELETE FROM platform_usage_daily WHERE day = ? AND agent_id = ?";
constexpr const char* kDeleteRollupDay = "DELETE FROM platform_usage_daily WHERE day = ?";
constexpr const char* kState =
    "SELECT complete, backfilled_through FROM usage_rollup_state WHERE id = 1";
constexpr const char* kMarkIncomplete =
    "UPDATE usage_rollup_state SET complete = 0, backfilled_through = NULL WHERE id = 1";
constexpr const char* kSetBackfilled =
    "UPDATE usage_rollup_state SET backfilled_through = ? WHERE id = 1";
constexpr const char* kMarkComplete =
    "UPDATE usage_rollup_state SET complete = 1, backfilled_through = NULL WHERE id = 1";
constexpr const char* kFirstDay = "SELECT min(day) FROM tenant_usage_daily";
constexpr const char* kNextDay = "SELECT min(day) FROM tenant_usage_daily WHERE day > ?";
// Rollup rows of days left without daily rows (none if every writer kept the invariant).
constexpr const char* kDeleteOrphans =
    "DELETE FROM platform_usage_daily WHERE NOT EXISTS (SELECT 1 FROM tenant_usage_daily d "
    "WHERE d.day = platform_usage_daily.day)";
constexpr const char* kDays =
    "SELECT day, total_requests, successful_requests, sum_response_time_ms, tenants FROM "
    "platform_usage_daily WHERE day BETWEEN ? AND ? AND agent_id = '' ORDER BY day";
constexpr const char* kAgents =
    "SELECT agent_id, sum(total_requests), sum(successful_requests), sum(sum_response_time_ms) "
    "FROM platform_usage_daily WHERE day BETWEEN ? AND ? AND agent_id <> '' GROUP BY agent_id";
// The lists a period sums (rollup_spans): its head and tail days', its whole blocks'.
constexpr const char* kPeriodLists =
    "SELECT tenant_totals FROM platform_usage_daily WHERE agent_id = '' AND (day BETWEEN ? AND "
    "? OR day BETWEEN ? AND ?) UNION ALL SELECT tenant_totals FROM platform_usage_blocks WHERE "
    "first_day BETWEEN ? AND ? AND agent_id = ''";
// The same for agents' bitmaps: {agents} is an IN list, filled in by rollup_agent_tenants.
constexpr const char* kPeriodBits =
    "SELECT agent_id, tenant_bits FROM platform_usage_daily WHERE agent_id IN {agents} AND (day "
    "BETWEEN ? AND ? OR day BETWEEN ? AND ?) UNION ALL SELECT agent_id, tenant_bits FROM "
    "platform_usage_blocks WHERE agent_id IN {agents} AND first_day BETWEEN ? AND ?";
constexpr const char* kDayAgents =
    "SELECT agent_id FROM platform_usage_daily WHERE day = ? AND agent_id <> ''";
constexpr const char* kDayBitsInOrder =
    "SELECT day, agent_id, tenant_bits FROM platform_usage_daily WHERE agent_id <> '' ORDER BY "
    "day";
constexpr const char* kDayList =
    "SELECT tenant_totals FROM platform_usage_daily WHERE day = ? AND agent_id = ''";
constexpr const char* kDayListsInOrder =
    "SELECT day, tenant_totals FROM platform_usage_daily WHERE agent_id = '' ORDER BY day";
constexpr const char* kBlockList =
    "SELECT tenant_totals FROM platform_usage_blocks WHERE first_day = ? AND agent_id = ''";
constexpr const char* kUpsertBlock =
    "INSERT INTO platform_usage_blocks(first_day, agent_id, tenant_totals, tenant_bits) VALUES "
    "(?, ?, ?, ?) ON CONFLICT(first_day, agent_id) DO UPDATE SET tenant_totals = "
    "excluded.tenant_totals, tenant_bits = excluded.tenant_bits";
constexpr const char* kDeleteBlock =
    "DELETE FROM platform_usage_blocks WHERE first_day = ? AND agent_id = ?";
constexpr const char* kDeleteBlocks = "DELETE FROM platform_usage_blocks";
constexpr const char* kAgentBits =
    "SELECT tenant_bits FROM platform_usage_daily WHERE day BETWEEN ? AND ? AND agent_id = ?";

constexpr char kHex[] = "0123456789abcdef";

// A hex digit's value (0 for anything else), by table: the overview ORs ~90 bitmaps of a
// few kB for each top agent.
constexpr auto kHexValue = [] {
  std::array<uint8_t, 256> t{};
  for (int i = 0; i < 10; ++i) t['0' + i] = static_cast<uint8_t>(i);
  for (int i = 0; i < 6; ++i) {
    t['a' + i] = static_cast<uint8_t>(10 + i);
    t['A' + i] = static_cast<uint8_t>(10 + i);
  }
  return t;
}();

int hex_value(char ch) { return kHexValue[static_cast<unsigned char>(ch)]; }

std::vector<uint8_t> decode(const std::string& hex) {
  std::vector<uint8_t> out(hex.size() / 2);
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<uint8_t>(hex_value(hex[2 * i]) << 4 | hex_value(hex[2 * i + 1]));
  return out;
}

std::string encode(std::vector<uint8_t> bits) {
  while (!bits.empty() && bits.back() == 0) bits.pop_back();
  std::string out;
  out.reserve(bits.size() * 2);
  for (uint8_t b : bits) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

void set_bit(std::vector<uint8_t>& bits, int64_t ordinal) {
  auto byte = static_cast<size_t>(ordinal / 8);
  if (bits.size() <= byte) bits.resize(byte + 1, 0);
  bits[byte] |= static_cast<uint8_t>(1u << (ordinal % 8));
}

void clear_bit(std::vector<uint8_t>& bits, int64_t ordinal) {
  if (auto byte = static_cast<size_t>(ordinal / 8); byte < bits.size())
    bits[byte] &= static_cast<uint8_t>(~(1u << (ordinal % 8)));
}

std::optional<int64_t> find_ordinal(Conn& c, const std::string& tenant) {
  Rows r = c.query(kOrdinal, {tenant});
  if (r.empty()) return std::nullopt;
  return r[0].i64(0);
}

// The ordinals one delta needs. A fold of a busy day changes every active tenant's total:
// past kReadAllPast tenants, one read of the whole table (10 000 rows: a few ms) instead
// of a query per tenant (on PostgreSQL a round trip each).
class Ordinals {
 public:
  static constexpr size_t kReadAllPast = 64;
  Ordinals(Conn& c, size_t tenants) : c_(c) {
    if (tenants > kReadAllPast) {
      for (auto& r : c.query(kAllOrdinals)) known_.emplace(r.str(0), r.i64(1));
      all_ = true;
    }
  }
  std::optional<int64_t> find(const std::string& tenant) {
    if (auto it = known_.find(tenant); it != known_.end()) return it->second;
    if (all_) return std::nullopt;
    return find_ordinal(c_, tenant);
  }
  int64_t ensure(const std::string& tenant) {
    if (auto o = find(tenant)) return *o;
    int64_t o = c_.query(kNewOrdinal, {tenant})[0].i64(0);
    known_.emplace(tenant, o);
    return o;
  }

 private:
  Conn& c_;
  std::unordered_map<std::string, int64_t> known_;
  bool all_ = false;
};

// One rollup row's change.
struct Delta {
  RollupFigures sums;
  int64_t tenants = 0;
  std::vector<std::pair<std::string, bool>> bits;       // tenant, now present
  std::vector<std::pair<std::string, int64_t>> totals;  // the day row: tenant, change
};

// The totals lists' digits (usage_rollup.hpp): a digit that ends its number, one that does
// not, and the sign.
constexpr char kLastDigit[] = "0123456789abcdefghijklmnopqrstuv";
constexpr char kMoreDigit[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZwxyz_.";
constexpr int8_t kNotDigit = -1, kMinus = -2;
// Character → 0..31 (last digit), 32..63 (32 + a digit with more to come), kMinus or kNotDigit.
constexpr auto kDigitOf = [] {
  std::array<int8_t, 256> t{};
  t.fill(kNotDigit);
  for (int i = 0; i < 32; ++i) {
    t[static_cast<unsigned char>(kLastDigit[i])] = static_cast<int8_t>(i);
    t[static_cast<unsigned char>(kMoreDigit[i])] = static_cast<int8_t>(32 + i);
  }
  t['-'] = kMinus;
  return t;
}();

// Adds `change` (by ordinal) to `acc`.
void add_totals(std::vector<int64_t>& acc, const std::vector<int64_t>& change) {
  if (acc.size() < change.size()) acc.resize(change.size(), 0);
  for (size_t i = 0; i < change.size(); ++i) acc[i] += change[i];
}

bool all_zero(const std::vector<int64_t>& v) {
  return std::all_of(v.begin(), v.end(), [](int64_t n) { return n == 0; });
}

// Adds a day's change of its totals list (by ordinal) to its block's list.
void add_to_block(Conn& c, const std::string& day, const std::vector<int64_t>& change) {
  auto d = parse_day(day);
  if (!d || all_zero(change)) return;
  const std::string first = format_day(rollup_block_of(*d));
  std::vector<int64_t> v;
  if (Rows r = c.query(kBlockList, {first}); !r.empty()) tenant_totals_add(v, r[0].text(0));
  add_totals(v, change);
  if (all_zero(v))
    c.exec(kDeleteBlock, {first, std::string()});
  else
    c.exec(kUpsertBlock, {first, std::string(), format_tenant_totals(v), Value(nullptr)});
}

// The agent's block bitmap again, the OR of its days' (after one of them changed: a bit
// cleared in a day may still be set in another, so it is not a delta).
void rebuild_block_bits(Conn& c, const std::string& day, const std::string& agent) {
  auto d = parse_day(day);
  if (!d) return;
  const int64_t first = rollup_block_of(*d);
  std::vector<uint8_t> acc;
  c.each_view(kAgentBits, {format_day(first), format_day(first + kRollupBlockDays - 1), agent},
              [&](const RowView& r) { bitmap_or(acc, r.text(0)); });
  std::string hex = encode(std::move(acc));
  if (hex.empty())
    c.exec(kDeleteBlock, {format_day(first), agent});
  else
    c.exec(kUpsertBlock, {format_day(first), agent, Value(nullptr), hex});
}

void add(RollupFigures& to, const RollupFigures& f, int64_t sign) {
  to.total += sign * f.total;
  to.successful += sign * f.successful;
  to.response_ms += sign * f.response_ms;
}

void write_row(Conn& c, const std::string& day, const std::string& agent, const Delta& d,
               Ordinals& ordinals) {
  RollupFigures now;
  int64_t tenants = 0;
  std::optional<std::string> bits, totals;
  if (Rows r = c.query(kRollupRow, {day, agent}); !r.empty()) {
    now = {r[0].i64(0), r[0].i64(1), r[0].i64(2)};
    tenants = r[0].i64(3);
    if (!r[0].is_null(4)) bits = r[0].str(4);
    if (!r[0].is_null(5)) totals = r[0].str(5);
  }
  add(now, d.sums, 1);
  tenants += d.tenants;
  if (tenants <= 0) {     // no tenant has a row for it any more
    if (agent.empty()) {  // the day's list leaves its block
      std::vector<int64_t> change;
      tenant_totals_add(change, totals.value_or(""));
      for (auto& n : change) n = -n;
      add_to_block(c, day, change);
    }
    c.exec(kDeleteRollupRow, {day, agent});
    if (!agent.empty()) rebuild_block_bits(c, day, agent);
    return;
  }
  if (!agent.empty()) {
    std::vector<uint8_t> b = decode(bits.value_or(""));
    for (auto& [tenant, on] : d.bits) {
      if (on) {
        set_bit(b, ordinals.ensure(tenant));
      } else if (auto o = ordinals.find(tenant)) {
        clear_bit(b, *o);
      }
    }
    bits = encode(std::move(b));
  } else {
    std::vector<int64_t> v, change;
    tenant_totals_add(v, totals.value_or(""));
    for (auto& [tenant, n] : d.totals) {
      auto o = static_cast<size_t>(ordinals.ensure(tenant));
      if (change.size() <= o) change.resize(o + 1, 0);
      change[o] += n;
    }
    add_totals(v, change);
    add_to_block(c, day, change);
    totals = format_tenant_totals(v);
  }
  c.exec(kUpsertRollup,
         {day, agent, now.total, now.successful, now.response_ms, tenants, opt(bits), opt(totals)});
  if (!agent.empty() && !d.bits.empty()) rebuild_block_bits(c, day, agent);
}

bool changed(const Delta& d) {
  return d.sums.total || d.sums.successful || d.sums.response_ms || d.tenants || !d.bits.empty() ||
         !d.totals.empty();
}

std::optional<std::string> state_day(const Row& r) {
  if (r.is_null(1)) return std::nullopt;
  return r.str(1);
}

}  // namespace

std::string bitmap_set(const std::string& hex, int64_t ordinal, bool on) {
  std::vector<uint8_t> bits = decode(hex);
  if (on)
    set_bit(bits, ordinal);
  else
    clear_bit(bits, ordinal);
  return encode(std::move(bits));
}

void bitmap_or(std::vector<uint8_t>& acc, std::string_view hex) {
  if (acc.size() < hex.size() / 2) acc.resize(hex.size() / 2, 0);
  for (size_t i = 0; i < hex.size() / 2; ++i)
    acc[i] |= static_cast<uint8_t>(hex_value(hex[2 * i]) << 4 | hex_value(hex[2 * i + 1]));
}

std::string format_tenant_totals(const std::vector<int64_t>& v) {
  size_t n = v.size();
  while (n > 0 && v[n - 1] == 0) --n;
  std::string out;
  out.reserve(n * 2);
  char digits[16];
  for (size_t i = 0; i < n; ++i) {
    if (v[i] < 0) out.push_back('-');
    uint64_t m = v[i] < 0 ? 0 - static_cast<uint64_t>(v[i]) : static_cast<uint64_t>(v[i]);
    size_t k = 0;
    do {
      digits[k++] = static_cast<char>(m % 32);
      m /= 32;
    } while (m);
    while (k > 1) out.push_back(kMoreDigit[static_cast<size_t>(digits[--k])]);
    out.push_back(kLastDigit[static_cast<size_t>(digits[0])]);
  }
  return out;
}

void tenant_totals_add(std::vector<int64_t>& acc, std::string_view list) {
  size_t i = 0;
  int64_t v = 0;
  bool neg = false;
  for (char ch : list) {
    const int8_t k = kDigitOf[static_cast<unsigned char>(ch)];
    if (k >= 32) {
      v = v * 32 + (k - 32);
    } else if (k >= 0) {
      v = v * 32 + k;
      if (v != 0) {
        if (acc.size() <= i) acc.resize(i + 1, 0);
        acc[i] += neg ? -v : v;
      }
      ++i;
      v = 0;
      neg = false;
    } else if (k == kMinus) {
      neg = true;
    }
  }
}

int64_t rollup_block_of(int64_t day) {
  return day - ((day % kRollupBlockDays) + kRollupBlockDays) % kRollupBlockDays;
}

RollupSpans rollup_spans(int64_t from, int64_t to) {
  const int64_t first = rollup_block_of(from + kRollupBlockDays - 1);  // first whole block
  const int64_t last = rollup_block_of(to + 1) - kRollupBlockDays;     // last whole block
  if (from > to || first > last) return {from, to, first, first - 1, to + 1, to};
  return {from, first - 1, first, last, last + kRollupBlockDays, to};
}

int64_t bitmap_count(const std::vector<uint8_t>& bits) {
  int64_t n = 0;
  for (uint8_t b : bits) n += std::popcount(b);
  return n;
}

RollupRows rollup_rows_of(Conn& c, const std::string& day,
                          const std::vector<std::string>& tenants) {
  RollupRows out;
  for (auto& t : tenants)
    for (auto& r : c.query(kRowsOfTenant, {t, day}))
      out[{t, r.str(0)}] = {r.i64(1), r.i64(2), r.i64(3)};
  return out;
}

void apply_rollup_growth(Conn& c, const std::string& day, const std::vector<RollupGrowth>& rows) {
  std::map<std::string, Delta, std::less<>> agents;
  Delta whole;
  size_t tenants = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const RollupGrowth& g = rows[i];
    auto it = agents.find(g.agent);
    if (it == agents.end()) it = agents.emplace(std::string(g.agent), Delta{}).first;
    Delta& d = it->second;
    add(d.sums, g.added, 1);
    add(whole.sums, g.added, 1);
    if (g.new_row) {
      d.tenants += 1;
      d.bits.emplace_back(std::string(g.tenant), true);
    }
    if (i == 0 || g.tenant != rows[i - 1].tenant) {  // the tenant's first row
      ++tenants;
      if (g.new_tenant) whole.tenants += 1;
      whole.totals.emplace_back(std::string(g.tenant), 0);
    }
    whole.totals.back().second += g.added.total;
  }
  std::erase_if(whole.totals, [](auto& t) { return t.second == 0; });
  Ordinals ordinals(c, tenants);
  for (auto& [agent, d] : agents)
    if (changed(d)) write_row(c, day, agent, d, ordinals);
  if (changed(whole)) write_row(c, day, "", whole, ordinals);
}

void apply_rollup_delta(Conn& c, const std::string& day, const RollupRows& before,
                        const RollupRows& after) {
  std::map<std::string, Delta> agents;
  Delta whole;
  std::set<std::string> tenants_before, tenants_after;
  for (auto& [k, f] : before) {
    tenants_before.insert(k.first);
    Delta& d = agents[k.second];
    add(d.sums, f, -1);
    add(whole.sums, f, -1);
    if (!after.count(k)) {
      d.tenants -= 1;
      d.bits.emplace_back(k.first, false);
    }
  }
  for (auto& [k, f] : after) {
    tenants_after.insert(k.first);
    Delta& d = agents[k.second];
    add(d.sums, f, 1);
    add(whole.sums, f, 1);
    if (!before.count(k)) {
      d.tenants += 1;
      d.bits.emplace_back(k.first, true);
    }
  }
  std::map<std::string, int64_t> change;  // each tenant's total_requests of the day
  for (auto& [k, f] : before) change[k.first] -= f.total;
  for (auto& [k, f] : after) change[k.first] += f.total;
  for (auto& [t, n] : change)
    if (n != 0) whole.totals.emplace_back(t, n);
  for (auto& t : tenants_before)
    if (!tenants_after.count(t)) whole.tenants -= 1;
  for (auto& t : tenants_after)
    if (!tenants_before.count(t)) whole.tenants += 1;
  Ordinals ordinals(c, std::max(tenants_before.size(), tenants_after.size()));
  for (auto& [agent, d] : agents)
    if (changed(d)) write_row(c, day, agent, d, ordinals);
  if (changed(whole)) write_row(c, day, "", whole, ordinals);
}

void rebuild_platform_usage_day(Conn& c, const std::string& day) {
  struct Acc {
    RollupFigures sums;
    int64_t tenants = 0;
    std::vector<uint8_t> bits;
  };
  std::map<std::string, Acc> agents;
  Acc whole;
  std::vector<std::pair<std::string, std::string>> pairs;  // (tenant, agent) of the day
  std::vector<int64_t> pair_totals;                        // their total_requests
  c.each(kRowsOfDay, {day}, [&](const Row& r) {
    RollupFigures f{r.i64(2), r.i64(3), r.i64(4)};
    pairs.emplace_back(r.str(0), r.str(1));
    pair_totals.push_back(f.total);
    Acc& a = agents[pairs.back().second];
    add(a.sums, f, 1);
    a.tenants += 1;
    add(whole.sums, f, 1);
  });
  Ordinals ordinals(c, pairs.empty() ? 0 : Ordinals::kReadAllPast + 1);  // read all at once
  std::set<std::string> day_tenants;
  std::vector<int64_t> totals;  // by ordinal
  for (size_t i = 0; i < pairs.size(); ++i) {
    auto& [tenant, agent] = pairs[i];
    const int64_t ordinal = ordinals.ensure(tenant);
    set_bit(agents[agent].bits, ordinal);
    day_tenants.insert(tenant);
    auto o = static_cast<size_t>(ordinal);
    if (totals.size() <= o) totals.resize(o + 1, 0);
    totals[o] += pair_totals[i];
  }
  whole.tenants = static_cast<int64_t>(day_tenants.size());
  std::vector<int64_t> change;  // the day's list, new minus old, for its block
  if (Rows r = c.query(kDayList, {day}); !r.empty()) tenant_totals_add(change, r[0].text(0));
  for (auto& n : change) n = -n;
  add_totals(change, totals);
  add_to_block(c, day, change);
  std::set<std::string> block_agents;  // the agents of the day, before and after
  for (auto& r : c.query(kDayAgents, {day})) block_agents.insert(r.str(0));
  c.exec(kDeleteRollupDay, {day});
  for (auto& [agent, a] : agents) {
    block_agents.insert(agent);
    c.exec(kUpsertRollup, {day, agent, a.sums.total, a.sums.successful, a.sums.response_ms,
                           a.tenants, encode(std::move(a.bits)), Value(nullptr)});
  }
  if (whole.tenants > 0)
    c.exec(kUpsertRollup,
           {day, std::string(), whole.sums.total, whole.sums.successful, whole.sums.response_ms,
            whole.tenants, Value(nullptr), format_tenant_totals(totals)});
  for (auto& agent : block_agents) rebuild_block_bits(c, day, agent);
}

void rebuild_platform_usage_blocks(Conn& c) {
  std::map<int64_t, std::vector<int64_t>> lists;
  c.each_view(kDayListsInOrder, {}, [&](const RowView& r) {
    if (auto d = parse_day(r.text(0))) tenant_totals_add(lists[rollup_block_of(*d)], r.text(1));
  });
  std::map<std::pair<int64_t, std::string>, std::vector<uint8_t>> bits;
  c.each_view(kDayBitsInOrder, {}, [&](const RowView& r) {
    if (auto d = parse_day(r.text(0)))
      bitmap_or(bits[{rollup_block_of(*d), std::string(r.text(1))}], r.text(2));
  });
  c.exec(kDeleteBlocks);
  for (auto& [first, v] : lists)
    if (!all_zero(v))
      c.exec(kUpsertBlock,
             {format_day(first), std::string(), format_tenant_totals(v), Value(nullptr)});
  for (auto& [key, b] : bits)
    if (std::string hex = encode(std::move(b)); !hex.empty())
      c.exec(kUpsertBlock, {format_day(key.first), key.second, Value(nullptr), hex});
}

bool rollup_complete(Conn& c) {
  Rows r = c.query(kState);
  return !r.empty() && r[0].i64(0) != 0;
}

void mark_rollup_incomplete(Conn& c) { c.exec(kMarkIncomplete); }

RollupBackfill backfill_rollup(Conn& c, int64_t max_days) {
  RollupBackfill out;
  for (;;) {
    Tx tx(c, true);
    Rows st = c.query(kState);
    if (st.empty() || st[0].i64(0) != 0) {
      out.complete = true;
      return out;
    }
    if (out.days >= max_days) return out;
    auto after = state_day(st[0]);
    Rows next = after ? c.query(kNextDay, {*after}) : c.query(kFirstDay);
    if (next.empty() || next[0].is_null(0)) {
      c.exec(kDeleteOrphans);
      rebuild_platform_usage_blocks(c);
      c.exec(kMarkComplete);
      tx.commit();
      out.complete = true;
      return out;
    }
    const std::string day = next[0].str(0);
    rebuild_platform_usage_day(c, day);
    c.exec(kSetBackfilled, {day});
    tx.commit();
    out.days += 1;
  }
}

std::vector<RollupDay> rollup_days(Conn& c, const std::string& from, const std::string& to) {
  std::vector<RollupDay> out;
  for (auto& r : c.query(kDays, {from, to}))
    out.push_back({r.str(0), {r.i64(1), r.i64(2), r.i64(3)}, r.i64(4)});
  return out;
}

std::map<std::string, RollupFigures> rollup_agents(Conn& c, const std::string& from,
                                                   const std::string& to) {
  std::map<std::string, RollupFigures> out;
  for (auto& r : c.query(kAgents, {from, to})) out[r.str(0)] = {r.i64(1), r.i64(2), r.i64(3)};
  return out;
}

std::vector<std::pair<std::string, int64_t>> rollup_tenant_totals(Conn& c, const std::string& from,
                                                                  const std::string& to,
                                                                  size_t top) {
  auto f = parse_day(from), t = parse_day(to);
  if (!f || !t || top == 0) return {};
  const RollupSpans s = rollup_spans(*f, *t);
  std::vector<int64_t> acc;
  c.each_view(kPeriodLists,
              {format_day(s.head_from), format_day(s.head_to), format_day(s.tail_from),
               format_day(s.tail_to), format_day(s.blocks_from), format_day(s.blocks_to)},
              [&](const RowView& r) { tenant_totals_add(acc, r.text(0)); });
  // The candidates: positive totals at least the top-th largest (ties included, the caller
  // breaks them by id).
  std::vector<int64_t> positive;
  for (int64_t n : acc)
    if (n > 0) positive.push_back(n);
  int64_t least = 1;
  if (positive.size() > top) {
    auto nth = positive.begin() + static_cast<std::ptrdiff_t>(top - 1);
    std::nth_element(positive.begin(), nth, positive.end(), std::greater<>());
    least = *nth;
  }
  size_t candidates = 0;
  for (int64_t n : acc) candidates += n >= least;
  std::vector<std::pair<std::string, int64_t>> out;
  if (candidates > kNameOneByOne) {  // one read of every ordinal
    for (auto& r : c.query(kAllOrdinals))
      if (auto o = static_cast<size_t>(r.i64(1)); o < acc.size() && acc[o] >= least)
        out.emplace_back(r.str(0), acc[o]);
    return out;
  }
  std::vector<int64_t> ordinals;  // the candidates' names in one statement per chunk
  for (size_t o = 0; o < acc.size(); ++o)
    if (acc[o] >= least) ordinals.push_back(static_cast<int64_t>(o));
  static const std::string sql = kTenantsOfOrdinals + in_list_placeholders();
  for_in_chunks(
      ordinals.size(), [&](size_t i) { return ordinals[i]; },
      [&](const Params& chunk) {
        c.each_view(sql, chunk, [&](const RowView& r) {
          if (auto o = static_cast<size_t>(r.i64(1)); o < acc.size())
            out.emplace_back(std::string(r.text(0)), acc[o]);
        });
        return true;
      });
  return out;
}

std::map<std::string, int64_t> rollup_agent_tenants(Conn& c,
                                                    const std::vector<std::string>& agent_ids,
                                                    const std::string& from,
                                                    const std::string& to) {
  std::map<std::string, int64_t> out;
  auto f = parse_day(from), t = parse_day(to);
  if (!f || !t || agent_ids.empty()) return out;
  const RollupSpans s = rollup_spans(*f, *t);
  static const std::string sql = [] {
    std::string q = kPeriodBits;
    for (size_t at; (at = q.find("{agents}")) != std::string::npos;)
      q.replace(at, 8, in_list_placeholders());
    return q;
  }();
  std::map<std::string, std::vector<uint8_t>, std::less<>> bits;
  Params p;
  for_in_chunks(
      agent_ids.size(), [&](size_t i) { return agent_ids[i]; },
      [&](const Params& chunk) {
        p = chunk;
        for (int64_t d : {s.head_from, s.head_to, s.tail_from, s.tail_to})
          p.emplace_back(format_day(d));
        p.insert(p.end(), chunk.begin(), chunk.end());
        for (int64_t d : {s.blocks_from, s.blocks_to}) p.emplace_back(format_day(d));
        c.each_view(sql, p, [&](const RowView& r) {
          auto it = bits.find(r.text(0));
          if (it == bits.end())
            it = bits.emplace(std::string(r.text(0)), std::vector<uint8_t>{}).first;
          bitmap_or(it->second, r.text(1));
        });
        return true;
      });
  for (auto& id : agent_ids) {
    auto it = bits.find(id);
    out[id] = it == bits.end() ? 0 : bitmap_count(it->second);
  }
  return out;
}

}  // namespace painel::store
