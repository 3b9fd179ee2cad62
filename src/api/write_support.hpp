#pragma once
// What every write route of the administration API shares (API.md, "Administration"):
//  - BodyFields: the JSON body's fields, with unknown fields refused (400 naming them) and
//    typed, bounded access (400 naming the field on a wrong type or size);
//  - Changes: the "before → after" of the fields a write changed, for its audit row (never
//    a secret: callers leave credentials out);
//  - require_if_match: honours If-Match against the object's current ETag (412).
#include <rapidjson/document.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/json.hpp"
#include "http/message.hpp"
#include "store/db.hpp"

namespace painel::api {

class BodyFields {
 public:
  // 400 when the body is not an object or has a field outside `known`. `prefix` names a
  // nested object in errors[] ("limits." → field "limits.max_agents").
  BodyFields(const rapidjson::Value& body, std::initializer_list<std::string_view> known,
             std::string prefix = {});

  bool has(const char* field) const;  // present (null included)
  bool is_null(const char* field) const;
  // Text: trimmed of surrounding spaces, 1..max_len bytes after trimming, no control
  // characters. 400 naming the field otherwise; req_* also when absent or null.
  std::string req_text(const char* field, size_t max_len = 200) const;
  std::optional<std::string> opt_text(const char* field, size_t max_len = 200) const;
  // One of `allowed`.
  std::string req_enum(const char* field, std::initializer_list<std::string_view> allowed) const;
  std::optional<std::string> opt_enum(const char* field,
                                      std::initializer_list<std::string_view> allowed) const;
  // An integer in [min, max].
  std::optional<int64_t> opt_int(const char* field, int64_t min, int64_t max) const;
  // Money as a JSON number or decimal string with at most two decimals ("199.90"), in cents.
  std::optional<int64_t> opt_money_cents(const char* field, int64_t max_cents) const;
  // A JSON object, re-serialized compactly (for config columns); at most max_bytes.
  std::optional<std::string> opt_object_json(const char* field, size_t max_bytes = 16384) const;
  const rapidjson::Value* raw(const char* field) const;  // nullptr when absent

 private:
  std::string field_name(const char* field) const { return prefix_ + field; }
  const rapidjson::Value& body_;
  std::string prefix_;
};

// {"field":{"from":…,"to":…},…} — only the fields whose value changed.
class Changes {
 public:
  void text(std::string_view field, const std::optional<std::string>& before,
            const std::optional<std::string>& after);
  void integer(std::string_view field, std::optional<int64_t> before, std::optional<int64_t> after);
  void money(std::string_view field, int64_t before_cents, int64_t after_cents);
  bool empty() const { return parts_.empty(); }
  // The audit row's metadata: {"changes":{…}} plus any extra "key":value pairs given as
  // already-encoded JSON values.
  std::string metadata(
      std::initializer_list<std::pair<std::string_view, std::string>> extra = {}) const;

 private:
  std::vector<std::string> parts_;  // "\"field\":{\"from\":…,\"to\":…}"
};

// If-Match on a write: absent → go on; "*" or a tag equal to `current_etag` → go on; else
// 412 Precondition Failed ("the object changed since you read it").
void require_if_match(const http::Request& req, std::string_view current_etag);

// A write off PostgreSQL's global lock that checks a value is free and then inserts it,
// the value unique by a constraint (a CNPJ, an e-mail): beside another writer both checks
// can pass, and the second insert then fails on the constraint once the first commits
// (DbError::Constraint, which would answer 500). `write()` runs the write; on such a
// failure `taken()` asks, in a read of its own, whether the value is taken now: if so the
// answer is the 409 the check gives (`detail`), as when writes were serialized; if not,
// the error was something else and goes on.
template <class Write, class Taken>
auto unique_or_conflict(Write&& write, Taken&& taken, const std::string& detail) {
  try {
    return write();
  } catch (const store::DbError& e) {
    if (e.kind == store::DbError::Kind::Constraint && taken()) throw conflict(detail);
    throw;
  }
}

}  // namespace painel::api
