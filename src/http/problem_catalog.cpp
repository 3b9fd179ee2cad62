#include "http/problem_catalog.hpp"

#include <array>

namespace painel::http {
namespace {

// The generic code of each status first (http::error_code_for), then the specific ones.
constexpr std::array kProblems = {
    ProblemKind{"bad-request", 400, "the request is malformed (syntax, encoding, framing)"},
    ProblemKind{"validation-failed", 400,
                "a body field or query parameter is refused by its type, bounds or name; "
                "`errors[]` names each field"},
    ProblemKind{"unauthorized", 401, "no valid credentials (token, API key, session)"},
    ProblemKind{"invalid-credentials", 401, "wrong e-mail or password at sign-in"},
    ProblemKind{"no-session", 401, "no session cookie to refresh with (never signed in here)"},
    ProblemKind{"forbidden", 403, "the caller may not do this"},
    ProblemKind{"tenant-suspended", 403, "the caller's tenant is suspended"},
    ProblemKind{"tenant-inactive", 403, "the caller's tenant is inactive"},
    ProblemKind{"not-found", 404, "no such route or object (or not visible to the caller)"},
    ProblemKind{"method-not-allowed", 405, "the path exists but not with this method"},
    ProblemKind{"request-timeout", 408, "the request was not received in time"},
    ProblemKind{"conflict", 409, "the change clashes with the current state (duplicate, state)"},
    ProblemKind{"precondition-failed", 412, "If-Match: the object changed since it was read"},
    ProblemKind{"payload-too-large", 413, "the body is larger than the route accepts"},
    ProblemKind{"unsupported-media-type", 415, "the body's Content-Type is not accepted"},
    ProblemKind{"unprocessable", 422, "well-formed but not valid by a business rule"},
    ProblemKind{"too-many-requests", 429, "rate limit exceeded; see Retry-After"},
    ProblemKind{"account-locked", 429, "too many failed sign-ins for the account; see Retry-After"},
    ProblemKind{"header-too-large", 431, "the request's headers are too large"},
    ProblemKind{"internal-error", 500, "an unexpected failure; logged with the request id"},
    ProblemKind{"service-unavailable", 503, "the store is busy or down; retry shortly"},
    ProblemKind{"error", 0, "any other status without a code of its own"},
};

constexpr std::array kFieldErrors = {
    FieldErrorKind{"required", "the field is missing or null"},
    FieldErrorKind{"not-null", "the field may be left out but not set to null"},
    FieldErrorKind{"wrong-type", "the value has the wrong JSON type"},
    FieldErrorKind{"empty", "the text is empty (after trimming spaces)"},
    FieldErrorKind{"too-long", "the text or JSON is longer than allowed"},
    FieldErrorKind{"control-characters", "the text holds control characters"},
    FieldErrorKind{"not-allowed", "the value is not one of the allowed values"},
    FieldErrorKind{"out-of-range", "the number is outside the allowed range"},
    FieldErrorKind{"invalid-format", "the value is not in the expected format"},
    FieldErrorKind{"unknown-field", "the route does not accept a field of this name"},
    FieldErrorKind{"conflicting", "the field contradicts another one given"},
    FieldErrorKind{"incorrect", "the value is not the right one (the current password)"},
};

}  // namespace

std::span<const ProblemKind> problem_kinds() { return kProblems; }
std::span<const FieldErrorKind> field_error_kinds() { return kFieldErrors; }

const ProblemKind* find_problem_kind(std::string_view code) {
  for (const auto& k : kProblems)
    if (k.code == code) return &k;
  return nullptr;
}

bool is_field_error_code(std::string_view code) {
  for (const auto& k : kFieldErrors)
    if (k.code == code) return true;
  return false;
}

std::string problem_type_uri(std::string_view code) {
  std::string s(kProblemTypeBase);
  s += code;
  return s;
}

}  // namespace painel::http
