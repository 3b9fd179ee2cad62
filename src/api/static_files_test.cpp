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

TEST(StaticFilesRebase, ASelfClosingBaseTagMovesToo) {  // as Prettier writes web/index.html
  EXPECT_EQ(StaticFiles::rebase_page("<head><base href=\"/app/\" /></head>", "/painel"),
            "<head><base href=\"/painel/app/\" /></head>");
}

TEST(StaticFilesRebase, NoPrefixOrNoBaseKeepsThePage) {
  EXPECT_EQ(StaticFiles::rebase_page(kPage, ""), kPage);
  EXPECT_EQ(StaticFiles::rebase_page("<head></head>", "/painel"), "<head></head>");
}

}  // namespace
}  // namespace painel::api
