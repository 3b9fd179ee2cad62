#include "store/postgres/pg_conn.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

namespace painel::store {
namespace {

// A write transaction with WriteLock::Global (begin(true), Tx(c, true), Store::write(fn))
// takes this transaction-scoped advisory lock first: the PostgreSQL reading of `BEGIN
// IMMEDIATE`. Most repositories were written against SQLite's single writer and rely on it
// for their read-then-write sequences (Idempotency-Key claims, MRR recomputation, login
// throttles); one lock keeps them correct on several instances without changing them, at
// the price that PostgreSQL writers run one at a time. WriteLock::RowLevel takes no lock
// here (a plain BEGIN, as readers): only paths audited to be correct beside other writers
// use it — usage ingestion today (IngestWriter). The audit chain, which both kinds of
// transaction append to, has its own lock (audit.cpp). Lock order, to keep waits acyclic:
// this global lock, then usage_dirty_days rows, then the ingest barrier
// (usage_aggregate.cpp), then the audit chain lock (taken last: audit rows are appended at
// the end of a transaction). docs/architecture.md, "Write transactions and locks".
constexpr const char* kBeginWrite = "BEGIN; SELECT pg_advisory_xact_lock(7022364355625379937)";

// Statements prepared per session before the cache is dropped (dynamic SQL is bounded in
// practice; this only guards against a leak).
constexpr size_t kMaxPrepared = 2000;

void no_notices(void*, const char*) {}

std::string format_double(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  return buf;
}

}  // namespace

// Owns a PGresult.
struct PgConn::Result {
  PGresult* r = nullptr;
  explicit Result(PGresult* p) : r(p) {}
  Result(Result&& o) noexcept : r(o.r) { o.r = nullptr; }
  Result& operator=(Result&&) = delete;
  ~Result() { PQclear(r); }
};

PgConn::PgConn(PgConnOptions opts) : opts_(std::move(opts)) { connect(); }

PgConn::~PgConn() {
  if (pg_) PQfinish(pg_);
}

void PgConn::connect() {
  if (pg_) {
    PQfinish(pg_);
    pg_ = nullptr;
  }
  prepared_.clear();
  in_tx_ = false;
  // Earlier keywords are defaults the URL (expanded from dbname) may override.
  const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* vals[] = {"5", opts_.application_name.c_str(), opts_.url.c_str(), nullptr};
  PGconn* pg = PQconnectdbParams(keys, vals, 1);
  if (!pg || PQstatus(pg) != CONNECTION_OK) {
    std::string msg = pg ? PQerrorMessage(pg) : "out of memory";
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    if (pg) PQfinish(pg);
    throw DbError(DbError::Kind::Unavailable, "cannot connect to PostgreSQL: " + msg);
  }
  PQsetNoticeProcessor(pg, no_notices, nullptr);
  pg_ = pg;
  std::string setup =
      "SET TIME ZONE 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'iso_8601'; "
      "SET standard_conforming_strings = on; SET statement_timeout = " +
      std::to_string(std::max(0, opts_.statement_timeout_ms));
  PGresult* r = PQexec(pg_, setup.c_str());
  if (PQresultStatus(r) != PGRES_COMMAND_OK) fail(r, "session setup");
  PQclear(r);
}

bool PgConn::healthy() const {
  return pg_ && PQstatus(pg_) == CONNECTION_OK && PQtransactionStatus(pg_) != PQTRANS_INERROR;
}

int PgConn::backend_pid() const { return pg_ ? PQbackendPID(pg_) : 0; }

void PgConn::ensure_connected() {
  if (pg_ && PQstatus(pg_) == CONNECTION_OK) return;
  if (in_tx_)
    throw DbError(DbError::Kind::Unavailable, "PostgreSQL connection lost in a transaction");
  connect();
}

void PgConn::fail(PGresult* res, std::string_view what) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string sqlstate = state ? state : "";
  std::string msg = res ? PQresultErrorMessage(res) : "";
  if (msg.empty() && pg_) msg = PQerrorMessage(pg_);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  PQclear(res);
  DbError::Kind kind = DbError::Kind::Other;
  bool lost = !pg_ || PQstatus(pg_) != CONNECTION_OK;
  if (lost || sqlstate.rfind("08", 0) == 0 || sqlstate == "57P01" || sqlstate == "57P02" ||
      sqlstate == "57P03" || sqlstate == "57014")  // 57014: statement_timeout
    kind = DbError::Kind::Unavailable;
  else if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03")
    kind = DbError::Kind::Busy;
  else if (sqlstate.rfind("23", 0) == 0)
    kind = DbError::Kind::Constraint;
  throw DbError(kind,
                std::string(what) + ": " + msg + (sqlstate.empty() ? "" : " [" + sqlstate + "]"));
}

