#pragma once
// The built web UI (web/dist), loaded into memory at start-up and served under /app/:
// hashed assets with a year of caching, index.html (the SPA fallback) never cached, and a
// strict Content-Security-Policy.
#include <map>
#include <memory>
#include <string>

#include "http/message.hpp"

namespace painel::api {

class StaticFiles {
 public:
  // Returns nullptr when dir has no index.html (UI not built).
  static std::unique_ptr<StaticFiles> load(const std::string& dir);
  http::Response serve(const http::Request& req) const;
  size_t file_count() const { return files_.size(); }

 private:
  struct File {
    std::string body, type;
    bool immutable;
  };
  std::map<std::string, File> files_;  // "/app/assets/x.js" → file
};

}  // namespace painel::api
