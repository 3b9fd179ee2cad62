#include "api/write_support.hpp"

#include <rapidjson/writer.h>

#include <algorithm>

#include "core/error.hpp"
#include "core/utf8.hpp"
#include "http/compress.hpp"

namespace painel::api {
namespace {

std::string list_of(std::initializer_list<std::string_view> allowed) {
  std::string out;
  for (auto a : allowed) {
    if (!out.empty()) out += ", ";
    out += a;
  }
  return out;
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

BodyFields::BodyFields(const rapidjson::Value& body, std::initializer_list<std::string_view> known)
    : body_(body) {
  if (!body.IsObject()) throw invalid_input("the body must be a JSON object");
  std::string unknown;
  for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
    std::string_view name(it->name.GetString(), it->name.GetStringLength());
    if (std::find(known.begin(), known.end(), name) != known.end()) continue;
    if (!unknown.empty()) unknown += ", ";
    unknown += std::string(name.substr(0, 64));
  }
  if (!unknown.empty())
    throw invalid_input("unknown field(s): " + unknown + " (allowed: " + list_of(known) + ")");
}

const rapidjson::Value* BodyFields::raw(const char* field) const {
  auto it = body_.FindMember(field);
  return it == body_.MemberEnd() ? nullptr : &it->value;
}

bool BodyFields::has(const char* field) const { return raw(field) != nullptr; }

bool BodyFields::is_null(const char* field) const {
  auto v = raw(field);
  return v && v->IsNull();
}

std::optional<std::string> BodyFields::opt_text(const char* field, size_t max_len) const {
  auto v = raw(field);
  if (!v || v->IsNull()) return std::nullopt;
  if (!v->IsString()) throw invalid_input(std::string(field) + " must be a string");
  std::string_view s = trimmed({v->GetString(), v->GetStringLength()});
  if (s.empty()) throw invalid_input(std::string(field) + " must not be empty");
  if (s.size() > max_len)
    throw invalid_input(std::string(field) + " must be at most " + std::to_string(max_len) +
                        " bytes");
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f)
      throw invalid_input(std::string(field) + " must not contain control characters");
  return std::string(s);
}

std::string BodyFields::req_text(const char* field, size_t max_len) const {
  auto s = opt_text(field, max_len);
  if (!s) throw invalid_input(std::string(field) + " is required");
  return *s;
}

std::optional<std::string> BodyFields::opt_enum(
    const char* field, std::initializer_list<std::string_view> allowed) const {
  auto v = raw(field);
  if (!v || v->IsNull()) return std::nullopt;
  std::string_view s =
      v->IsString() ? std::string_view(v->GetString(), v->GetStringLength()) : std::string_view();
  if (!v->IsString() || std::find(allowed.begin(), allowed.end(), s) == allowed.end())
    throw invalid_input(std::string(field) + " must be one of: " + list_of(allowed));
  return std::string(s);
}

std::string BodyFields::req_enum(const char* field,
                                 std::initializer_list<std::string_view> allowed) const {
  auto s = opt_enum(field, allowed);
  if (!s)
    throw invalid_input(std::string(field) + " is required (one of: " + list_of(allowed) + ")");
  return *s;
}

std::optional<int64_t> BodyFields::opt_int(const char* field, int64_t min, int64_t max) const {
  auto v = raw(field);
  if (!v || v->IsNull()) return std::nullopt;
  if (!v->IsInt64() || v->GetInt64() < min || v->GetInt64() > max)
    throw invalid_input(std::string(field) + " must be an integer from " + std::to_string(min) +
                        " to " + std::to_string(max));
  return v->GetInt64();
}

std::optional<int64_t> BodyFields::opt_money_cents(const char* field, int64_t max_cents) const {
  auto v = raw(field);
  if (!v || v->IsNull()) return std::nullopt;
  std::string text;
  if (v->IsString()) {
    text.assign(v->GetString(), v->GetStringLength());
  } else if (v->IsInt64()) {
    text = std::to_string(v->GetInt64());
  } else if (v->IsDouble()) {
    rapidjson::StringBuffer sb;  // the number as the client wrote it, shortest form
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    w.Double(v->GetDouble());
    text = sb.GetString();
  }
  // digits, optionally "." and one or two digits: exact cents, no binary rounding
  auto bad = [&] {
    return invalid_input(std::string(field) +
                         " must be an amount with at most two decimals, e.g. 199.90");
  };
  size_t dot = text.find('.');
  std::string whole = text.substr(0, dot),
              frac = dot == std::string::npos ? "" : text.substr(dot + 1);
  if (whole.empty() || whole.size() > 12 || frac.size() > 2 ||
      (dot != std::string::npos && frac.empty()))
    throw bad();
  for (char c : whole + frac)
    if (c < '0' || c > '9') throw bad();
  while (frac.size() < 2) frac.push_back('0');
  int64_t cents = std::stoll(whole) * 100 + std::stoll(frac);
  if (cents > max_cents) throw invalid_input(std::string(field) + " is too large");
  return cents;
}

std::optional<std::string> BodyFields::opt_object_json(const char* field, size_t max_bytes) const {
  auto v = raw(field);
  if (!v || v->IsNull()) return std::nullopt;
  if (!v->IsObject()) throw invalid_input(std::string(field) + " must be a JSON object");
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  v->Accept(w);
  if (sb.GetSize() > max_bytes)
    throw invalid_input(std::string(field) + " must be at most " + std::to_string(max_bytes) +
                        " bytes of JSON");
  return std::string(sb.GetString(), sb.GetSize());
}

void Changes::text(std::string_view field, const std::optional<std::string>& before,
                   const std::optional<std::string>& after) {
  if (before == after) return;
  auto enc = [](const std::optional<std::string>& v) { return v ? json_escape(*v) : "null"; };
  parts_.push_back(json_escape(field) + ":{\"from\":" + enc(before) + ",\"to\":" + enc(after) +
                   "}");
}

void Changes::integer(std::string_view field, std::optional<int64_t> before,
                      std::optional<int64_t> after) {
  if (before == after) return;
  auto enc = [](std::optional<int64_t> v) { return v ? std::to_string(*v) : "null"; };
  parts_.push_back(json_escape(field) + ":{\"from\":" + enc(before) + ",\"to\":" + enc(after) +
                   "}");
}

void Changes::money(std::string_view field, int64_t before_cents, int64_t after_cents) {
  if (before_cents == after_cents) return;
  parts_.push_back(json_escape(field) + ":{\"from\":" + json_escape(money_text(before_cents)) +
                   ",\"to\":" + json_escape(money_text(after_cents)) + "}");
}

std::string Changes::metadata(
    std::initializer_list<std::pair<std::string_view, std::string>> extra) const {
  std::string out = "{\"changes\":{";
  for (size_t i = 0; i < parts_.size(); ++i) out += (i ? "," : "") + parts_[i];
  out += "}";
  for (auto& [k, v] : extra) out += "," + json_escape(k) + ":" + v;
  return out + "}";
}

void require_if_match(const http::Request& req, std::string_view current_etag) {
  auto h = req.header("if-match");
  if (!h) return;
  std::string_view v = trimmed(*h);
  if (v == "*" || v == current_etag) return;
  // The tag of the answer's gzip form names the same object (api/app.cpp compresses reads).
  const std::string gz = http::gzip_etag(current_etag);
  // A list of tags ("a", "b"), weak or strong: any equal one matches.
  size_t pos = 0;
  while (pos < v.size()) {
    size_t comma = v.find(',', pos);
    std::string_view tag =
        trimmed(v.substr(pos, comma == std::string_view::npos ? v.npos : comma - pos));
    if (tag.rfind("W/", 0) == 0) tag.remove_prefix(2);
    if (tag == current_etag || tag == gz) return;
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  throw precondition_failed(
      "the object changed since you read it (If-Match does not match its ETag)");
}

}  // namespace painel::api
