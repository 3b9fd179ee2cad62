#pragma once
// Support requests (issue #15): the categories and statuses a request may have, how a new
// message moves its status, and the rule for the free text clients send (subjects, message
// bodies). Pure functions; the routes (api/routes_support.cpp) turn a refusal into a 400
// or 409 and the store (store/support.cpp) keeps what they allowed.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace painel::domain {

inline constexpr size_t kSupportSubjectMax = 200;  // bytes
inline constexpr size_t kSupportBodyMax = 10000;   // bytes, after newlines are normalized

// billing | technical | agent | integration | other
bool valid_support_category(std::string_view c);
// open | answered | closed
bool valid_support_status(std::string_view s);

// Who wrote a message: "tenant" (a tenant user) or "staff" (an internal user), whatever
// route they used.
enum class SupportSide { Tenant, Staff };
const char* support_side_name(SupportSide s);

// The request's status once a message from `side` is added: a staff reply answers it, a
// tenant message (re)opens it. nullopt for a closed request: it takes no message until it
// is reopened.
std::optional<std::string> status_after_message(std::string_view current, SupportSide side);

// Multi-line text from a client: CR LF and lone CR become LF, surrounding spaces and
// newlines are trimmed. Refused (the reason, to be prefixed with the field's name) when
// it is empty, longer than `max_bytes`, not UTF-8, or holds a control character other
// than a newline.
struct CheckedText {
  std::string text;
  std::string error;  // empty when accepted
  std::string code;   // its field-error code (http/problem_catalog): "empty", "too-long", ...
};
CheckedText check_multiline_text(std::string_view in, size_t max_bytes);

}  // namespace painel::domain
