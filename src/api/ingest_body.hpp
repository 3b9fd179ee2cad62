#pragma once
// The body of POST /ingest/usage, read with bounded memory: a gzip body is inflated as a
// stream and refused as soon as its decompressed size passes the limit, and the JSON is
// refused while it is parsed, before a document of millions of values exists. Peak memory
// of one request: the raw body + the decompressed body (both <= kIngestMaxBodyBytes) + a
// document of at most kIngestMaxJsonValues values (a few MB).
#include <rapidjson/document.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace painel::api {

inline constexpr size_t kIngestMaxBodyBytes = 10u << 20;  // sent and decompressed
inline constexpr size_t kIngestMaxEvents = 10000;
// A valid event is one object and 8 values; 12 per event leaves room for a few optional
// fields and the envelope.
inline constexpr size_t kIngestMaxJsonValues = kIngestMaxEvents * 12 + 16;
inline constexpr size_t kIngestMaxDepth = 64;

// Inflates a gzip body. Throws ApiError 413 once the output passes `limit` bytes (nothing
// beyond limit + one chunk is ever held), 400 when the body is not valid gzip.
std::string gunzip_limited(std::string_view in, size_t limit);

// Parses a batch in place into `d` (whose strings then view `body`). Throws ApiError 400
// on malformed JSON, invalid UTF-8, a root that is not an object, nesting deeper than
// kIngestMaxDepth or more than kIngestMaxEvents elements in "events"; 413 on more than
// kIngestMaxJsonValues values. All refused during the parse (iterative, no recursion).
void parse_ingest_document(std::string& body, rapidjson::Document& d);

}  // namespace painel::api
