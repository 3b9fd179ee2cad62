// The JSON request-body parser (core/json): parse_json_object and
// parse_json_object_in_place must agree, throw only ApiError 400, and whatever they accept
// must re-serialise to JSON that parses back to the same document.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <optional>
#include <string>

#include "core/error.hpp"
#include "core/json.hpp"
#include "fuzz_check.hpp"

namespace {

// nullopt when the document holds a number the Writer refuses (NaN, ±inf).
std::optional<std::string> serialise(const rapidjson::Value& v) {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  if (!v.Accept(w)) return std::nullopt;
  return std::string(b.GetString(), b.GetSize());
}

struct Outcome {
  bool accepted = false;
  std::optional<std::string> text;  // the accepted document, serialised
};

template <class Parse>
Outcome outcome(Parse&& parse) {
  try {
    rapidjson::Document d = parse();
    FUZZ_CHECK(d.IsObject());
    Outcome out{true, serialise(d)};
    // RapidJSON 1.1 refuses 1e309 but reads 9348623157e308 as inf (the mantissa's digits
    // push it past DBL_MAX); core/json refuses non-finite numbers, so whatever parses can be
    // written back.
    FUZZ_CHECK(out.text);
    return out;
  } catch (const painel::ApiError& e) {
    FUZZ_CHECK(e.status == 400);
    return {};
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const Outcome copied = outcome([&] { return painel::parse_json_object(input); });
  std::string buffer = input;  // parsed in place: rewritten, and viewed by the document
  const Outcome in_place = outcome([&] { return painel::parse_json_object_in_place(buffer); });

  // Both entry points accept the same bodies and read them the same way (before issue
  // 13's single parse path, only the copying one skipped a BOM — or any of its bytes
  // alone — and ignored what followed a raw NUL after the object).
  FUZZ_CHECK(copied.accepted == in_place.accepted);
  if (!copied.accepted || !in_place.accepted) return 0;
  FUZZ_CHECK(copied.text == in_place.text);
  if (!copied.text) return 0;

  // The serialised form is JSON, and a fixpoint: parsing it (full precision, so doubles
  // written shortest-round-trip come back exactly) and writing it again changes nothing.
  rapidjson::Document again;
  again.Parse<rapidjson::kParseFullPrecisionFlag>(copied.text->data(), copied.text->size());
  FUZZ_CHECK(!again.HasParseError() && again.IsObject());
  FUZZ_CHECK(serialise(again) == copied.text);
  FUZZ_CHECK(painel::fuzz::is_utf8(*copied.text));
  return 0;
}
