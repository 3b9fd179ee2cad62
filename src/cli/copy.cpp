// `painel copy --from sqlite:PATH --to postgresql://...`: moves an embedded deployment to
// PostgreSQL. The source is opened read-only and read in one transaction (a consistent
// snapshot even if a server still writes to it). The target is migrated, must hold no data,
// and is written in one transaction, so a failure leaves it as it was. The tables are the
// source schema's, copied parents first (by the target's foreign keys) in batched multi-row
// INSERTs of bound parameters. Values go as SQLite holds them (integers, text; NULL) and
// PostgreSQL parses each into its column's type (uuid, timestamptz from the RFC 3339 text,
// date, jsonb, bigint): the very conversion it applies when the repositories write them.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <regex>
#include <set>

#include "cli/progress.hpp"
#include "cli/subcommands.hpp"
#include "store/audit.hpp"
#include "store/postgres/pg_store.hpp"
#include "store/sqlite/sqlite_conn.hpp"
#include "store/tenants.hpp"

namespace painel::cli {
namespace {

using store::Conn;
using store::Params;

// Rows per INSERT, and bound parameters per INSERT (PostgreSQL's limit is 65535).
constexpr size_t kBatchRows = 1000, kMaxParams = 60000;
constexpr const char* kMigrationsTable = "schema_migrations";  // each side migrates itself

struct Table {
  std::string name;
  std::vector<std::string> columns;  // the source's, in its order
  std::vector<std::string> serials;  // target columns owning a sequence
  bool identity_always = false;      // an identity column needs OVERRIDING SYSTEM VALUE
  int64_t source_rows = 0;
};

struct TargetColumn {
  bool identity_always = false, serial = false;
};

// The target's product tables: columns by table, and foreign keys as child → parents.
struct TargetSchema {
  std::map<std::string, std::map<std::string, TargetColumn>> tables;
  std::map<std::string, std::set<std::string>> parents;
};

std::string ident(std::string_view name) {  // identifiers come from the schemas, never values
  std::string out = "\"";
  for (char ch : name) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + '"';
}

int64_t scalar(Conn& c, const std::string& sql, const Params& params = {}) {
  return c.query(sql, params)[0].i64(0);
}

std::string column_list(const Table& t) {
  std::string out;
  for (auto& c : t.columns) out += (out.empty() ? "" : ", ") + ident(c);
  return out;
}

std::string source_path(const std::string& from) {
  if (from.rfind("postgres", 0) == 0) throw UsageError("--from must be sqlite:PATH");
  std::string path = from.rfind("sqlite:", 0) == 0 ? from.substr(7) : from;
  std::error_code ec;
  if (path.empty() || !std::filesystem::is_regular_file(path, ec))
    throw UsageError("source database " + (path.empty() ? from : path) + " does not exist");
  return path;
}

std::unique_ptr<store::SqliteConn> open_source(const std::string& path) {
  std::unique_ptr<store::SqliteConn> c;
  int64_t version = 0;
  try {
    c = std::make_unique<store::SqliteConn>(path, true);
    if (!scalar(*c, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
                {kMigrationsTable}))
      throw UsageError("source " + path + " is not a Painel database (no schema_migrations)");
    version = scalar(*c, "SELECT coalesce(max(version), 0) FROM schema_migrations");
  } catch (const store::DbError& e) {
    throw UsageError("cannot read source database " + path + ": " + e.what());
  }
  int64_t latest = store::sqlite_migrations().back().version;
  if (version != latest)
    throw UsageError(fmt::format(
        "source {} is at schema version {}, this binary's is {}: {}", path, version, latest,
        version < latest ? "run `painel migrate --database sqlite:" + path + "` first"
                         : "copy it with the painel version that wrote it"));
  return c;
}

TargetSchema read_target_schema(Conn& dst) {
  TargetSchema s;
  dst.each(
      "SELECT c.relname, a.attname, a.attidentity, "
      "pg_get_serial_sequence(quote_ident(n.nspname) || '.' || quote_ident(c.relname), "
      "a.attname) IS NOT NULL "
      "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
      "JOIN pg_attribute a ON a.attrelid = c.oid "
      "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 "
      "AND NOT a.attisdropped AND c.relname <> ? ORDER BY c.relname, a.attnum",
      {kMigrationsTable}, [&](const store::Row& r) {
        s.tables[r.str(0)][r.str(1)] = {r.str(2) == "a", r.i64(3) != 0};
      });
  dst.each(
      "SELECT c.relname, p.relname FROM pg_constraint k "
      "JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid "
      "JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE k.contype = 'f' AND n.nspname = current_schema()",
      {}, [&](const store::Row& r) { s.parents[r.str(0)].insert(r.str(1)); });
  return s;
}

// The source's tables in an order the target's foreign keys accept (parents first; ties
// by name), each matched to its target table. Refuses a source table or column the target
// lacks rather than dropping its data.
std::vector<Table> plan_tables(Conn& src, const TargetSchema& target) {
  std::map<std::string, Table> by_name;
  for (auto& r : src.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT "
                           "LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> ? ORDER BY name",
                           {kMigrationsTable})) {
    Table t;
    t.name = r.str(0);
    auto tt = target.tables.find(t.name);
    if (tt == target.tables.end())
      throw UsageError("source table " + t.name + " does not exist in the target schema");
    for (auto& c : src.query("SELECT name FROM pragma_table_info(?) ORDER BY cid", {t.name})) {
      auto tc = tt->second.find(c.str(0));
      if (tc == tt->second.end())
        throw UsageError("source column " + t.name + "." + c.str(0) + " does not exist in the " +
                         "target schema");
      t.columns.push_back(c.str(0));
      t.identity_always = t.identity_always || tc->second.identity_always;
      if (tc->second.serial) t.serials.push_back(c.str(0));
    }
    t.source_rows = scalar(src, "SELECT count(*) FROM " + ident(t.name));
    by_name.emplace(t.name, std::move(t));
  }
  std::vector<Table> order;
  std::set<std::string> done;
  while (!by_name.empty()) {
    auto ready = std::find_if(by_name.begin(), by_name.end(), [&](auto& kv) {
      auto p = target.parents.find(kv.first);
      if (p == target.parents.end()) return true;
      return std::all_of(p->second.begin(), p->second.end(), [&](const std::string& parent) {
        return parent == kv.first || done.count(parent) || !by_name.count(parent);
      });
    });
    if (ready == by_name.end())
      throw std::runtime_error("the target's foreign keys form a cycle; cannot order the copy");
    done.insert(ready->first);
    order.push_back(std::move(ready->second));
    by_name.erase(ready);
  }
  return order;
}

// Tables the migrations fill with reference rows (the plan catalog): found in the
// migrations' SQL, not listed here, so a new seeded table is handled without a change.
// Only INSERT ... VALUES seeds: an INSERT ... SELECT derives rows from data already there
// (migration 5's running totals), so such a table is copied and checked like any other.
std::set<std::string> seeded_tables() {
  static const std::regex insert(R"re(\bINSERT\s+INTO\s+"?(\w+)"?\s*(\([^)]*\)\s*)?VALUES\b)re",
                                 std::regex::icase);
  std::set<std::string> out;
  for (auto& m : store::postgres_migrations())
    for (std::sregex_iterator it(m.sql.begin(), m.sql.end(), insert), end; it != end; ++it)
      out.insert((*it)[1].str());
  return out;
}

// Makes the target ready to receive the rows, inside the copy's transaction. Product
// tables must be empty; rows the migrations seeded are replaced by the source's. --force
// empties everything instead, the append-only audit log's triggers lifted for the moment.
void prepare_target(Conn& dst, const TargetSchema& target, bool force) {
  auto seeded = seeded_tables();
  std::vector<std::string> holding;
  for (auto& [name, _] : target.tables)
    if (!seeded.count(name) && scalar(dst, "SELECT EXISTS (SELECT 1 FROM " + ident(name) + ")"))
      holding.push_back(name);
  if (!holding.empty() && !force) {
    std::string list;
    for (auto& n : holding) list += (list.empty() ? "" : ", ") + n;
    throw UsageError("the target already holds data (" + list +
                     "): copy into an empty database, or pass --force to empty it first");
  }
  if (!force) {
    for (auto& name : seeded)
      if (target.tables.count(name)) dst.exec("DELETE FROM " + ident(name), {});
    return;
  }
  auto triggers = dst.query(
      "SELECT c.relname, g.tgname FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid "
      "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() "
      "AND NOT g.tgisinternal AND g.tgenabled <> 'D' AND c.relname <> ?",
      {kMigrationsTable});
  for (auto& t : triggers)
    dst.exec("ALTER TABLE " + ident(t.str(0)) + " DISABLE TRIGGER " + ident(t.str(1)), {});
  std::string all;
  for (auto& [name, _] : target.tables) all += (all.empty() ? "" : ", ") + ident(name);
  if (!all.empty()) dst.exec("TRUNCATE " + all + " RESTART IDENTITY", {});
  for (auto& t : triggers)
    dst.exec("ALTER TABLE " + ident(t.str(0)) + " ENABLE TRIGGER " + ident(t.str(1)), {});
  std::cerr << "copy: --force: emptied " << target.tables.size() << " target tables\n";
}

struct Tally {
  size_t tables_done = 0, tables = 0;
  int64_t rows = 0, total = 0;
};

void copy_table(Conn& src, Conn& dst, const Table& t, Progress& progress, Tally& tally) {
  const size_t n = t.columns.size();
  const size_t batch = std::clamp<size_t>(kMaxParams / std::max<size_t>(n, 1), 1, kBatchRows);
  const std::string cols = column_list(t);
  auto insert_sql = [&](size_t rows) {
    return "INSERT INTO " + ident(t.name) + " (" + cols + ")" +
           (t.identity_always ? " OVERRIDING SYSTEM VALUE" : "") + " VALUES " +
           store::placeholder_rows(n, rows);
  };
  const std::string full = insert_sql(batch);  // prepared once, reused for every full batch
  Params params;
  params.reserve(batch * n);
  size_t pending = 0;
  auto flush = [&] {
    if (pending == 0) return;
    dst.exec(pending == batch ? full : insert_sql(pending), params);
    tally.rows += static_cast<int64_t>(pending);
    params.clear();
    pending = 0;
    progress.draw(tally.rows,
                  fmt::format("{}/{} tables  {} rows  {:.0f} rows/s  ETA {:.0f}s  {}",
                              tally.tables_done, tally.tables, tally.rows,
                              progress.per_second(tally.rows), progress.eta(tally.rows), t.name),
                  false);
  };
  try {
    src.each("SELECT " + cols + " FROM " + ident(t.name), {}, [&](const store::Row& r) {
      for (size_t i = 0; i < n; ++i) params.push_back(r.value(i));
      if (++pending == batch) flush();
    });
    flush();
  } catch (const store::DbError& e) {
    throw std::runtime_error("copying " + t.name + ": " + e.what());
  }
  ++tally.tables_done;
  if (!progress.on_terminal())
    std::fprintf(stderr, "copy: %s: %lld rows (%zu/%zu tables, %lld/%lld rows, %.0f rows/s)\n",
                 t.name.c_str(), static_cast<long long>(t.source_rows), tally.tables_done,
                 tally.tables, static_cast<long long>(tally.rows),
                 static_cast<long long>(tally.total), progress.per_second(tally.rows));
}

// Points every sequence past the copied ids (and past SQLite's AUTOINCREMENT high-water
// mark, which never hands out an id twice), so new rows do not collide with copied ones.
void reset_sequences(Conn& src, Conn& dst, const std::vector<Table>& tables) {
  bool autoinc = scalar(src, "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'");
  for (auto& t : tables)
    for (auto& col : t.serials) {
      int64_t top =
          scalar(dst, "SELECT coalesce(max(" + ident(col) + "), 0) FROM " + ident(t.name));
      if (autoinc && t.serials.size() == 1)
        top = std::max(
            top, scalar(src, "SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = ?",
                        {t.name}));
      dst.query("SELECT setval(pg_get_serial_sequence(?, ?), ?, false)",
                {ident(t.name), col, top + 1});
    }
}

}  // namespace

