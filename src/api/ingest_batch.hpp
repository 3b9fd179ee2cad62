#pragma once
// Validation of a POST /ingest/usage body: a batch is checked whole, and one bad event
// rejects it with a 400 naming the event and the field. Kept apart from the route so the
// unit tests and the fuzz target (fuzz/fuzz_ingest_batch.cpp) reach it without a server.
#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "store/usage_ingest.hpp"

namespace painel::api {

inline constexpr std::size_t kMaxIngestEvents = 10000;

// Parses `body` in place into `d` and validates every event; throws ApiError 400 on the
// first problem. The events view `body` and `d` (no string is copied per event), so both
// must outlive them; UUIDs are lower-cased where they lie in `body`.
std::vector<store::UsageEvent> parse_batch(std::string& body, rapidjson::Document& d,
                                           int64_t now_ms);

}  // namespace painel::api
