#include "store/page.hpp"

namespace painel::store {

PagedQuery& PagedQuery::where(std::string_view clause, Params values) {
  where_.append(where_.empty() ? " WHERE " : " AND ").append(clause);
  for (auto& v : values) params_.push_back(std::move(v));
  return *this;
}

int64_t PagedQuery::count(Conn& c) const {
  std::string sql = "SELECT count(*) ";
  sql.append(count_from_).append(where_);
  return c.query(sql, params_)[0].i64(0);
}

std::string PagedQuery::page_sql(std::string_view columns, std::string_view order_by) const {
  std::string sql = "SELECT ";
  sql.append(columns)
      .append(" ")
      .append(from_)
      .append(where_)
      .append(" ORDER BY ")
      .append(order_by)
      .append(" LIMIT ? OFFSET ?");
  return sql;
}

Params PagedQuery::page_params(const Params& column_params, PageRequest page) const {
  Params p = column_params;
  p.insert(p.end(), params_.begin(), params_.end());
  p.emplace_back(page.limit);
  p.emplace_back(page.offset);
  return p;
}

void PagedQuery::each_view(Conn& c, std::string_view columns, const Params& column_params,
                           std::string_view order_by, PageRequest page,
                           const std::function<void(const RowView&)>& fn) const {
  c.each_view(page_sql(columns, order_by), page_params(column_params, page), fn);
}

Rows PagedQuery::rows(Conn& c, std::string_view columns, std::string_view order_by,
                      PageRequest page) const {
  return c.query(page_sql(columns, order_by), page_params({}, page));
}

}  // namespace painel::store
