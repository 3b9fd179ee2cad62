#pragma once
// Internals of the demo loader (demo.cpp, demo_usage.cpp): a portable deterministic
// random source and the fixed lists the demo data is drawn from (demo_data.cpp).
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace painel::demo {

// std::mt19937_64's output is fixed by the standard, but std:: distributions are not
// (libstdc++ and libc++ differ), so the distribution maths is ours: one seed gives the
// same data on every platform.
class Rng {
 public:
  explicit Rng(uint64_t seed) : e_(seed) {}
  uint64_t next() { return e_(); }
  double uniform() { return static_cast<double>(e_() >> 11) * 0x1.0p-53; }  // [0, 1)
  int64_t range(int64_t lo, int64_t hi);                                    // [lo, hi]
  bool chance(double p) { return uniform() < p; }
  double normal();                 // standard normal (Box–Muller, no caching)
  int64_t poisson(double lambda);  // exact below 30, normal approximation above
  size_t weighted(const std::vector<double>& weights);
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[static_cast<size_t>(range(0, static_cast<int64_t>(v.size()) - 1))];
  }
  std::string uuid();               // version 4 layout, bits from this stream
  std::string uuid_v7(int64_t ms);  // time-ordered: sorts (and indexes) by ms

 private:
  std::mt19937_64 e_;
};

// SplitMix64 finalizer: independent seeds for separate streams of one demo seed.
uint64_t mix_seed(uint64_t seed, uint64_t stream);

struct AgentDef {
  const char* slug;
  const char* name;
  const char* segment;     // the agent's business area
  const char* subnucleus;  // nigredo | hermes | sophia | atlas | oracle
  const char* description;
  int64_t monthly_price_cents;
  int median_response_ms;
  int mean_tokens;
  double cost_cents_per_1k_tokens;
  double popularity;     // relative chance of being contracted
  const char* affinity;  // tenant segments that favour it (comma-separated), "" = none
};
const std::vector<AgentDef>& agent_catalog();

struct SegmentDef {
  const char* segment;
  double weight;
  // Business kinds; a leading '~' puts the kind after the core name ("Aurora Sistemas").
  std::vector<const char*> kinds;
};
const std::vector<SegmentDef>& segments();
const std::vector<const char*>& name_cores();
const std::vector<const char*>& name_complements();
const std::vector<const char*>& first_names();
const std::vector<const char*>& last_names();

struct IntegrationDef {
  const char* type;  // whatsapp | email | crm | erp | webhook
  std::vector<const char*> names;
  std::vector<const char*> errors;
};
const std::vector<IntegrationDef>& integration_defs();

// Staff-opened incident texts: {title, description}.
const std::vector<std::pair<const char*, const char*>>& staff_incidents();
const std::vector<const char*>& command_errors();

// Share of a weekday's requests in each UTC hour (sums to 1): business hours in
// Brasília time (UTC−3) carry most of the load.
const std::vector<double>& hour_weights_utc();

}  // namespace painel::demo
