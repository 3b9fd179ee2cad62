#pragma once
// Optional filters + count + page, the shape of every list query: a WHERE clause built
// from the filters the caller set, a count(*) of the matches for `total`, and one page of
// them with LIMIT/OFFSET. Clauses are constants of the calling repository with `?`
// placeholders; values are only ever bound, never spliced into the SQL text.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "store/db.hpp"

namespace painel::store {

struct PageRequest {
  int64_t limit = 50, offset = 0;
};

// One page of a list and the number of rows matching its filters.
template <class T>
struct PageOf {
  std::vector<T> items;
  int64_t total = 0;
};

class PagedQuery {
 public:
  // `from`: the FROM part ("FROM incidents", "FROM tenants t JOIN …"), a constant.
  explicit PagedQuery(std::string_view from) : from_(from), count_from_(from) {}
  // `count_from`: the FROM the count reads instead, when `from` joins tables only for
  // columns (a join that can neither drop nor repeat a row: a foreign key NOT NULL to a
  // primary key, or a LEFT JOIN to one) and every filter is on the tables `count_from`
  // keeps (same aliases); the count then skips the join.
  PagedQuery(std::string_view from, std::string_view count_from)
      : from_(from), count_from_(count_from) {}

  // Adds " AND <clause>"; `clause` holds one `?` per value (a constant, never input).
  PagedQuery& where(std::string_view clause, Params values);
  PagedQuery& where(std::string_view clause, Value value) {
    return where(clause, Params{std::move(value)});
  }

  // SELECT count(*) over the filters.
  int64_t count(Conn& c) const;
  // Streams the page: SELECT <columns> <from> <where> ORDER BY <order_by> LIMIT ? OFFSET ?.
  // `column_params` bind the placeholders of `columns` (they come before the filters').
  // `order_by` is a constant of the caller (whitelisted columns only).
  void each_view(Conn& c, std::string_view columns, const Params& column_params,
                 std::string_view order_by, PageRequest page,
                 const std::function<void(const RowView&)>& fn) const;
  Rows rows(Conn& c, std::string_view columns, std::string_view order_by, PageRequest page) const;

  const std::string& where_sql() const { return where_; }
  const Params& params() const { return params_; }

 private:
  std::string page_sql(std::string_view columns, std::string_view order_by) const;
  Params page_params(const Params& column_params, PageRequest page) const;

  std::string from_;
  std::string count_from_;
  std::string where_;
  Params params_;
};

// Count and page in one call, each row turned into a T by `of_row`.
template <class T, class F>
PageOf<T> fetch_page(Conn& c, const PagedQuery& q, std::string_view columns,
                     std::string_view order_by, PageRequest page, F of_row) {
  PageOf<T> out;
  out.total = q.count(c);
  for (auto& r : q.rows(c, columns, order_by, page)) out.items.push_back(of_row(r));
  return out;
}

}  // namespace painel::store
