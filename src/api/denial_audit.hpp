#pragma once
// Audit rows for refused requests (401 missing/bad token, 401 bad ingest key, 403 group not
// allowed), aggregated so that a client hammering 401s costs memory in a bounded map, not
// one write transaction per request: record() only counts, per (actor or IP, reason,
// route, minute); flush() writes one "auth.denied" row per key with the count in its
// metadata, all in one transaction. Flushed by a job every few seconds and at shutdown.
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include "obs/metrics.hpp"
#include "store/store.hpp"

namespace painel::api {

struct Denial {
  std::string_view reason;  // "missing_token", "bad_token", "bad_ingest_key", "forbidden"
  int status = 401;
  std::string_view method, route;  // the matched route's pattern, never the raw path
  std::optional<std::string_view> actor, role, tenant_id;  // when authenticated (403)
  std::string_view ip, request_id;
};

class DenialAudit {
 public:
  // max_keys bounds the buffer: past it, denials are counted under one overflow key per
  // reason and minute (actor "*", route "*").
  explicit DenialAudit(obs::Metrics& m, size_t max_keys = 10000);
  // Never touches the store: safe on a network thread, cheap under a flood.
  void record(const Denial& d, int64_t now_ms);
  // One transaction for everything buffered; returns the rows written. On a store error
  // the counts are kept for the next flush (within the bound) and the error rethrown.
  size_t flush(store::Store& s, int64_t now_ms);
  size_t pending() const;

 private:
  // (minute, reason, actor-or-IP, method + route)
  using Key = std::tuple<int64_t, std::string, std::string, std::string>;
  struct Entry {
    int status = 401;
    int64_t count = 0, first_ms = 0, last_ms = 0;
    std::optional<std::string> actor, role, tenant_id;
    std::string ip, request_id;  // of the first denial in the window
  };
  void merge(Key k, Entry e);
  obs::Metrics& metrics_;
  size_t max_keys_;
  mutable std::mutex mu_;
  std::map<Key, Entry> pending_;
};

}  // namespace painel::api
