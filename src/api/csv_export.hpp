#pragma once
// CSV exports of the lists, one shape for every route: the handler checks the request as
// for JSON (route, groups, tenant scope, filters), then, when the client asked for CSV,
// answers csv_response() instead of rendering JSON. Chosen by ?format=csv, or by an
// Accept header whose first media type is text/csv; JSON stays the default. ?sep=semicolon
// writes `;` and decimal commas (Excel in pt-BR). The file is UTF-8 with a BOM, RFC 4180,
// injection-protected (core/csv.hpp), and streamed page by page: never whole in memory.
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "core/csv.hpp"
#include "http/message.hpp"
#include "store/page.hpp"

namespace painel::api {

// Rows per page of an export: one piece of the chunked body, one store read.
inline constexpr int64_t kCsvPageRows = 500;

struct CsvFormat {
  char sep = ',';
};

// nullopt when the answer is JSON. 400 on an unknown ?format= or ?sep=.
std::optional<CsvFormat> csv_requested(const http::Request& req);

// Writes the next rows of the export (about a page) and returns false after the last one.
// Called once by csv_response() on the handler's thread (so an error there is a clean
// problem+json answer), then on the handler pool per piece while the body is sent: it must
// own what it reads (filters, cursor) and take a connection per call.
using CsvPages = std::function<bool(CsvWriter&)>;

// The answer: BOM, the header row, the first page; the rest streamed (Response::body_stream).
// `filename`: the attachment's name, e.g. "painel-audit.csv" (ASCII, no quotes).
http::Response csv_response(const CsvFormat& fmt, std::string_view filename,
                            std::initializer_list<std::string_view> columns, CsvPages pages);

// Pages for a list read with LIMIT/OFFSET: `read(page, w)` writes one page's rows and
// returns how many it read; the export ends at the first short page. For lists with no
// keyset of their own (their order is a user's choice or a non-unique column with ties).
CsvPages offset_pages(std::function<int64_t(store::PageRequest, CsvWriter&)> read);

}  // namespace painel::api
