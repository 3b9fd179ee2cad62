#include "core/config.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace painel {
namespace {

Config with_public_url(std::string url) {
  Config c;
  c.public_url = std::move(url);
  return c;
}

TEST(ConfigPathPrefix, IsThePathOfThePublicUrl) {
  EXPECT_EQ(with_public_url("https://painel.example.com/painel").path_prefix(), "/painel");
  EXPECT_EQ(with_public_url("https://painel.example.com/a/b/").path_prefix(), "/a/b");
  EXPECT_EQ(with_public_url("https://painel.example.com/").path_prefix(), "");
  EXPECT_EQ(with_public_url("https://painel.example.com:8443").path_prefix(), "");
  EXPECT_EQ(Config{}.path_prefix(), "");
}

TEST(ConfigPathPrefix, OnlyPlainSegmentsAreValid) {
  EXPECT_NO_THROW(with_public_url("https://x.example/painel-1/v_2").validate());
  for (auto bad : {"https://x.example//painel", "https://x.example/a/../b",
                   "https://x.example/%70ainel", "https://x.example/a;b", "https://x.example/./a"})
    EXPECT_THROW(with_public_url(bad).validate(), std::invalid_argument) << bad;
}

}  // namespace
}  // namespace painel
