#pragma once
// The one catalogue of the kinds of error the server answers (problem+json `error` codes and
// their `type` URIs) and of the codes of a refused field (`errors[].code`). http::problem
// takes its `type` from here; docs/problems.md and docs/openapi.json's Problem schema list
// the same entries (a unit test compares them). Codes are stable: clients translate by them.
#include <span>
#include <string>
#include <string_view>

namespace painel::http {

// Every `type` is this base followed by the code, e.g. ".../problems/tenant-suspended".
// The URIs identify the kind of error; they are documented in docs/problems.md.
inline constexpr std::string_view kProblemTypeBase = "https://painel.alquimista.ai/problems/";

struct ProblemKind {
  std::string_view code;   // the `error` member, lower-kebab
  int status;              // the HTTP status it comes with; 0: any status without its own code
  std::string_view title;  // what it means, one line (docs)
};

struct FieldErrorKind {
  std::string_view code;  // the `errors[].code` member, lower-kebab
  std::string_view meaning;
};

std::span<const ProblemKind> problem_kinds();
std::span<const FieldErrorKind> field_error_kinds();
// The catalogue entry of a code, or nullptr.
const ProblemKind* find_problem_kind(std::string_view code);
bool is_field_error_code(std::string_view code);
// kProblemTypeBase + code.
std::string problem_type_uri(std::string_view code);

}  // namespace painel::http
