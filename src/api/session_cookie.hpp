#pragma once
// The web UI's session cookie (docs/security.md, "Session cookie"): a client that sends
// `X-Painel-Session: cookie` gets its refresh token in an HttpOnly, SameSite=Strict cookie
// scoped to /auth instead of the JSON body, and refreshes or logs out with that cookie. A
// client that does not ask gets the original's body form, byte for byte.
//
// Why a cookie-mode request cannot be forged by another site, by construction: the cookie
// is SameSite=Strict (a cross-site request does not carry it), it is sent only to /auth/*,
// the only thing it buys is an access token in a JSON body that a cross-origin page cannot
// read (CORS never allows credentials), and check_cookie_request() below refuses what a
// page of another origin could send: a request without the custom header (which no form
// or "simple" request can add without a CORS preflight, and the preflight's allowed
// headers do not include it), a body that is not application/json, an Origin or a
// Sec-Fetch-Site that names another site.
#include <optional>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace painel::api {

inline constexpr std::string_view kRefreshCookieName = "painel-refresh";
inline constexpr std::string_view kSessionModeHeader = "x-painel-session";  // value "cookie"

// True when the request carries `X-Painel-Session: cookie`.
bool wants_cookie_mode(const http::Request& req);

// The refresh cookie's value, nullopt without one. A value that could not be a refresh
// token (over 256 bytes, or bytes outside base64url and '.') counts as absent.
std::optional<std::string> refresh_cookie_value(const http::Request& req);

// Set-Cookie values: the token for max_age_s seconds, and the one that deletes it.
// `secure` adds Secure (the public URL is https); Path is path_prefix + "/auth"
// (--public-url's path, Config::path_prefix: "/painel/auth").
std::string refresh_cookie(std::string_view token, int max_age_s, bool secure,
                           std::string_view path_prefix = {});
std::string cleared_refresh_cookie(bool secure, std::string_view path_prefix = {});

// Secure cookies when people reach Painel over https (--public-url https://…); a plain
// http deployment (localhost) gets none, or browsers would drop the cookie.
bool cookie_secure(std::string_view public_base_url);

// Throws ApiError for a cookie-mode request another origin could have sent: 403 without
// `X-Painel-Session: cookie`, 415 unless the media type is exactly application/json, 403
// when Origin is present and is neither the public URL's origin nor this request's own
// (scheme://Host), 403 when Sec-Fetch-Site says cross-site or same-site.
void check_cookie_request(const http::Request& req, std::string_view public_base_url);

}  // namespace painel::api
