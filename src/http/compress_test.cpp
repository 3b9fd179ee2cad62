#include "http/compress.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

namespace painel::http {
namespace {

std::string gunzip(const std::string& in) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
  std::string out(1 << 20, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  inflateEnd(&zs);
  return out;
}

TEST(Gzip, RoundTripsAtEveryLevel) {
  std::string json = "[";
  for (int i = 0; i < 500; ++i)
    json += R"({"id":)" + std::to_string(i) + R"(,"name":"Agente ção"},)";
  json.back() = ']';
  for (int level : {1, 6, 9}) {
    std::string z = gzip_compress(json, level);
    ASSERT_GE(z.size(), 18u);
    EXPECT_EQ(static_cast<unsigned char>(z[0]), 0x1f);  // gzip magic
    EXPECT_EQ(static_cast<unsigned char>(z[1]), 0x8b);
    EXPECT_LT(z.size(), json.size() / 5);
    EXPECT_EQ(gunzip(z), json);
  }
}

TEST(Gzip, EmptyAndIncompressibleInputs) {
  EXPECT_EQ(gunzip(gzip_compress("", 1)), "");
  std::string noise;
  uint32_t x = 12345;
  for (int i = 0; i < 5000; ++i) {
    x = x * 1664525u + 1013904223u;
    noise.push_back(static_cast<char>(x >> 24));
  }
  EXPECT_EQ(gunzip(gzip_compress(noise, 6)), noise);  // deflateBound leaves room
}

TEST(Gzip, EtagOfTheCompressedForm) {
  EXPECT_EQ(gzip_etag("\"0123abcd\""), "\"0123abcd-gzip\"");
  EXPECT_EQ(gzip_etag("W/\"x\""), "W/\"x-gzip\"");
  EXPECT_EQ(gzip_etag("bare"), "bare-gzip");
}

}  // namespace
}  // namespace painel::http
