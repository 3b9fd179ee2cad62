#pragma once
// The body of POST /ingest/usage, read with bounded memory: a gzip body is inflated as a
// stream and refused as soon as its decompressed size passes the limit, and the JSON is
// refused while it is parsed, before a document of millions of values exists. Peak memory
// of one request: the raw body + the decompressed body (both <= kIngestMaxBodyBytes) + a
// document of at most kIngestMaxJsonValues values (~5 MB).
#include <rapidjson/document.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace painel::api {

inline constexpr size_t kIngestMaxBodyBytes = 10u << 20;  // sent and decompressed
inline constexpr size_t kIngestMaxEvents = 10000;
// Keys count as values (as in core/json's JsonLimits): a valid event is one object, 8 keys
// and 8 values; 20 per event leaves room for an optional field and the envelope.
inline constexpr size_t kIngestMaxJsonValues = kIngestMaxEvents * 20 + 16;
inline constexpr size_t kIngestMaxDepth = 64;

// Inflates a gzip body. Throws ApiError 413 once the output passes `limit` bytes (nothing
// beyond limit + one chunk is ever held), 400 when the body is not valid gzip.
std::string gunzip_limited(std::string_view in, size_t limit);

// Parses a batch in place into `d` (whose strings then view `body`). Throws ApiError 400
// on malformed JSON, invalid UTF-8, U+0000 in a string, a root that is not an object,
// nesting deeper than kIngestMaxDepth or more than kIngestMaxJsonValues values (refused
// during the parse by core/json's one parse path, before the document holds more than the
// budget), and more than kIngestMaxEvents elements in "events".
void parse_ingest_document(std::string& body, rapidjson::Document& d);

}  // namespace painel::api
