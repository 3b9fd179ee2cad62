#pragma once
// What a handler receives: the request and what the middleware chain learned about it
// (the authenticated principal or ingest key, the parsed JSON body of json_body routes).
// Services come from the handler's route group (api/route_deps.hpp), not from here.
#include <rapidjson/document.h>

#include <optional>
#include <string>

#include "auth/principal.hpp"
#include "http/message.hpp"

namespace painel::http {

struct RouteContext {
  Request& req;
  std::optional<auth::Principal> principal;
  std::string route;                          // the pattern, for cache keys and logs
  std::optional<auth::IngestKey> ingest_key;  // IngestKey routes: the caller's key
  const rapidjson::Document* json = nullptr;  // json_body routes: the parsed body
  const auth::Principal& who() const { return *principal; }
  const rapidjson::Document& json_body() const { return *json; }
};

}  // namespace painel::http
