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

// When an event may have happened: from `oldest_ms` (the ingest window, --ingest-max-age-days)
// to 5 minutes after `now_ms` (clock skew).
struct TimeBounds {
  int64_t now_ms, oldest_ms;
};

// Parses `body` in place into `d` (api/ingest_body's bounded parse) and validates every
// event; throws ApiError 400 on the first problem. The events view `body` and `d` (no
// string is copied per event), so both must outlive them; UUIDs are lower-cased where they
// lie in `body`.
std::vector<store::UsageEvent> parse_batch(std::string& body, rapidjson::Document& d,
                                           const TimeBounds& when);

}  // namespace painel::api
