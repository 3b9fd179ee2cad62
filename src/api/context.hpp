#pragma once
// What a handler receives: the request, the application's services and, for user
// routes, the authenticated principal. Handlers are thin: parse → call → render.
#include <optional>
#include <string>

#include "auth/principal.hpp"
#include "http/message.hpp"

namespace painel::api {
class App;
}

namespace painel::http {

struct RouteContext {
  Request& req;
  api::App& app;
  std::optional<auth::Principal> principal;
  std::string route;                          // the pattern, for cache keys and logs
  std::optional<auth::IngestKey> ingest_key;  // IngestKey routes: the caller's key
  const auth::Principal& who() const { return *principal; }
};

}  // namespace painel::http
