#pragma once
// CSV cells as RFC 4180 writes them, for spreadsheets: a cell holding the separator, a
// double quote, CR or LF is quoted (quotes doubled); a text cell that a spreadsheet would
// run as a formula (starting with = + - @ TAB or CR) gets a leading apostrophe first
// (CSV injection). Numbers are written as they are. Rows end with CRLF.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace painel {

// The UTF-8 byte order mark, which Excel needs to read a CSV file as UTF-8.
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// Writes one row at a time into `out` (appending). `sep` is ',' or ';'; with ';' (Excel in
// pt-BR) decimals use a comma.
class CsvWriter {
 public:
  CsvWriter(std::string& out, char sep) : out_(&out), sep_(sep) {}
  CsvWriter& text(std::string_view v);  // free text: injection-protected and quoted
  CsvWriter& text(const std::string& v) { return text(std::string_view(v)); }
  CsvWriter& text(const char* v) { return text(std::string_view(v)); }
  CsvWriter& text(const std::optional<std::string>& v) {
    return v ? text(std::string_view(*v)) : empty();
  }
  CsvWriter& num(int64_t v);
  CsvWriter& fixed1(double v);      // one decimal: 99.5 / 99,5
  CsvWriter& money(int64_t cents);  // 12.34 / 12,34
  CsvWriter& empty();
  void end_row();
  char sep() const { return sep_; }
  std::string& out() { return *out_; }

 private:
  void begin_cell();
  void raw(std::string_view v);
  std::string* out_;
  char sep_;
  bool first_ = true;
};

// The cell as CsvWriter::text writes it (without separator).
std::string csv_text_cell(std::string_view v, char sep);

}  // namespace painel
