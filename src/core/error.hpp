#pragma once
// Errors that reach a client. Thrown by validators and handlers, mapped to an
// RFC 9457 problem+json answer in exactly one place (api/app.cpp). `detail` is what
// the client may read; `log` is what only the operator's log sees.
#include <stdexcept>
#include <string>

namespace painel {

struct ApiError : std::exception {
  int status;
  std::string title;
  std::string detail;
  std::string log;
  int retry_after_s = 0;  // > 0: sent as Retry-After (429, 503)
  ApiError(int s, std::string t, std::string d, std::string l = {})
      : status(s), title(std::move(t)), detail(std::move(d)), log(std::move(l)) {}
  const char* what() const noexcept override { return detail.c_str(); }
};

inline ApiError bad_request(std::string detail) { return {400, "Bad Request", std::move(detail)}; }
inline ApiError unauthorized(std::string detail = "authentication required") {
  return {401, "Unauthorized", std::move(detail)};
}
inline ApiError forbidden(std::string detail) { return {403, "Forbidden", std::move(detail)}; }
inline ApiError not_found(std::string detail = "not found") {
  return {404, "Not Found", std::move(detail)};
}
inline ApiError conflict(std::string detail) { return {409, "Conflict", std::move(detail)}; }
inline ApiError precondition_failed(std::string detail) {
  return {412, "Precondition Failed", std::move(detail)};
}
inline ApiError too_many(std::string detail, int retry_after_s) {
  ApiError e{429, "Too Many Requests", std::move(detail)};
  e.retry_after_s = retry_after_s;
  return e;
}
inline ApiError unprocessable(std::string detail) {
  return {422, "Unprocessable Content", std::move(detail)};
}

}  // namespace painel
