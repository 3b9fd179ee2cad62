#include "api/static_files.hpp"

#include <gtest/gtest.h>

namespace painel::api {
namespace {

constexpr const char* kPage =
    "<head><base href=\"/app/\"><script src=\"./assets/main.js\"></script></head>";

TEST(StaticFilesRebase, ThePageMovesUnderThePrefix) {
  EXPECT_EQ(StaticFiles::rebase_page(kPage, "/painel"),
            "<head><base href=\"/painel/app/\"><script src=\"./assets/main.js\"></script></head>");
}

TEST(StaticFilesRebase, NoPrefixOrNoBaseKeepsThePage) {
  EXPECT_EQ(StaticFiles::rebase_page(kPage, ""), kPage);
  EXPECT_EQ(StaticFiles::rebase_page("<head></head>", "/painel"), "<head></head>");
}

}  // namespace
}  // namespace painel::api