const std::string& PgConn::statement_for(std::string_view sql) {
  std::string key(sql);
  auto it = prepared_.find(key);
  if (it == prepared_.end()) {
    if (prepared_.size() >= kMaxPrepared) {
      PQclear(PQexec(pg_, "DEALLOCATE ALL"));
      prepared_.clear();
    }
    std::string name = "p" + std::to_string(++next_stmt_);
    std::string text = rewrite_placeholders(sql);
    PGresult* r = PQprepare(pg_, name.c_str(), text.c_str(), 0, nullptr);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) fail(r, "prepare");
    PQclear(r);
    it = prepared_.emplace(std::move(key), std::move(name)).first;
  }
  return it->second;
}

PgConn::Bound PgConn::bind(const Params& params) {
  Bound b{std::vector<std::string>(params.size()),
          std::vector<const char*>(params.size(), nullptr)};
  for (size_t i = 0; i < params.size(); ++i) {
    const Value& p = params[i];
    if (auto v = std::get_if<int64_t>(&p)) {
      b.text[i] = std::to_string(*v);
      b.values[i] = b.text[i].c_str();
    } else if (auto d = std::get_if<double>(&p)) {
      b.text[i] = format_double(*d);
      b.values[i] = b.text[i].c_str();
    } else if (auto s = std::get_if<std::string>(&p)) {
      b.values[i] = s->c_str();
    }
  }
  return b;
}

PgConn::Result PgConn::run_once(std::string_view sql, const Params& params) {
  ensure_connected();
  const std::string& name = statement_for(sql);
  auto it = prepared_.find(std::string(sql));
  Bound b = bind(params);
  PGresult* r = PQexecPrepared(pg_, name.c_str(), static_cast<int>(params.size()), b.values.data(),
                               nullptr, nullptr, 0);
  auto st = PQresultStatus(r);
  if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) return Result(r);
  const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  // A statement prepared before a schema change ("cached plan must not change result
  // type") or dropped behind our back (a pooler's DISCARD): prepare again, once.
  if (state && (std::strcmp(state, "0A000") == 0 || std::strcmp(state, "26000") == 0) && !in_tx_) {
    PQclear(r);
    PQclear(PQexec(pg_, ("DEALLOCATE " + it->second).c_str()));
    prepared_.erase(it);
    throw DbError(DbError::Kind::Busy, "retry: stale prepared statement");
  }
  fail(r, "query");
}

PgConn::Result PgConn::run(std::string_view sql, const Params& params) {
  note_statement();
  for (int attempt = 0;; ++attempt) {
    bool was_in_tx = in_tx_;
    try {
      return run_once(sql, params);
    } catch (const DbError& e) {
      bool lost = !pg_ || PQstatus(pg_) != CONNECTION_OK;
      bool stale =
          e.kind == DbError::Kind::Busy && std::string_view(e.what()).rfind("retry: ", 0) == 0;
      // Outside a transaction the statement can simply run again on a new session.
      if (attempt > 0 || was_in_tx || !(lost || stale)) throw;
      if (lost) connect();
    }
  }
}

