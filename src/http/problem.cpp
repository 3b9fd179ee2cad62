#include "http/problem.hpp"

#include <cctype>

#include "core/ids.hpp"
#include "core/json.hpp"
#include "http/problem_catalog.hpp"

namespace painel::http {

std::string_view error_code_for(int status) {
  switch (status) {
    case 400:
      return "bad-request";
    case 401:
      return "unauthorized";
    case 403:
      return "forbidden";
    case 404:
      return "not-found";
    case 405:
      return "method-not-allowed";
    case 408:
      return "request-timeout";
    case 409:
      return "conflict";
    case 412:
      return "precondition-failed";
    case 413:
      return "payload-too-large";
    case 415:
      return "unsupported-media-type";
    case 422:
      return "unprocessable";
    case 429:
      return "too-many-requests";
    case 431:
      return "header-too-large";
    case 500:
      return "internal-error";
    case 503:
      return "service-unavailable";
    default:
      return status >= 500 ? "internal-error" : "error";
  }
}

Response problem(int status, std::string_view title, std::string_view detail,
                 std::string_view request_id, std::string_view code,
                 std::span<const FieldError> errors) {
  std::string_view kind = code.empty() || !find_problem_kind(code) ? error_code_for(status) : code;
  JsonOut j;
  j.begin_object()
      .kv("type", problem_type_uri(kind))
      .kv("title", title)
      .kv("status", status)
      .kv("detail", detail)
      .kv("message", detail)
      .kv("error", kind)
      .kv("request_id", request_id);
  if (!errors.empty()) {
    j.key("errors").begin_array();
    for (const auto& e : errors)
      j.begin_object()
          .kv("field", e.field)
          .kv("code", e.code)
          .kv("message", e.message)
          .end_object();
    j.end_array();
  }
  j.end_object();
  Response r;
  r.status = status;
  r.content_type = "application/problem+json";
  r.body = j.take();
  return r;
}

bool sane_request_id(std::string_view s) {
  if (s.empty() || s.size() > 128) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
      return false;
  return true;
}

std::string request_id_for(const Fields& headers) {
  for (auto& [k, v] : headers)
    if (k == "x-request-id" && sane_request_id(v)) return v;
  return new_uuid();
}

}  // namespace painel::http
