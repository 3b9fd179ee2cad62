#pragma once
// Errors that reach a client. Thrown by validators and handlers, mapped to an
// RFC 9457 problem+json answer in exactly one place (api/app.cpp). `detail` is what
// the client may read; `log` is what only the operator's log sees; `code` is the stable
// lower-kebab `error` member of the answer (empty: the generic code of the status,
// http::error_code_for). Every code is an entry of the one catalogue, http/problem_catalog
// (its `type` URI, title and documentation); `errors` lists the refused fields of a
// validation failure, each with a stable code of that catalogue's field-error list.
#include <stdexcept>
#include <string>
#include <vector>

namespace painel {

// One refused field of a request (`errors[]` of the problem): its name as the client spells
// it ("name", "limits.max_agents", "limit"), a stable code ("required", "too-long", ...) and
// the English sentence of `detail`.
struct FieldError {
  std::string field;
  std::string code;
  std::string message;
};

struct ApiError : std::exception {
  int status;
  std::string title;
  std::string detail;
  std::string log;
  int retry_after_s = 0;           // > 0: sent as Retry-After (429, 503)
  std::string code;                // a more specific `error` code than the status's, or empty
  std::vector<FieldError> errors;  // the refused fields (validation failures), or none
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
// The same error with a more specific `error` code.
inline ApiError coded(std::string code, ApiError e) {
  e.code = std::move(code);
  return e;
}
// A body field or query parameter refused by its type or bounds (400 validation-failed).
inline ApiError invalid_input(std::string detail) {
  return coded("validation-failed", bad_request(std::move(detail)));
}
// The same, naming the refused field and why (field-error codes: http/problem_catalog).
inline ApiError invalid_field(std::string field, std::string field_code, std::string detail) {
  ApiError e = invalid_input(detail);
  e.errors.push_back({std::move(field), std::move(field_code), std::move(detail)});
  return e;
}
// A tenant that may not sign in or use its token: 403 tenant-suspended / tenant-inactive.
inline ApiError tenant_refused(const std::string& status) {
  return coded("tenant-" + status, forbidden("tenant " + status));
}

}  // namespace painel
