#pragma once
// Identifiers: random UUIDv4 strings (lowercase), time-ordered UUIDv7 strings, and strict
// validation of client ids.
#include <cstdint>
#include <string>
#include <string_view>

namespace painel {
std::string new_uuid();
// RFC 9562 UUIDv7 for `unix_ms`, monotonic within the process (method 3: rand_a is a
// counter): an id made later sorts after every id made before it, even in the same
// millisecond or if the clock steps back, so "newest first" can break ties by id.
std::string new_uuid_v7(int64_t unix_ms);
bool is_uuid(std::string_view s);  // 8-4-4-4-12 hex, any version, case-insensitive
}  // namespace painel
