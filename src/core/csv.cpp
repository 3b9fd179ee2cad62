#include "core/csv.hpp"

#include <cmath>
#include <cstdio>

#include "core/json.hpp"

namespace painel {
namespace {

bool formula_start(char c) {
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

void append_text(std::string& out, std::string_view v, char sep) {
  bool prefix = !v.empty() && formula_start(v.front());
  bool quote = v.find_first_of(std::string{sep, '"', '\r', '\n'}) != std::string_view::npos;
  if (quote) out.push_back('"');
  if (prefix) out.push_back('\'');
  for (char c : v) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  if (quote) out.push_back('"');
}

}  // namespace

std::string csv_text_cell(std::string_view v, char sep) {
  std::string out;
  append_text(out, v, sep);
  return out;
}

void CsvWriter::begin_cell() {
  if (!first_) out_->push_back(sep_);
  first_ = false;
}

void CsvWriter::raw(std::string_view v) {
  begin_cell();
  if (sep_ == ';') {
    for (char c : v) out_->push_back(c == '.' ? ',' : c);
  } else {
    out_->append(v);
  }
}

CsvWriter& CsvWriter::text(std::string_view v) {
  begin_cell();
  append_text(*out_, v, sep_);
  return *this;
}

CsvWriter& CsvWriter::num(int64_t v) {
  begin_cell();
  out_->append(std::to_string(v));
  return *this;
}

CsvWriter& CsvWriter::fixed1(double v) {
  if (!std::isfinite(v)) v = 0;
  char buf[32];
  int n = std::snprintf(buf, sizeof buf, "%.1f", v);
  raw(std::string_view(buf, static_cast<size_t>(n)));
  return *this;
}

CsvWriter& CsvWriter::money(int64_t cents) {
  raw(money_text(cents));
  return *this;
}

CsvWriter& CsvWriter::empty() {
  begin_cell();
  return *this;
}

void CsvWriter::end_row() {
  out_->append("\r\n");
  first_ = true;
}

}  // namespace painel
