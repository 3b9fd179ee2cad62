#pragma once
// What the two session route groups share (routes_auth.cpp: the caller's own sessions;
// routes_user_sessions.cpp: staff over a user's): the list's JSON and the session.end audit
// row (metadata {"sessions":n}: never an IP or a user agent).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"
#include "http/router.hpp"
#include "store/db.hpp"
#include "store/sessions.hpp"

namespace painel::api {

// {"sessions":[{"id","created_at","last_used_at","expires_at","ip","user_agent","current"}]}
// newest first; `current` is true for the family current_sid ("" = none).
http::Response sessions_response(const std::vector<store::SessionFamily>& families,
                                 std::string_view current_sid);

// The session.end audit row: the caller ended n sessions of user_id.
void audit_session_end(store::Conn& c, http::RouteContext& ctx, const std::string& user_id,
                       const std::optional<std::string>& tenant_id, int64_t n, int64_t now_ms);

// 204 No Content.
http::Response no_content();

}  // namespace painel::api
