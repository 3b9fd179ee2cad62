#pragma once
// The one builder of RFC 9457 problem+json answers, used by the network layer for errors it
// answers itself (malformed requests, limits) and by the application (api::problem) for
// everything else, so every error a client sees has the same shape, a request_id and an
// X-Request-Id header. Besides RFC 9457's members, two extension members the original
// system's clients read: `message` (the same text as `detail`) and `error` (a stable
// lower-kebab code of the kind of error: `code` when given, else error_code_for(status)).
// `type` is that code's URI in the catalogue (http/problem_catalog); a code missing from the
// catalogue is answered as the status's generic one, so every `type` is a catalogued one.
// `errors` (validation failures): [{"field","code","message"}], left out when empty.
#include <span>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "http/message.hpp"

namespace painel::http {

Response problem(int status, std::string_view title, std::string_view detail,
                 std::string_view request_id, std::string_view code = {},
                 std::span<const FieldError> errors = {});
// The generic `error` code of a status: "bad-request", "not-found", ... ("error" when
// the status has none of its own).
std::string_view error_code_for(int status);
// A client's X-Request-Id is echoed only when short and made of [A-Za-z0-9._-].
bool sane_request_id(std::string_view s);
// The client's X-Request-Id when sane, else a new UUID.
std::string request_id_for(const Fields& headers);

}  // namespace painel::http
