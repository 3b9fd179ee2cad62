// Query-parameter parsing: http::parse_target (percent-decoding) and the api/params
// validators every route uses. Decoded text never holds a control byte, decoding is the
// exact inverse of encoding, and the validators throw only ApiError 400 and return only
// values inside their documented ranges.
#include <cstdint>
#include <string>
#include <string_view>

#include "api/params.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "fuzz_check.hpp"
#include "http/message.hpp"

namespace {

using painel::fuzz::has_control;
using painel::http::Fields;

constexpr int64_t kToday = 19'700;  // 2023-12-09

std::string encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~' || c == '/') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// Runs `f`; an ApiError must be a 400. Returns whether it succeeded.
template <class F>
bool ok_or_400(F&& f) {
  try {
    f();
    return true;
  } catch (const painel::ApiError& e) {
    FUZZ_CHECK(e.status == 400);
    return false;
  }
}

void check_validators(const painel::http::Request& req) {
  using namespace painel::api;
  ok_or_400([&] {
    Page p = parse_page(req, 50);
    FUZZ_CHECK(p.limit >= 1 && p.limit <= 200 && p.offset >= 0);
  });
  ok_or_400([&] {
    auto v = parse_enum(req, "status", {"active", "suspended", "trial"}, "active");
    FUZZ_CHECK(v == "active" || v == "suspended" || v == "trial");
  });
  ok_or_400([&] {
    if (auto v = parse_opt_uuid(req, "tenant_id")) {
      FUZZ_CHECK(painel::is_uuid(*v));
      for (char c : *v) FUZZ_CHECK(!(c >= 'A' && c <= 'Z'));
    }
  });
  ok_or_400([&] {
    if (auto v = parse_opt_text(req, "search", 100)) {
      FUZZ_CHECK(!v->empty() && v->size() <= 100 && !has_control(*v));
      FUZZ_CHECK(painel::fuzz::is_utf8(*v));
    }
  });
  ok_or_400([&] {
    static const painel::TimeZone zone = painel::TimeZone::default_zone();
    Period p = parse_period(req, zone, kToday * 86'400'000 + 43'200'000, "30d");
    FUZZ_CHECK(p.from_day <= p.to_day && p.days() >= 1 && p.days() <= 366);
    FUZZ_CHECK(!p.label.empty() && !has_control(p.label));
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view target(reinterpret_cast<const char*>(data), size);
  for (bool plus : {false, true})
    FUZZ_CHECK(!has_control(painel::http::percent_decode(target, plus)));

  painel::http::Request req;
  if (!painel::http::parse_target(target, req.path, req.query)) return 0;
  FUZZ_CHECK(!req.path.empty() && req.path[0] == '/' && !has_control(req.path));
  FUZZ_CHECK(req.query.size() <= 64);
  for (const auto& [k, v] : req.query) FUZZ_CHECK(!has_control(k) && !has_control(v));
  FUZZ_CHECK(painel::fuzz::is_utf8(req.path));
  for (const auto& [k, v] : req.query)
    FUZZ_CHECK(painel::fuzz::is_utf8(k) && painel::fuzz::is_utf8(v));

  // Decoding inverts encoding: the canonical re-encoding parses back to the same values.
  std::string canonical = encode(req.path);
  for (size_t i = 0; i < req.query.size(); ++i)
    canonical += (i ? "&" : "?") + encode(req.query[i].first) + "=" + encode(req.query[i].second);
  std::string path;
  Fields query;
  FUZZ_CHECK(painel::http::parse_target(canonical, path, query));
  FUZZ_CHECK(path == req.path && query == req.query);

  check_validators(req);
  return 0;
}
