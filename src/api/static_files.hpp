#pragma once
// The built web UI (web/dist), loaded into memory at start-up and served under /app/:
// hashed assets with a year of caching, index.html (the SPA fallback) never cached, and a
// strict Content-Security-Policy. A file's precompressed twins written by the build
// (x.js.gz, x.js.br: scripts/precompress-web.sh) are sent as Content-Encoding gzip/br when
// the request's Accept-Encoding prefers them (http/accept_encoding.hpp), each with its own
// ETag, and Vary: Accept-Encoding on every answer.
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace painel::api {

class StaticFiles {
 public:
  // Returns nullptr when dir has no index.html (UI not built).
  static std::unique_ptr<StaticFiles> load(const std::string& dir);
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
