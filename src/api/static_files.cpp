#include "api/static_files.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.hpp"

namespace painel::api {
namespace fs = std::filesystem;
namespace {

std::string mime_of(const std::string& ext) {
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".json" || ext == ".webmanifest") return "application/json";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

constexpr const char* kCsp =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' "
    "data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "frame-ancestors 'none'; form-action 'self'";

}  // namespace

std::unique_ptr<StaticFiles> StaticFiles::load(const std::string& dir) {
  std::error_code ec;
  if (!fs::exists(fs::path(dir) / "index.html", ec)) return nullptr;
  auto sf = std::unique_ptr<StaticFiles>(new StaticFiles());
  for (auto& e : fs::recursive_directory_iterator(dir, ec)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string rel = fs::relative(e.path(), dir).generic_string();
    bool hashed = rel.rfind("assets/", 0) == 0;
    sf->files_["/app/" + rel] = File{ss.str(), mime_of(e.path().extension().string()), hashed};
  }
  return sf;
}

http::Response StaticFiles::serve(const http::Request& req) const {
  auto it = files_.find(req.path);
  bool fallback = it == files_.end() || req.path == "/app/" || req.path == "/app";
  if (fallback) {
    // Unknown asset paths are real 404s; any other /app/* path is a client-side route.
    if (req.path.rfind("/app/assets/", 0) == 0) throw not_found("no such asset");
    it = files_.find("/app/index.html");
  }
  http::Response r;
  r.body = it->second.body;
  r.content_type = it->second.type;
  r.set_header("Cache-Control",
               it->second.immutable ? "public, max-age=31536000, immutable" : "no-cache");
  r.set_header("Content-Security-Policy", kCsp);
  r.set_header("Referrer-Policy", "no-referrer");
  r.set_header("X-Frame-Options", "DENY");
  return r;
}

}  // namespace painel::api
