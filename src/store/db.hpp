#pragma once
// The store's connection interface. Repositories (store/*.cpp) write SQL once with `?`
// placeholders; each backend (sqlite/, postgres/) implements Conn, caches prepared
// statements, and rewrites placeholders for its dialect. Dialect-specific SQL lives in the
// backend (migrations, upsert/lock idioms) behind Dialect.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace painel::store {

using Value = std::variant<std::nullptr_t, int64_t, double, std::string>;
using Params = std::vector<Value>;

inline Value opt(const std::optional<std::string>& s) { return s ? Value(*s) : Value(nullptr); }

// "(?,?,?),(?,?,?)": `rows` parenthesized groups of `columns` placeholders, for multi-row
// VALUES lists (and, as one row, for IN lists).
std::string placeholder_rows(size_t columns, size_t rows);

// IN lists over any number of values: a statement takes them kInListChunk at a time, the
// last chunk padded by repeating its last value (a repeat does not change what an IN list
// matches), so every chunk runs the same statement text, prepared once, and no statement
// nears a backend's parameter limit.
constexpr size_t kInListChunk = 100;
const std::string& in_list_placeholders();  // "(?,?,…)": kInListChunk of them
// Calls run(chunk) with each chunk of the n values (value_at(i): the i-th, text or an
// integer) as kInListChunk parameters; run returns false to stop.
template <class ValueAt, class Run>
void for_in_chunks(size_t n, ValueAt value_at, Run run) {
  Params chunk;
  for (size_t i = 0; i < n; i += kInListChunk) {
    chunk.clear();
    for (size_t j = 0; j < kInListChunk; ++j) {
      decltype(auto) v = value_at(std::min(i + j, n - 1));
      if constexpr (std::is_convertible_v<decltype(v), std::string_view>)
        chunk.emplace_back(std::string(std::string_view(v)));
      else
        chunk.emplace_back(static_cast<int64_t>(v));
    }
    if (!run(chunk)) return;
  }
}

// Statements this thread has sent to a store (query, exec, each, each_view; not a
// transaction's BEGIN/COMMIT, not migration scripts): a request runs on one thread, so the
// difference across it is its count (the access log's `statements`, api/app.cpp). Backends
// call note_statement() once per statement they are asked to run.
uint64_t statements_on_this_thread();
void note_statement();

class Row {
 public:
  explicit Row(std::vector<Value> cols) : cols_(std::move(cols)) {}
  bool is_null(size_t i) const { return std::holds_alternative<std::nullptr_t>(cols_.at(i)); }
  int64_t i64(size_t i) const;      // NULL → 0
  double f64(size_t i) const;       // NULL → 0
  std::string str(size_t i) const;  // NULL → ""
  // A text column without a copy (NULL or a non-text value → ""): the same accessor as
  // RowView's, so renderers can take either.
  std::string_view text(size_t i) const {
    auto* s = std::get_if<std::string>(&cols_.at(i));
    return s ? std::string_view(*s) : std::string_view();
  }
  std::optional<std::string> opt_str(size_t i) const;
  std::optional<int64_t> opt_i64(size_t i) const;
  const Value& value(size_t i) const { return cols_.at(i); }  // as the backend read it
  size_t size() const { return cols_.size(); }

 private:
  std::vector<Value> cols_;
};

using Rows = std::vector<Row>;

// A row read in place, for scans over many rows: no allocation per row. Text views are
// valid only until the callback returns.
class RowView {
 public:
  virtual bool is_null(size_t i) const = 0;
  virtual int64_t i64(size_t i) const = 0;            // NULL → 0
  virtual std::string_view text(size_t i) const = 0;  // NULL → ""

 protected:
  ~RowView() = default;
};

// Thrown by backends. `busy` marks lock contention (retryable); `constraint` a violated
// unique/foreign key (callers map it to 409/422).
struct DbError : std::runtime_error {
  enum class Kind { Other, Busy, Constraint, Unavailable } kind;
  DbError(Kind k, const std::string& m) : std::runtime_error(m), kind(k) {}
};

