#include "http/problem.hpp"

#include <cctype>

#include "core/ids.hpp"
#include "core/json.hpp"

namespace painel::http {

Response problem(int status, std::string_view title, std::string_view detail,
                 std::string_view request_id) {
  JsonOut j;
  j.begin_object()
      .kv("type", "about:blank")
      .kv("title", title)
      .kv("status", status)
      .kv("detail", detail)
      .kv("request_id", request_id)
      .end_object();
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
