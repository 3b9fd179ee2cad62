#include "api/ingest_body.hpp"

#include <rapidjson/reader.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "core/error.hpp"

namespace painel::api {
namespace {

ApiError too_large(std::string detail) {
  return ApiError(413, "Content Too Large", std::move(detail));
}

// Closes the inflate stream on every way out.
struct InflateGuard {
  z_stream* zs;
  ~InflateGuard() { inflateEnd(zs); }
};

// The gzip trailer's ISIZE (size mod 2^32): a hint for one allocation, never trusted.
size_t gzip_size_hint(std::string_view in) {
  if (in.size() < 18) return 0;
  auto b = reinterpret_cast<const unsigned char*>(in.data() + in.size() - 4);
  return static_cast<size_t>(b[0]) | static_cast<size_t>(b[1]) << 8 |
         static_cast<size_t>(b[2]) << 16 | static_cast<size_t>(b[3]) << 24;
}

// Builds the document through rapidjson::Document's SAX interface and stops the parse at
// once when a limit is passed, before the values exist. Keys count as values.
class BoundedBuilder {
 public:
  enum class Stop { None, Depth, Events, Values, Nul };
  explicit BoundedBuilder(rapidjson::Document& d) : d_(d) {}
  Stop stop() const { return stop_; }

  bool Null() { return value() && d_.Null(); }
  bool Bool(bool b) { return value() && d_.Bool(b); }
  bool Int(int i) { return value() && d_.Int(i); }
  bool Uint(unsigned u) { return value() && d_.Uint(u); }
  bool Int64(int64_t i) { return value() && d_.Int64(i); }
  bool Uint64(uint64_t u) { return value() && d_.Uint64(u); }
  bool Double(double v) { return value() && d_.Double(v); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) {
    return value() && d_.RawNumber(s, n, copy);
  }
  bool String(const char* s, rapidjson::SizeType n, bool copy) {
    return value() && text(s, n) && d_.String(s, n, copy);
  }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) {
    key_is_events_ = depth_ == 1 && std::string_view(s, n) == "events";
    return ++values_ <= kIngestMaxJsonValues ? text(s, n) && d_.Key(s, n, copy)
                                             : fail(Stop::Values);
  }
  bool StartObject() { return value() && open() && d_.StartObject(); }
  bool EndObject(rapidjson::SizeType n) {
    --depth_;
    return d_.EndObject(n);
  }
  bool StartArray() {
    bool events = depth_ == 1 && key_is_events_;
    if (!value() || !open()) return false;
    if (events) in_events_ = true;
    return d_.StartArray();
  }
  bool EndArray(rapidjson::SizeType n) {
    if (depth_ == 2) in_events_ = false;
    --depth_;
    return d_.EndArray(n);
  }

 private:
  bool fail(Stop s) {
    stop_ = s;
    return false;
  }
  bool value() {
    if (++values_ > kIngestMaxJsonValues) return fail(Stop::Values);
    if (depth_ == 2 && in_events_ && ++events_ > kIngestMaxEvents) return fail(Stop::Events);
    return true;
  }
  bool open() { return ++depth_ <= kIngestMaxDepth || fail(Stop::Depth); }
  // A decoded \u0000 would end the text early in the store and the logs.
  bool text(const char* s, rapidjson::SizeType n) {
    return std::memchr(s, 0, n) == nullptr || fail(Stop::Nul);
  }

  rapidjson::Document& d_;
  Stop stop_ = Stop::None;
  size_t depth_ = 0, values_ = 0, events_ = 0;
  bool key_is_events_ = false, in_events_ = false;
};

}  // namespace

std::string gunzip_limited(std::string_view in, size_t limit) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) throw std::bad_alloc();
  InflateGuard guard{&zs};
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  std::string out;
  // Reserved, not written: pages an honest client's size hint over-reserves stay unmapped.
  out.reserve(std::min(gzip_size_hint(in), limit));
  char buf[65536];
  int rc;
  do {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) throw bad_request("request body is not valid gzip");
    size_t n = sizeof buf - zs.avail_out;
    if (out.size() + n > limit)
      throw too_large("decompressed body larger than " + std::to_string(limit >> 20) + " MiB");
    out.append(buf, n);
  } while (rc != Z_STREAM_END);
  return out;
}

void parse_ingest_document(std::string& body, rapidjson::Document& d) {
  // In-place parsing stops at the first NUL; JSON text never contains a raw one.
  if (body.find('\0') != std::string::npos) throw bad_request("request body is not valid JSON");
  // TODO(after core/json gains JsonLimits): this function becomes
  //   d = parse_json_object_in_place(body, {kIngestMaxDepth, kIngestMaxJsonValues});
  // plus the event count, which parse_batch also checks on the document.
  BoundedBuilder::Stop stop = BoundedBuilder::Stop::None;
  rapidjson::ParseResult result;
  auto generate = [&](rapidjson::Document& handler) {
    BoundedBuilder b(handler);
    rapidjson::InsituStringStream s(body.data());
    rapidjson::Reader reader;
    constexpr unsigned kFlags = rapidjson::kParseInsituFlag | rapidjson::kParseIterativeFlag |
                                rapidjson::kParseValidateEncodingFlag;
    result = reader.Parse<kFlags>(s, b);
    stop = b.stop();
    return !result.IsError();
  };
  d.Populate(generate);
  switch (stop) {
    case BoundedBuilder::Stop::Values:
      throw bad_request("request body has too many JSON values (at most " +
                        std::to_string(kIngestMaxJsonValues) + ")");
    case BoundedBuilder::Stop::Nul:
      throw bad_request("JSON strings must not contain U+0000");
    case BoundedBuilder::Stop::Events:
      throw bad_request("at most " + std::to_string(kIngestMaxEvents) + " events per batch");
    case BoundedBuilder::Stop::Depth:
      throw bad_request("request body is nested too deeply (at most " +
                        std::to_string(kIngestMaxDepth) + " levels)");
    case BoundedBuilder::Stop::None:
      break;
  }
  if (result.IsError())
    throw bad_request(result.Code() == rapidjson::kParseErrorStringInvalidEncoding
                          ? "request body is not valid UTF-8"
                          : "request body is not valid JSON");
  if (!d.IsObject()) throw bad_request("request body must be a JSON object");
}

}  // namespace painel::api
