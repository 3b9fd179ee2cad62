#include "store/db.hpp"

#include <charconv>

namespace painel::store {

namespace {
thread_local uint64_t t_statements = 0;
}  // namespace

uint64_t statements_on_this_thread() { return t_statements; }
void note_statement() { ++t_statements; }

int64_t Row::i64(size_t i) const {
  const Value& v = cols_.at(i);
  if (auto p = std::get_if<int64_t>(&v)) return *p;
  if (auto p = std::get_if<double>(&v)) return static_cast<int64_t>(*p);
  if (auto p = std::get_if<std::string>(&v)) {
    int64_t out = 0;
    std::from_chars(p->data(), p->data() + p->size(), out);
    return out;
  }
  return 0;
}

double Row::f64(size_t i) const {
  const Value& v = cols_.at(i);
  if (auto p = std::get_if<double>(&v)) return *p;
  if (auto p = std::get_if<int64_t>(&v)) return static_cast<double>(*p);
  if (auto p = std::get_if<std::string>(&v)) return std::strtod(p->c_str(), nullptr);
  return 0;
}

std::string Row::str(size_t i) const {
  const Value& v = cols_.at(i);
  if (auto p = std::get_if<std::string>(&v)) return *p;
  if (auto p = std::get_if<int64_t>(&v)) return std::to_string(*p);
  if (auto p = std::get_if<double>(&v)) return std::to_string(*p);
  return {};
}

std::optional<std::string> Row::opt_str(size_t i) const {
  if (is_null(i)) return std::nullopt;
  return str(i);
}

std::optional<int64_t> Row::opt_i64(size_t i) const {
  if (is_null(i)) return std::nullopt;
  return i64(i);
}

std::string placeholder_rows(size_t columns, size_t rows) {
  std::string row = "(";
  for (size_t i = 0; i < columns; ++i) row += i ? ",?" : "?";
  row += ')';
  std::string out;
  out.reserve(rows * (row.size() + 1));
  for (size_t r = 0; r < rows; ++r) (out += r ? "," : "") += row;
  return out;
}

const std::string& in_list_placeholders() {
  static const std::string list = placeholder_rows(kInListChunk, 1);
  return list;
}

void Conn::each_view(std::string_view sql, const Params& params,
                     const std::function<void(const RowView&)>& fn) {
  struct View final : RowView {
    const Row* row = nullptr;
    bool is_null(size_t i) const override { return row->is_null(i); }
    int64_t i64(size_t i) const override { return row->i64(i); }
    std::string_view text(size_t i) const override {
      auto p = std::get_if<std::string>(&row->value(i));
      return p ? std::string_view(*p) : std::string_view();
    }
  } view;
  each(sql, params, [&](const Row& r) {
    view.row = &r;
    fn(view);
  });
}

}  // namespace painel::store