enum class Dialect { Sqlite, Postgres };

// Which lock a write transaction takes on PostgreSQL. Global (the default) takes the one
// advisory lock every such transaction shares, so PostgreSQL writers run one at a time as
// SQLite's do: the repositories' read-then-write sequences stay correct without further
// thought. RowLevel takes none: the transaction relies on its own statements (unique
// constraints with ON CONFLICT, row locks, the audit chain's lock in audit_append) and
// runs beside other writers. Only paths audited for it use RowLevel (docs/architecture.md,
// "Write transactions and locks"). SQLite ignores it: every write is BEGIN IMMEDIATE.
enum class WriteLock { Global, RowLevel };

class Conn {
 public:
  virtual ~Conn() = default;
  virtual Dialect dialect() const = 0;
  virtual Rows query(std::string_view sql, const Params& params = {}) = 0;
  // For statements without results; returns affected rows.
  virtual int64_t exec(std::string_view sql, const Params& params = {}) = 0;
  // Streams rows to a callback without materializing them (large scans).
  virtual void each(std::string_view sql, const Params& params,
                    const std::function<void(const Row&)>& fn) = 0;
  // Streams rows as views (backends that can read in place override it; the default
  // adapts each()).
  virtual void each_view(std::string_view sql, const Params& params,
                         const std::function<void(const RowView&)>& fn);
  // Runs a raw script (migrations); no parameters.
  virtual void exec_script(std::string_view sql) = 0;
  virtual void begin(bool immediate) = 0;
  // A write transaction taking `lock` (see WriteLock); begin(true) is begin_write(Global).
  // Backends without a global lock (SQLite) take their only kind of write transaction.
  virtual void begin_write(WriteLock lock) {
    (void)lock;
    begin(true);
  }
  virtual void commit() = 0;
  virtual void rollback() = 0;
  virtual bool in_transaction() const = 0;
  // Keeps one server session for this connection between pin and unpin, across statements
  // and transactions (nested pins count). A pooled PostgreSQL connection otherwise borrows
  // any session per statement or transaction: state kept by the session, like a job
  // lease's advisory lock, would be taken on one session and released on another (where
  // it is not held). SQLite: one connection per thread already, nothing to do.
  virtual void pin_session() {}
  virtual void unpin_session() {}

  // The audit chain's HMAC key (store/audit.cpp): the owning Store points every connection
  // it hands out at its own key (Store::set_audit_key), set once at start; "" = none.
  const std::string& audit_key() const { return audit_key_ ? *audit_key_ : kNoKey; }
  void use_audit_key(const std::string* key) { audit_key_ = key; }

 private:
  static inline const std::string kNoKey;
  const std::string* audit_key_ = nullptr;
};

// RAII pin_session/unpin_session.
class PinnedSession {
 public:
  explicit PinnedSession(Conn& c) : c_(c) { c_.pin_session(); }
  ~PinnedSession() {
    try {
      c_.unpin_session();
    } catch (...) {
    }
  }
  PinnedSession(const PinnedSession&) = delete;
  PinnedSession& operator=(const PinnedSession&) = delete;

 private:
  Conn& c_;
};

// RAII transaction: rolls back unless commit() was called.
class Tx {
 public:
  explicit Tx(Conn& c, bool write = true) : c_(c) { c_.begin(write); }
  // A write transaction with an explicit lock mode (WriteLock::RowLevel: see its comment).
  Tx(Conn& c, WriteLock lock) : c_(c) { c_.begin_write(lock); }
  ~Tx() {
    if (!done_) try {
        c_.rollback();
      } catch (...) {
      }
  }
  void commit() {
    c_.commit();
    done_ = true;
  }
  Tx(const Tx&) = delete;
  Tx& operator=(const Tx&) = delete;

 private:
  Conn& c_;
  bool done_ = false;
};

}  // namespace painel::store
