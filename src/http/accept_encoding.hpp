#pragma once
// Content-coding negotiation (RFC 9110 §12.5.3): which of the codings a response is
// available in to send for a request's Accept-Encoding. Pure functions, no I/O.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace painel::http {

struct CodingWeight {
  std::string coding;  // lower-cased; "x-gzip" is read as "gzip"
  int q = 1000;        // weight in thousandths (q=0.5 → 500)
};

// The items of an Accept-Encoding value in order; an item with a malformed weight (q=2,
// q=abc, more than three decimals) is dropped, as if not sent.
std::vector<CodingWeight> parse_accept_encoding(std::string_view value);

// The coding to send: one of `offered` (the server's order of preference, e.g. {"br",
// "gzip"}) or "identity". A coding not named takes the weight of `*` when given, else 0;
// identity is acceptable unless named with q=0 or excluded by `*;q=0` (not named, it
// comes after any offered coding of positive weight). The highest weight
// wins; on a tie the earlier offered coding, then identity. No header: identity (nothing
// was asked for). nullopt: everything, identity included, is refused (answer 406).
std::optional<std::string> choose_encoding(std::optional<std::string_view> accept_encoding,
                                           const std::vector<std::string_view>& offered);

}  // namespace painel::http