PgConn::Result PgConn::simple(const std::string& sql) {
  for (int attempt = 0;; ++attempt) {
    bool was_in_tx = in_tx_;
    try {
      ensure_connected();
      PGresult* r = PQexec(pg_, sql.c_str());
      auto st = PQresultStatus(r);
      if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK || st == PGRES_EMPTY_QUERY)
        return Result(r);
      fail(r, "statement");
    } catch (const DbError& e) {
      bool lost = !pg_ || PQstatus(pg_) != CONNECTION_OK;
      if (attempt > 0 || was_in_tx || !lost) throw;
      connect();
    }
  }
}

Rows PgConn::query(std::string_view sql, const Params& params) {
  Rows out;
  each(sql, params, [&](const Row& r) { out.push_back(r); });
  return out;
}

int64_t PgConn::exec(std::string_view sql, const Params& params) {
  Result r = run(sql, params);
  const char* n = PQcmdTuples(r.r);
  return n && *n ? std::strtoll(n, nullptr, 10) : 0;
}

// The result is read whole before the callback runs, so the callback may use this
// connection again (nested queries work as they do on SQLite).
void PgConn::each(std::string_view sql, const Params& params,
                  const std::function<void(const Row&)>& fn) {
  Result r = run(sql, params);
  int rows = PQntuples(r.r), cols = PQnfields(r.r);
  std::vector<unsigned> types(static_cast<size_t>(cols));
  for (int c = 0; c < cols; ++c) types[static_cast<size_t>(c)] = PQftype(r.r, c);
  std::vector<Value> vals;
  for (int i = 0; i < rows; ++i) {
    vals.clear();
    vals.reserve(static_cast<size_t>(cols));
    for (int c = 0; c < cols; ++c) {
      if (PQgetisnull(r.r, i, c)) {
        vals.emplace_back(nullptr);
      } else {
        std::string_view t(PQgetvalue(r.r, i, c), static_cast<size_t>(PQgetlength(r.r, i, c)));
        vals.push_back(pg_text_to_value(types[static_cast<size_t>(c)], t));
      }
    }
    fn(Row(std::move(vals)));
    vals = {};
  }
}

