#pragma once
// gzip (RFC 1952) of an answer's body, with zlib: JSON answers above kCompressMinBytes are
// sent gzip-compressed to clients that accept it (api/app.cpp), cached answers keep their
// compressed form beside the plain one (api/cached_reads.cpp).
#include <cstddef>
#include <string>
#include <string_view>

namespace painel::http {

// Below this a JSON answer goes as it is: the gzip header and the CPU cost more than the
// bytes saved (issue 18: "JSON answers above 1 KB").
inline constexpr size_t kCompressMinBytes = 1024;

// level 1 (fastest) .. 9 (smallest); throws std::runtime_error only if zlib fails to start.
std::string gzip_compress(std::string_view in, int level);

// The ETag of an answer's gzip form: the plain one's with "-gzip" before its closing quote
// ("\"ab\"" → "\"ab-gzip\""), so a cache holding one form never takes it for the other
// (RFC 9110 §8.8.3: representations differing in content coding need different tags).
std::string gzip_etag(std::string_view plain_etag);

}  // namespace painel::http
