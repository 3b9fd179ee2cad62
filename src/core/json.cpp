#include "core/json.hpp"

#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <cmath>
#include <cstdio>
#include <cstring>

#include "core/error.hpp"
#include "core/utf8.hpp"

namespace painel {

JsonOut& JsonOut::dbl(double v) {
  if (!std::isfinite(v)) v = 0;
  char buf[32];
  int n = std::snprintf(buf, sizeof buf, "%.3f", v);
  // trim trailing zeros for readability: 12.500 -> 12.5, 3.000 -> 3
  while (n > 1 && buf[n - 1] == '0') --n;
  if (n > 1 && buf[n - 1] == '.') --n;
  w_.RawValue(buf, static_cast<size_t>(n), rapidjson::kNumberType);
  return *this;
}

JsonOut& JsonOut::fixed1(double v) {
  if (!std::isfinite(v)) v = 0;
  char buf[32];
  int n = std::snprintf(buf, sizeof buf, "%.1f", v);
  w_.RawValue(buf, static_cast<size_t>(n), rapidjson::kNumberType);
  return *this;
}

std::string money_text(int64_t cents) {
  bool neg = cents < 0;
  uint64_t a = neg ? static_cast<uint64_t>(-(cents + 1)) + 1 : static_cast<uint64_t>(cents);
  char buf[32];
  if (a % 100 == 0)
    std::snprintf(buf, sizeof buf, "%s%llu", neg ? "-" : "",
                  static_cast<unsigned long long>(a / 100));
  else
    std::snprintf(buf, sizeof buf, "%s%llu.%02llu", neg ? "-" : "",
                  static_cast<unsigned long long>(a / 100),
                  static_cast<unsigned long long>(a % 100));
  return buf;
}

JsonOut& JsonOut::money(int64_t cents) {
  std::string t = money_text(cents);
  w_.RawValue(t.data(), t.size(), rapidjson::kNumberType);
  return *this;
}

namespace {

constexpr unsigned kParseFlags = rapidjson::kParseIterativeFlag |
                                 rapidjson::kParseValidateEncodingFlag |
                                 rapidjson::kParseStopWhenDoneFlag;

// Forwards SAX events to the Document that builds the tree, counting depth and values on
// the way; returning false stops the reader (kParseErrorTermination) with `why` set.
struct LimitedHandler {
  rapidjson::Document& d;
  const JsonLimits& limits;
  size_t depth = 0, values = 0;
  const char* why = nullptr;

  bool count() {
    if (++values <= limits.max_values) return true;
    why = "request body has too many JSON values";
    return false;
  }
  bool open() {
    if (!count()) return false;
    if (++depth <= limits.max_depth) return true;
    why = "request body is nested too deeply";
    return false;
  }
  bool text(const char* s, rapidjson::SizeType n) {
    if (std::memchr(s, 0, n) != nullptr) {
      why = "JSON strings must not contain U+0000";
      return false;
    }
    // RapidJSON validates raw bytes and pairs surrogate escapes, but decodes a lone low
    // surrogate (\udc00) to ED B0 80: not UTF-8. Every surrogate's encoding starts with ED.
    if (std::memchr(s, 0xED, n) != nullptr && !valid_utf8({s, n})) {
      why = "request body is not valid UTF-8";
      return false;
    }
    return true;
  }
  bool Null() { return count() && d.Null(); }
  bool Bool(bool b) { return count() && d.Bool(b); }
  bool Int(int i) { return count() && d.Int(i); }
  bool Uint(unsigned u) { return count() && d.Uint(u); }
  bool Int64(int64_t i) { return count() && d.Int64(i); }
  bool Uint64(uint64_t u) { return count() && d.Uint64(u); }
  bool Double(double v) {
    if (std::isfinite(v)) return count() && d.Double(v);
    why = "a JSON number is out of range";  // -9348623157e308 reads as -inf
    return false;
  }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) {
    return count() && d.RawNumber(s, n, copy);
  }
  bool String(const char* s, rapidjson::SizeType n, bool copy) {
    return count() && text(s, n) && d.String(s, n, copy);
  }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) {
    return count() && text(s, n) && d.Key(s, n, copy);
  }
  bool StartObject() { return open() && d.StartObject(); }
  bool EndObject(rapidjson::SizeType n) {
    --depth;
    return d.EndObject(n);
  }
  bool StartArray() { return open() && d.StartArray(); }
  bool EndArray(rapidjson::SizeType n) {
    --depth;
    return d.EndArray(n);
  }
};

