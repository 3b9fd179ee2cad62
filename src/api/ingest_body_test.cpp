#include "api/ingest_body.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <functional>
#include <string>

#include "core/error.hpp"

using namespace painel;
using namespace painel::api;

namespace {

std::string gzip(const std::string& in) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, in.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// The status of the ApiError `f` throws (0 if none).
int status_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ApiError& e) {
    return e.status;
  }
  return 0;
}

int parse_status(std::string body) {
  rapidjson::Document d;
  return status_of([&] { parse_ingest_document(body, d); });
}

std::string events(size_t n, const std::string& each) {
  std::string s = "{\"events\":[";
  for (size_t i = 0; i < n; ++i) s += (i ? "," : "") + each;
  return s + "]}";
}

}  // namespace

TEST(IngestGunzip, InflatesUpToTheLimitAndNoFurther) {
  std::string text(100000, ' ');
  EXPECT_EQ(gunzip_limited(gzip(text), text.size()), text);
  EXPECT_EQ(status_of([&] { gunzip_limited(gzip(text), text.size() - 1); }), 413);
}

TEST(IngestGunzip, StopsABombAtTheLimit) {
  // 50 MB of zeros compress to ~50 KB; the limit is 1 MiB.
  std::string bomb = gzip(std::string(50u << 20, '\0'));
  ASSERT_LT(bomb.size(), 100000u);
  EXPECT_EQ(status_of([&] { gunzip_limited(bomb, 1u << 20); }), 413);
}

TEST(IngestGunzip, IgnoresALyingSizeTrailer) {
  std::string z = gzip("{\"events\":[]}");
  for (size_t i = z.size() - 4; i < z.size(); ++i) z[i] = '\xff';  // ISIZE = 4 GiB
  // The trailer's CRC/size no longer match: refused as bad gzip, without a 4 GiB buffer.
  EXPECT_EQ(status_of([&] { gunzip_limited(z, 1u << 20); }), 400);
}

TEST(IngestGunzip, RefusesWhatIsNotGzip) {
  EXPECT_EQ(status_of([] { gunzip_limited("not gzip at all", 1u << 20); }), 400);
  std::string z = gzip(std::string(10000, 'a'));
  EXPECT_EQ(status_of([&] { gunzip_limited(z.substr(0, z.size() / 2), 1u << 20); }), 400);
}

TEST(IngestDocument, ParsesABatchInPlace) {
  std::string body = events(2, R"({"event_id":"a","cost":1.5})");
  rapidjson::Document d;
  parse_ingest_document(body, d);
  ASSERT_TRUE(d.IsObject());
  EXPECT_EQ(d["events"].Size(), 2u);
  EXPECT_STREQ(d["events"][1]["event_id"].GetString(), "a");
}

TEST(IngestDocument, CountsEventsWhileParsing) {
  EXPECT_EQ(parse_status(events(kIngestMaxEvents, "{}")), 0);
  EXPECT_EQ(parse_status(events(kIngestMaxEvents + 1, "{}")), 400);
  EXPECT_EQ(parse_status(events(200000, "0")), 400);
  // Valid events with every field fit in the value budget.
  std::string full =
      R"({"event_id":"e","tenant_id":"t","agent_id":"a","occurred_at":"2026-01-01T00:00:00Z",)"
      R"("status":"success","response_time_ms":1,"tokens_used":2,"cost":0.5,"extra":null})";
  EXPECT_EQ(parse_status(events(kIngestMaxEvents, full)), 0);
}

TEST(IngestDocument, BoundsValuesOutsideTheEvents) {
  std::string many = "{\"events\":[],\"padding\":[";
  for (size_t i = 0; i < kIngestMaxJsonValues + 1; ++i) many += i ? ",0" : "0";
  EXPECT_EQ(parse_status(many + "]}"), 400);
  std::string zeros = "0";
  for (size_t i = 1; i < kIngestMaxJsonValues; ++i) zeros += ",0";
  EXPECT_EQ(parse_status(events(1, "{\"x\":[" + zeros + "]}")), 400);  // inside one event
}

TEST(IngestDocument, RefusesDeepNestingWithoutRecursion) {
  EXPECT_EQ(parse_status("{\"events\":" + std::string(150000, '[')), 400);
  std::string ok = "{\"a\":" + std::string(62, '[') + std::string(62, ']') + "}";
  EXPECT_EQ(parse_status(ok), 0);
  std::string deep = "{\"a\":" + std::string(64, '[') + std::string(64, ']') + "}";
  EXPECT_EQ(parse_status(deep), 400);
}

TEST(IngestDocument, RefusesMalformedInput) {
  EXPECT_EQ(parse_status("[]"), 400);
  EXPECT_EQ(parse_status("{\"events\":[]} trailing"), 400);
  EXPECT_EQ(parse_status(std::string("{\"events\":[\"\0\"]}", 17)), 400);
  EXPECT_EQ(parse_status("{\"events\":[\"\xff\xfe\"]}"), 400);
  EXPECT_EQ(parse_status("{\"events\":[\"\xc3\"]}"), 400);
  EXPECT_EQ(parse_status("{\"events\":[\"a\\u0000b\"]}"), 400);
  EXPECT_EQ(parse_status("{\"ev\\u0000\":[]}"), 400);
}
