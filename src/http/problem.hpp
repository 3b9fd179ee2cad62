#pragma once
// The one builder of RFC 9457 problem+json answers, used by the network layer for errors it
// answers itself (malformed requests, limits) and by the application (api::problem) for
// everything else, so every error a client sees has the same shape, a request_id and an
// X-Request-Id header.
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace painel::http {

Response problem(int status, std::string_view title, std::string_view detail,
                 std::string_view request_id);
// A client's X-Request-Id is echoed only when short and made of [A-Za-z0-9._-].
bool sane_request_id(std::string_view s);
// The client's X-Request-Id when sane, else a new UUID.
std::string request_id_for(const Fields& headers);

}  // namespace painel::http
