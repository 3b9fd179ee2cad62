// The HTTP request head as server.cpp reads it: Beast's request_parser<string_body> with
// the server's header limit, then parse_target on the target. The input is fed whole and
// again in two pieces (split at a point taken from the first byte), as a slow client would
// send it: both must give the same answer. An accepted head has a token method, a target
// without spaces or control bytes, and field values without CR, LF or NUL.
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "http/message.hpp"

namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

constexpr std::uint32_t kHeaderLimit = 16 * 1024;  // http::ServerOptions::header_limit
constexpr std::uint64_t kBodyLimit = 1 << 20;      // the smallest route limit used

struct Parsed {
  beast::error_code ec;
  std::string method, target, body;
  std::vector<std::pair<std::string, std::string>> fields;
  bool chunked = false;
  std::optional<std::uint64_t> content_length;
  bool keep_alive = false;
};

// What async_read_header + async_read do with a buffer that fills in `pieces`.
Parsed parse(std::string_view input, size_t split) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(kHeaderLimit);
  parser.body_limit(kBodyLimit);
  beast::flat_buffer buffer;
  Parsed out;
  std::string_view pending[2] = {input.substr(0, split), input.substr(split)};
  for (std::string_view piece : pending) {
    if (piece.empty()) continue;
    auto dst = buffer.prepare(piece.size());
    std::memcpy(dst.data(), piece.data(), piece.size());
    buffer.commit(piece.size());
    while (buffer.size() > 0 && !parser.is_done()) {
      size_t used = parser.put(buffer.data(), out.ec);
      buffer.consume(used);
      if (out.ec == bhttp::error::need_more) {
        out.ec = {};
        break;
      }
      if (out.ec) return out;
      if (used == 0) break;
    }
  }
  if (!parser.is_header_done()) {
    if (!out.ec) out.ec = bhttp::error::need_more;
    return out;
  }
  const auto& m = parser.get();
  out.method = std::string(m.method_string());
  out.target = std::string(m.target());
  for (const auto& f : m) out.fields.emplace_back(f.name_string(), f.value());
  out.chunked = parser.chunked();
  if (auto cl = parser.content_length()) out.content_length = *cl;
  out.keep_alive = parser.keep_alive();
  if (parser.is_done()) out.body = m.body();
  return out;
}

bool is_tchar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const Parsed whole = parse(input, input.size());
  const Parsed pieces = parse(input, data[0] % (input.size() + 1));
  // Once Beast has answered need_more it re-parses only when the end of the head (or the
  // header limit) arrives, so a client sending a bad head in pieces gets its error later
  // (or a timeout): pieces may still "need more" where the whole head is an error. Any
  // other difference is a parser bug.
  FUZZ_CHECK(!whole.ec == !pieces.ec);
  if (whole.ec == bhttp::error::need_more) FUZZ_CHECK(pieces.ec == bhttp::error::need_more);
  if (whole.ec) return 0;
  FUZZ_CHECK(whole.method == pieces.method && whole.target == pieces.target);
  FUZZ_CHECK(whole.fields == pieces.fields && whole.body == pieces.body);

  FUZZ_CHECK(!whole.method.empty());
  for (unsigned char c : whole.method) FUZZ_CHECK(is_tchar(c));
  FUZZ_CHECK(!whole.target.empty());
  for (unsigned char c : whole.target) FUZZ_CHECK(c > 0x20 && c != 0x7f);
  for (const auto& [name, value] : whole.fields) {
    FUZZ_CHECK(!name.empty());
    for (unsigned char c : name) FUZZ_CHECK(is_tchar(c));
    for (unsigned char c : value) FUZZ_CHECK(c != '\r' && c != '\n' && c != '\0');
  }
  FUZZ_CHECK(!(whole.chunked && whole.content_length));  // RFC 9112 §6.3: never both
  FUZZ_CHECK(!whole.content_length || *whole.content_length <= kBodyLimit || whole.body.empty());

  std::string path;
  painel::http::Fields query;
  if (painel::http::parse_target(whole.target, path, query)) {
    FUZZ_CHECK(!path.empty() && path[0] == '/' && !painel::fuzz::has_control(path));
    FUZZ_CHECK(painel::fuzz::is_utf8(path));
    for (const auto& [k, v] : query) {
      FUZZ_CHECK(!painel::fuzz::has_control(k) && !painel::fuzz::has_control(v));
      FUZZ_CHECK(painel::fuzz::is_utf8(k) && painel::fuzz::is_utf8(v));
    }
  }
  return 0;
}
