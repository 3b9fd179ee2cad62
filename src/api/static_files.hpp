#pragma once
// The built web UI (web/dist), loaded into memory at start-up and served under /app/:
// hashed assets with a year of caching, index.html (the SPA fallback) never cached, and a
// strict Content-Security-Policy. A file's precompressed twins written by the build
// (x.js.gz, x.js.br: scripts/precompress-web.sh) are sent as Content-Encoding gzip/br when
// the request's Accept-Encoding prefers them (http/accept_encoding.hpp), each with its own
// ETag, and Vary: Accept-Encoding on every answer.
//
// One build serves any sub-path: the build's assets are referenced relative to the pages'
// `<base href="/app/">` (web/index.html), and under --public-url's path ("/painel") the
// pages' base becomes "/painel/app/" at load, their gzip twin made again (zlib) and their
// brotli twin dropped (no brotli encoder in the binary; the pages are ~1 KB). Every other
// file keeps the build's twins.
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace painel::api {

class StaticFiles {
 public:
  // Returns nullptr when dir has no index.html (UI not built). `path_prefix`: see above.
  static std::unique_ptr<StaticFiles> load(const std::string& dir,
                                           const std::string& path_prefix = {});
  // The `<base href="/app/">` of a page moved under path_prefix; the text unchanged
  // without that tag or without a prefix.
  static std::string rebase_page(std::string html, const std::string& path_prefix);
  http::Response serve(const http::Request& req) const;
  // `/docs` and `/docs/`: the API docs page (dist/docs.html, Swagger UI rendering
  // /openapi.json), served like index.html with the same CSP; 404 when not built.
  static bool is_docs_path(std::string_view path) { return path == "/docs" || path == "/docs/"; }
  size_t file_count() const { return files_.size(); }

 private:
  struct Variant {
    std::string coding;  // "br", "gzip"
    std::string body, etag;
  };
  struct File {
    std::string body, type, etag;
    bool immutable;
    std::vector<Variant> variants;  // smallest first: the order of preference on a tie
  };
  std::map<std::string, File> files_;  // "/app/assets/x.js" → file
};

}  // namespace painel::api
