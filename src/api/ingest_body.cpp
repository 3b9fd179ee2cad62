#include "api/ingest_body.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "core/error.hpp"
#include "core/json.hpp"

namespace painel::api {
namespace {

ApiError too_large(std::string detail) {
  return ApiError(413, "Content Too Large", std::move(detail));
}

// Closes the inflate stream on every way out.
struct InflateGuard {
  z_stream* zs;
  ~InflateGuard() { inflateEnd(zs); }
};

// The gzip trailer's ISIZE (size mod 2^32): a hint for one allocation, never trusted.
size_t gzip_size_hint(std::string_view in) {
  if (in.size() < 18) return 0;
  auto b = reinterpret_cast<const unsigned char*>(in.data() + in.size() - 4);
  return static_cast<size_t>(b[0]) | static_cast<size_t>(b[1]) << 8 |
         static_cast<size_t>(b[2]) << 16 | static_cast<size_t>(b[3]) << 24;
}

}  // namespace

std::string gunzip_limited(std::string_view in, size_t limit) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) throw std::bad_alloc();
  InflateGuard guard{&zs};
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  std::string out;
  // Reserved, not written: pages an honest client's size hint over-reserves stay unmapped.
  out.reserve(std::min(gzip_size_hint(in), limit));
  char buf[65536];
  int rc;
  do {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) throw bad_request("request body is not valid gzip");
    size_t n = sizeof buf - zs.avail_out;
    if (out.size() + n > limit)
      throw too_large("decompressed body larger than " + std::to_string(limit >> 20) + " MiB");
    out.append(buf, n);
  } while (rc != Z_STREAM_END);
  return out;
}

void parse_ingest_document(std::string& body, rapidjson::Document& d) {
  // The one JSON parse path (core/json): iterative, depth and value budget checked while
  // parsing, so no bomb builds a large document; then the event count on the result.
  d = parse_json_object_in_place(body, {kIngestMaxDepth, kIngestMaxJsonValues});
  auto it = d.FindMember("events");
  if (it != d.MemberEnd() && it->value.IsArray() && it->value.Size() > kIngestMaxEvents)
    throw bad_request("at most " + std::to_string(kIngestMaxEvents) + " events per batch");
}

}  // namespace painel::api