namespace {

// One row of a result, read in place (each_view, PgResultRows).
struct ResultRowView final : RowView {
  PGresult* r = nullptr;
  int row = 0;
  std::vector<unsigned> types;
  void take_types() {
    if (types.empty())
      for (int c = 0; c < PQnfields(r); ++c) types.push_back(PQftype(r, c));
  }
  bool is_null(size_t i) const override { return PQgetisnull(r, row, static_cast<int>(i)); }
  std::string_view raw(size_t i) const {
    return {PQgetvalue(r, row, static_cast<int>(i)),
            static_cast<size_t>(PQgetlength(r, row, static_cast<int>(i)))};
  }
  int64_t i64(size_t i) const override {
    if (is_null(i)) return 0;
    auto v = pg_text_to_value(types[i], raw(i));
    if (auto n = std::get_if<int64_t>(&v)) return *n;
    if (auto d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
    return 0;
  }
  std::string_view text(size_t i) const override {
    if (is_null(i)) return {};
    // Ids, dates and text come back exactly as stored. Timestamps come in the server's
    // format and are given as RFC 3339 UTC, as in a Row (pg_text_to_value): converted
    // into the column's scratch string, valid until the next row.
    if (types[i] == kTimestampOid || types[i] == kTimestamptzOid) {
      if (scratch.size() < types.size()) scratch.resize(types.size());
      auto v = pg_text_to_value(types[i], raw(i));
      scratch[i] = std::move(std::get<std::string>(v));
      return scratch[i];
    }
    return raw(i);
  }
  static constexpr unsigned kTimestampOid = 1114, kTimestamptzOid = 1184;
  mutable std::vector<std::string> scratch;
};

}  // namespace

void PgResultRows::each_view(const std::function<void(const RowView&)>& fn) const {
  if (!r_) return;
  ResultRowView view;
  view.r = r_;
  view.take_types();
  for (int i = 0, n = PQntuples(r_); i < n; ++i) {
    view.row = i;
    fn(view);
  }
}

PgResultRows PgConn::read(std::string_view sql, const Params& params) {
  Result r = run(sql, params);
  PgResultRows rows(r.r);
  r.r = nullptr;
  return rows;
}

void PgConn::each_view(std::string_view sql, const Params& params,
                       const std::function<void(const RowView&)>& fn) {
  note_statement();
  ensure_connected();
  const std::string& name = statement_for(sql);
  Bound b = bind(params);
  if (!PQsendQueryPrepared(pg_, name.c_str(), static_cast<int>(params.size()), b.values.data(),
                           nullptr, nullptr, 0) ||
      !PQsetSingleRowMode(pg_))
    fail(nullptr, "query");
  ResultRowView view;  // row 0 of each single-row result
  // Every result must be consumed, even after a failure, before the connection is usable.
  std::exception_ptr error;
  PGresult* failed = nullptr;
  while (PGresult* r = PQgetResult(pg_)) {
    auto st = PQresultStatus(r);
    if (st == PGRES_SINGLE_TUPLE && !error && !failed) {
      view.r = r;
      view.take_types();
      try {
        fn(view);
      } catch (...) {
        error = std::current_exception();
      }
      PQclear(r);
    } else if (st == PGRES_TUPLES_OK || st == PGRES_SINGLE_TUPLE) {
      PQclear(r);
    } else if (!failed) {
      failed = r;  // kept for its message; the loop drains the rest
    } else {
      PQclear(r);
    }
  }
  if (failed) fail(failed, "query");
  if (error) std::rethrow_exception(error);
}

void PgConn::exec_script(std::string_view sql) { simple(std::string(sql)); }

void PgConn::begin(bool immediate) { begin_with(immediate ? kBeginWrite : "BEGIN"); }

void PgConn::begin_write(WriteLock lock) {
  begin_with(lock == WriteLock::Global ? kBeginWrite : "BEGIN");
}

void PgConn::begin_with(const char* sql) {
  if (in_tx_) throw DbError(DbError::Kind::Other, "begin: already in a transaction");
  try {
    simple(sql);
  } catch (const DbError& e) {
    bool up = pg_ && PQstatus(pg_) == CONNECTION_OK;
    if (up && PQtransactionStatus(pg_) != PQTRANS_IDLE) PQclear(PQexec(pg_, "ROLLBACK"));
    // Waiting for the write lock longer than statement_timeout: contention, retryable.
    if (up && std::string_view(e.what()).find("[57014]") != std::string_view::npos)
      throw DbError(DbError::Kind::Busy, "begin: timed out waiting for another writer");
    throw;
  }
  in_tx_ = true;
}

void PgConn::commit() {
  if (!in_tx_) throw DbError(DbError::Kind::Other, "commit: no transaction");
  if (!pg_ || PQstatus(pg_) != CONNECTION_OK) {
    in_tx_ = false;
    throw DbError(DbError::Kind::Unavailable, "commit: PostgreSQL connection lost");
  }
  PGresult* r = PQexec(pg_, "COMMIT");
  in_tx_ = PQtransactionStatus(pg_) != PQTRANS_IDLE && PQstatus(pg_) == CONNECTION_OK;
  if (PQresultStatus(r) != PGRES_COMMAND_OK) {
    in_tx_ = false;
    fail(r, "commit");
  }
  // COMMIT of a transaction that had failed answers ROLLBACK: that is not a success.
  bool rolled_back = std::strcmp(PQcmdStatus(r), "ROLLBACK") == 0;
  PQclear(r);
  in_tx_ = false;
  if (rolled_back)
    throw DbError(DbError::Kind::Other, "commit: the transaction had failed and was rolled back");
}

void PgConn::rollback() {
  if (!in_tx_) return;
  in_tx_ = false;
  if (!pg_ || PQstatus(pg_) != CONNECTION_OK) return;  // the server dropped it already
  PQclear(PQexec(pg_, "ROLLBACK"));
}

}  // namespace painel::store