template <unsigned Flags, class Stream>
const char* parse_limited(Stream& in, size_t size, rapidjson::Document& d,
                          const JsonLimits& limits) {
  LimitedHandler h{d, limits};
  rapidjson::ParseResult result;
  auto generate = [&](rapidjson::Document& doc) {
    (void)doc;
    rapidjson::Reader reader;  // its stack on the heap (CrtAllocator)
    result = reader.Parse<Flags>(in, h);
    return !result.IsError();
  };
  d.Populate(generate);
  if (h.why) return h.why;
  if (result.IsError()) return "request body is not valid JSON";
  // kParseStopWhenDoneFlag stops after the root: anything but whitespace after it is an error.
  while (in.Tell() < size) {
    char c = in.Take();
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return "request body is not valid JSON";
  }
  return nullptr;
}

// True when the text ends inside a multi-byte UTF-8 sequence.
bool truncated_utf8_tail(std::string_view s) {
  size_t n = s.size();
  for (size_t k = 1; k <= 3 && k <= n; ++k) {
    auto c = static_cast<unsigned char>(s[n - k]);
    if ((c & 0xC0) == 0x80) continue;  // a continuation byte: look further back
    size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    return need > k;
  }
  return false;
}

rapidjson::Document object_or_throw(rapidjson::Document d, const char* why) {
  if (why) throw bad_request(why);
  if (!d.IsObject()) throw bad_request("request body must be a JSON object");
  return d;
}

}  // namespace

const char* parse_json(std::string_view text, rapidjson::Document& d, const JsonLimits& limits) {
  rapidjson::MemoryStream in(text.data(), text.size());
  return parse_limited<kParseFlags>(in, text.size(), d, limits);
}

rapidjson::Document parse_json_object(std::string_view body, const JsonLimits& limits) {
  rapidjson::Document d;
  auto why = parse_json(body, d, limits);
  return object_or_throw(std::move(d), why);
}

rapidjson::Document parse_json_object_in_place(std::string& body, const JsonLimits& limits) {
  // In-place parsing stops at the first NUL; JSON text never contains a raw one.
  if (body.find('\0') != std::string::npos) throw bad_request("request body is not valid JSON");
  // The in-situ stream has no end: validating a multi-byte sequence cut off by the end of
  // the body would read its terminator and up to two bytes past the buffer.
  if (truncated_utf8_tail(body)) throw bad_request("request body is not valid UTF-8");
  rapidjson::Document d;
  rapidjson::InsituStringStream in(body.data());
  auto why = parse_limited<kParseFlags | rapidjson::kParseInsituFlag>(in, body.size(), d, limits);
  return object_or_throw(std::move(d), why);
}

std::optional<std::string> opt_string(const rapidjson::Value& obj, const char* field,
                                      size_t max_len) {
  auto it = obj.FindMember(field);
  if (it == obj.MemberEnd() || it->value.IsNull()) return std::nullopt;
  if (!it->value.IsString())
    throw bad_request(std::string("field '") + field + "' must be a string");
  if (it->value.GetStringLength() > max_len)
    throw bad_request(std::string("field '") + field + "' is too long");
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

std::string req_string(const rapidjson::Value& obj, const char* field, size_t max_len) {
  auto v = opt_string(obj, field, max_len);
  if (!v) throw bad_request(std::string("field '") + field + "' is required");
  return *v;
}

std::string json_escape(std::string_view s) {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  return std::string(b.GetString(), b.GetSize());
}

}  // namespace painel
