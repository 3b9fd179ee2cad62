#pragma once
// The catalog's writes, shared by the routes (/internal/agents*) and the command line
// (`painel agents create|retire`), so both validate, refuse and audit the same way. They
// throw ApiError: 400 bad field (named), 404 unknown agent, 409 same name, 412 If-Match.
#include <rapidjson/document.h>

#include <optional>
#include <string>

#include "core/time.hpp"
#include "http/message.hpp"
#include "store/catalog.hpp"
#include "store/store.hpp"

namespace painel::api {

// Who writes, for the audit row.
struct CatalogActor {
  std::string id, role;
  std::optional<std::string> request_id, ip;
};

// {"name","segment","subnucleus","description"?,"price_monthly"?} → the new agent.
store::CatalogAgent catalog_create(store::Store& s, const Clock& clock,
                                   const rapidjson::Value& body, const CatalogActor& actor);
// Any of the create fields or "status"; `if_match_of`: the request whose If-Match is
// checked against the agent's current ETag (nullptr: none).
store::CatalogAgent catalog_update(store::Store& s, const Clock& clock, const std::string& id,
                                   const rapidjson::Value& body, const CatalogActor& actor,
                                   const http::Request* if_match_of);
// The agent as every answer renders it (GET /internal/agents/{id}, list items, CLI --json).
std::string catalog_agent_json(const store::CatalogAgent& a);

}  // namespace painel::api