int cmd_copy(const std::string& from, const std::string& to, bool force) {
  std::string path = source_path(from);
  if (to.rfind("postgresql://", 0) != 0 && to.rfind("postgres://", 0) != 0)
    throw UsageError("--to must be a postgresql:// URL");
  auto src = open_source(path);
  // Both chains verify with the source's audit key (the copy is served with its master key).
  const std::string audit_key = audit_key_for("sqlite:" + path, false);
  src->use_audit_key(&audit_key);

  store::StoreOptions so;
  so.pool_size = 2;
  so.statement_timeout_ms = 0;  // large batches and the final counts may take a while
  auto target = store::Store::open(to, so);
  target->set_audit_key(audit_key);
  Conn& dst = target->conn();
  auto enc = dst.query("SELECT current_setting('server_encoding')", {})[0].str(0);
  if (enc != "UTF8")
    throw UsageError("the target database's encoding is " + enc + ", not UTF8: create it with " +
                     "ENCODING 'UTF8'");
  int applied = target->migrate("");
  std::cerr << "copy: target " << target->describe() << " at schema version "
            << target->schema_version() << " (" << applied << " migration(s) applied)\n";

  store::Tx snapshot(*src, false);  // every read below sees one consistent state
  TargetSchema schema = read_target_schema(dst);
  std::vector<Table> tables = plan_tables(*src, schema);
  Tally tally;
  tally.tables = tables.size();
  for (auto& t : tables) tally.total += t.source_rows;

  {
    // One transaction: a failure leaves the target as it was. Opened as a write
    // transaction, it holds the global write lock, which excludes only the writers that
    // still take it (docs/architecture.md, "Audit of the write call sites"): routes,
    // logins and ingestion do not. With --force, the TRUNCATE below locks every table
    // (ACCESS EXCLUSIVE) until the commit, so a serving instance waits for the copy;
    // without it the target must hold no data, i.e. nothing may serve it yet.
    store::Tx tx(dst, true);
    prepare_target(dst, schema, force);
    std::cerr << "copy: " << tally.total << " rows in " << tally.tables
              << " tables from sqlite:" << path << "\n";
    Progress progress(tally.total);
    // billing_mrr_hours is copied like any table; the trigger that keeps it from the status
    // history (migration 30) would add every copied history row to it a second time.
    dst.exec("ALTER TABLE tenant_status_history DISABLE TRIGGER tenant_status_history_billing", {});
    for (auto& t : tables) copy_table(*src, dst, t, progress, tally);
    dst.exec("ALTER TABLE tenant_status_history ENABLE TRIGGER tenant_status_history_billing", {});
    reset_sequences(*src, dst, tables);
    store::recount_tenant_children(dst);  // the child rows' inserts fired the count triggers
    progress.draw(tally.rows,
                  fmt::format("{}/{} tables  {} rows  {:.0f} rows/s  committing", tally.tables_done,
                              tally.tables, tally.rows, progress.per_second(tally.rows)),
                  true);
    tx.commit();
    std::cerr << fmt::format("copy: copied {} rows in {:.1f}s ({:.0f} rows/s)\n", tally.rows,
                             progress.seconds(), progress.per_second(tally.rows));
  }

  // Verification against the committed target: row counts per table, and the audit log's
  // hash chain (it must verify on the target exactly as on the source).
  bool ok = true;
  size_t width = 5;
  for (auto& t : tables) width = std::max(width, t.name.size());
  std::cout << fmt::format("{:<{}}  {:>12}  {:>12}\n", "table", width, "source", "target");
  for (auto& t : tables) {
    int64_t n = scalar(dst, "SELECT count(*) FROM " + ident(t.name));
    bool same = n == t.source_rows;
    ok = ok && same;
    std::cout << fmt::format("{:<{}}  {:>12}  {:>12}{}\n", t.name, width, t.source_rows, n,
                             same ? "" : "  MISMATCH");
  }
  if (schema.tables.count("operational_events")) {
    auto a = store::audit_verify(*src), b = store::audit_verify(dst);
    bool same = a.ok == b.ok && a.checked == b.checked && a.first_bad_id == b.first_bad_id;
    ok = ok && same;
    std::cout << "audit chain: source "
              << (a.ok ? "verifies" : "BROKEN at " + a.first_bad_id.value_or("?")) << " ("
              << a.checked << " events), target "
              << (b.ok ? "verifies" : "BROKEN at " + b.first_bad_id.value_or("?")) << " ("
              << b.checked << " events)\n";
    if (a.problem == "no_key")
      std::cerr << "copy: the audit chain is keyed by the master key: set PAINEL_MASTER_KEY to "
                   "the source's to verify it\n";
  }
  auto key_file = std::filesystem::path(path).parent_path() / "master.key";
  if (std::filesystem::exists(key_file))
    std::cerr << "copy: serve the copy with PAINEL_MASTER_KEY set to the content of "
              << key_file.string() << " (the signing keys were copied sealed under it)\n";
  std::cout << (ok ? "copy verified: same row count in every table, same audit chain\n"
                   : "copy NOT verified: see above\n");
  return ok ? 0 : 1;
}

}  // namespace painel::cli
