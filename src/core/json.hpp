#pragma once
// JSON in Painel: responses are streamed with RapidJSON's Writer (no DOM on the hot path,
// see STACK.md); request bodies are parsed into a Document with size and type checks.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace painel {

class JsonOut {
 public:
  JsonOut() : w_(buf_) {}
  JsonOut& begin_object() {
    w_.StartObject();
    return *this;
  }
  JsonOut& end_object() {
    w_.EndObject();
    return *this;
  }
  JsonOut& begin_array() {
    w_.StartArray();
    return *this;
  }
  JsonOut& end_array() {
    w_.EndArray();
    return *this;
  }
  JsonOut& key(std::string_view k) {
    w_.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
    return *this;
  }
  JsonOut& str(std::string_view v) {
    w_.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
    return *this;
  }
  JsonOut& str_or_null(const std::optional<std::string>& v) { return v ? str(*v) : null(); }
  JsonOut& num(int64_t v) {
    w_.Int64(v);
    return *this;
  }
  JsonOut& num(int v) {
    w_.Int(v);
    return *this;
  }
  JsonOut& num(size_t v) {
    w_.Uint64(v);
    return *this;
  }
  JsonOut& dbl(double v);         // finite only; NaN/inf become 0
  JsonOut& fixed1(double v);      // one decimal place (rates like 97.3)
  JsonOut& money(int64_t cents);  // integer cents → exact JSON number 123.45
  JsonOut& boolean(bool v) {
    w_.Bool(v);
    return *this;
  }
  JsonOut& null() {
    w_.Null();
    return *this;
  }
  JsonOut& raw(std::string_view json) {  // pre-rendered, trusted JSON (e.g. stored jsonb)
    w_.RawValue(json.data(), json.size(), rapidjson::kObjectType);
    return *this;
  }
  // key + value shorthands
  template <class T>
  JsonOut& kv(std::string_view k, const T& v) {
    key(k);
    if constexpr (std::is_same_v<T, bool>)
      return boolean(v);
    else if constexpr (std::is_integral_v<T>)
      return num(static_cast<int64_t>(v));
    else if constexpr (std::is_floating_point_v<T>)
      return dbl(v);
    else if constexpr (std::is_same_v<T, std::optional<std::string>> ||
                       std::is_same_v<T, std::optional<std::string_view>>)
      return v ? str(*v) : null();
    else
      return str(v);
  }
  std::string take() { return std::string(buf_.GetString(), buf_.GetSize()); }
  std::string_view view() const { return {buf_.GetString(), buf_.GetSize()}; }

 private:
  rapidjson::StringBuffer buf_;
  rapidjson::Writer<rapidjson::StringBuffer> w_;
};

std::string money_text(int64_t cents);  // "123.45", "-0.50", "7"

// Bounds on a JSON text a client sent. Every request body is parsed through the functions
// below, which never recurse (RapidJSON's iterative parser: 150 000 `[` cost heap, not the
// stack), stop at `max_depth` nested arrays/objects and at `max_values` values and keys (a
// 10 MiB body of `[]` would otherwise build millions of nodes), and refuse invalid UTF-8 and
// U+0000 in strings (stored, they break every later JSON answer and PostgreSQL's text).
struct JsonLimits {
  size_t max_depth = 64;
  size_t max_values = 1'000'000;
};
// Parses `text` into `d`; returns nullptr on success, else why the text was refused.
const char* parse_json(std::string_view text, rapidjson::Document& d,
                       const JsonLimits& limits = {});
// Parses a request body; throws ApiError 400 on malformed JSON, a limit passed, or when the
// root is not an object.
rapidjson::Document parse_json_object(std::string_view body, const JsonLimits& limits = {});
// The same, parsing in place: the document's strings point into `body` (which it may
// rewrite), so `body` must outlive it. For large bodies read once (ingestion).
rapidjson::Document parse_json_object_in_place(std::string& body, const JsonLimits& limits = {});
// Typed field access on request documents; throw ApiError 400/422 naming the field.
std::optional<std::string> opt_string(const rapidjson::Value& obj, const char* field,
                                      size_t max_len = 1024);
std::string req_string(const rapidjson::Value& obj, const char* field, size_t max_len = 1024);
std::string json_escape(std::string_view s);  // a JSON string literal, quotes included

}  // namespace painel
