#include "core/json.hpp"

#include <cmath>
#include <cstdio>

#include "core/error.hpp"

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

rapidjson::Document object_or_throw(rapidjson::Document d) {
  if (d.HasParseError()) throw bad_request("request body is not valid JSON");
  if (!d.IsObject()) throw bad_request("request body must be a JSON object");
  return d;
}

}  // namespace

rapidjson::Document parse_json_object(std::string_view body) {
  rapidjson::Document d;
  d.Parse(body.data(), body.size());  // trailing data after the object is an error
  return object_or_throw(std::move(d));
}

rapidjson::Document parse_json_object_in_place(std::string& body) {
  // In-place parsing stops at the first NUL; JSON text never contains a raw one.
  if (body.find('\0') != std::string::npos) throw bad_request("request body is not valid JSON");
  rapidjson::Document d;
  d.ParseInsitu(body.data());
  return object_or_throw(std::move(d));
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
