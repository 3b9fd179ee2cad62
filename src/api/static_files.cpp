#include "api/static_files.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "api/app.hpp"
#include "core/error.hpp"
#include "http/accept_encoding.hpp"
#include "http/compress.hpp"

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

// The file extension of each precompressed twin and its Content-Encoding name.
constexpr std::pair<const char*, const char*> kCodings[] = {{".br", "br"}, {".gz", "gzip"}};

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// x.js.gz beside x.js: served as x.js's gzip coding, never as a file of its own.
bool is_twin(const fs::path& p) {
  auto ext = p.extension().string();
  std::error_code ec;
  for (auto& c : kCodings)
    if (ext == c.first && fs::is_regular_file(fs::path(p).replace_extension(), ec)) return true;
  return false;
}

}  // namespace

// The tag's start only: the page may close it as `>` or ` />` (Prettier writes the latter).
constexpr std::string_view kBaseTag = "<base href=\"/app/\"";

std::string StaticFiles::rebase_page(std::string html, const std::string& path_prefix) {
  auto at = html.find(kBaseTag);
  if (path_prefix.empty() || at == std::string::npos) return html;
  html.replace(at, kBaseTag.size(), "<base href=\"" + path_prefix + "/app/\"");
  return html;
}

std::unique_ptr<StaticFiles> StaticFiles::load(const std::string& dir,
                                               const std::string& path_prefix) {
  std::error_code ec;
  if (!fs::exists(fs::path(dir) / "index.html", ec)) return nullptr;
  auto sf = std::unique_ptr<StaticFiles>(new StaticFiles());
  for (auto& e : fs::recursive_directory_iterator(dir, ec)) {
    if (!e.is_regular_file() || is_twin(e.path())) continue;
    std::string rel = fs::relative(e.path(), dir).generic_string();
    bool hashed = rel.rfind("assets/", 0) == 0;
    File f{read_file(e.path()), mime_of(e.path().extension().string()), {}, hashed, {}};
    bool page = e.path().extension() == ".html";
    if (page) f.body = rebase_page(std::move(f.body), path_prefix);
    f.etag = etag_of(f.body);
    if (page && !path_prefix.empty()) {  // the build's twins are of the unprefixed page
      Variant v{"gzip", http::gzip_compress(f.body, 9), {}};
      v.etag = etag_of(v.body);
      if (v.body.size() < f.body.size()) f.variants.push_back(std::move(v));
    }
    for (auto& [suffix, coding] : kCodings) {
      if (page && !path_prefix.empty()) break;
      fs::path twin = e.path().string() + suffix;
      if (!fs::is_regular_file(twin, ec)) continue;
      Variant v{coding, read_file(twin), {}};
      if (v.body.size() >= f.body.size()) continue;  // no gain: send the file as it is
      v.etag = etag_of(v.body);
      f.variants.push_back(std::move(v));
    }
    std::stable_sort(f.variants.begin(), f.variants.end(),
                     [](auto& a, auto& b) { return a.body.size() < b.body.size(); });
    sf->files_["/app/" + rel] = std::move(f);
  }
  return sf;
}

http::Response StaticFiles::serve(const http::Request& req) const {
  bool docs = is_docs_path(req.path);
  auto it = files_.find(docs ? std::string("/app/docs.html") : req.path);
  if (docs && it == files_.end()) throw not_found("the API docs page is not built");
  bool fallback = it == files_.end() || req.path == "/app/" || req.path == "/app";
  if (fallback) {
    // Unknown asset paths are real 404s; any other /app/* path is a client-side route.
    if (req.path.rfind("/app/assets/", 0) == 0) throw not_found("no such asset");
    it = files_.find("/app/index.html");
  }
  const File& f = it->second;
  std::vector<std::string_view> offered;
  for (auto& v : f.variants) offered.push_back(v.coding);
  auto coding = http::choose_encoding(req.header("accept-encoding"), offered);
  if (!coding)
    throw ApiError(406, "Not Acceptable",
                   "Accept-Encoding refuses every coding this file is available in (identity, " +
                       std::to_string(offered.size()) + " other(s))");
  const std::string* body = &f.body;
  const std::string* etag = &f.etag;
  for (auto& v : f.variants)
    if (v.coding == *coding) body = &v.body, etag = &v.etag;

  http::Response r;
  r.content_type = f.type;
  r.set_header("Cache-Control", f.immutable ? "public, max-age=31536000, immutable" : "no-cache");
  r.set_header("Vary", "Accept-Encoding");
  r.set_header("ETag", *etag);
  if (*coding != "identity") r.set_header("Content-Encoding", *coding);
  r.set_header("Content-Security-Policy", kCsp);
  r.set_header("Referrer-Policy", "no-referrer");
  r.set_header("X-Frame-Options", "DENY");
  auto inm = req.header("if-none-match");
  if (inm && (*inm == "*" || inm->find(*etag) != std::string_view::npos)) {
    r.status = 304;
    return r;
  }
  r.body = *body;
  return r;
}

}  // namespace painel::api
