#include "http/compress.hpp"

#include <zlib.h>

#include <stdexcept>

namespace painel::http {

std::string gzip_compress(std::string_view in, int level) {
  z_stream zs{};
  // windowBits 15 + 16: a gzip wrapper; memLevel 8 is zlib's default.
  if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("gzip: deflateInit2 failed");
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(in.size())));
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);  // deflateBound's room: one call finishes
  size_t written = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw std::runtime_error("gzip: deflate did not finish");
  out.resize(written);
  return out;
}

std::string gzip_etag(std::string_view plain_etag) {
  if (plain_etag.size() >= 2 && plain_etag.back() == '"')
    return std::string(plain_etag.substr(0, plain_etag.size() - 1)) + "-gzip\"";
  return std::string(plain_etag) + "-gzip";
}

}  // namespace painel::http
