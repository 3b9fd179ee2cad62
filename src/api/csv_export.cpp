#include "api/csv_export.hpp"

#include <cctype>
#include <memory>
#include <utility>

#include "api/params.hpp"

namespace painel::api {
namespace {

bool first_media_type_is_csv(std::string_view accept) {
  auto end = accept.find_first_of(",;");
  auto type = accept.substr(0, end);
  while (!type.empty() && std::isspace(static_cast<unsigned char>(type.front())))
    type.remove_prefix(1);
  while (!type.empty() && std::isspace(static_cast<unsigned char>(type.back())))
    type.remove_suffix(1);
  if (type.size() != 8) return false;
  std::string lower(type);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "text/csv";
}

}  // namespace

std::optional<CsvFormat> csv_requested(const http::Request& req) {
  auto format = parse_opt_enum(req, "format", {"json", "csv"});
  auto sep = parse_enum(req, "sep", {"comma", "semicolon"}, "comma");
  bool csv = format ? *format == "csv" : false;
  if (!format)
    if (auto accept = req.header("accept")) csv = first_media_type_is_csv(*accept);
  if (!csv) return std::nullopt;
  return CsvFormat{sep == "semicolon" ? ';' : ','};
}

http::Response csv_response(const CsvFormat& fmt, std::string_view filename,
                            std::initializer_list<std::string_view> columns, CsvPages pages) {
  http::Response r;
  r.content_type = "text/csv; charset=utf-8; header=present";
  r.set_header("Content-Disposition", "attachment; filename=\"" + std::string(filename) + "\"");
  r.set_header("Cache-Control", "no-store");
  r.body.assign(kUtf8Bom);
  CsvWriter head(r.body, fmt.sep);
  for (auto c : columns) head.text(c);
  head.end_row();
  CsvWriter first(r.body, fmt.sep);
  if (!pages(first)) return r;  // all of it fits in the first piece: a plain answer
  char sep = fmt.sep;
  r.body_stream = [pages = std::move(pages), sep](std::string& out) {
    CsvWriter w(out, sep);
    return pages(w);
  };
  return r;
}

CsvPages offset_pages(std::function<int64_t(store::PageRequest, CsvWriter&)> read) {
  auto offset = std::make_shared<int64_t>(0);
  return [read = std::move(read), offset](CsvWriter& w) {
    int64_t n = read({kCsvPageRows, *offset}, w);
    *offset += n;
    return n == kCsvPageRows;
  };
}

}  // namespace painel::api
