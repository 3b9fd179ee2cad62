#pragma once
// Identifiers: random UUIDv4 strings (lowercase) and strict validation of client ids.
#include <string>
#include <string_view>

namespace painel {
std::string new_uuid();
bool is_uuid(std::string_view s);  // 8-4-4-4-12 hex, any version, case-insensitive
}  // namespace painel
