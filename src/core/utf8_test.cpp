#include "core/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

using painel::valid_utf8;
using painel::valid_utf8_text;

TEST(Utf8, AcceptsWellFormedText) {
  EXPECT_TRUE(valid_utf8(""));
  EXPECT_TRUE(valid_utf8("plain ascii"));
  EXPECT_TRUE(valid_utf8("Transportadora São João — Ltda"));
  EXPECT_TRUE(valid_utf8("\xF0\x9F\x98\x80"));  // U+1F600
  EXPECT_TRUE(valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
  EXPECT_TRUE(valid_utf8("\xEF\xBF\xBD"));      // U+FFFD
}

TEST(Utf8, RefusesMalformedSequences) {
  EXPECT_FALSE(valid_utf8("\xFF"));
  EXPECT_FALSE(valid_utf8("\xC3"));              // truncated (the %C3 of the report)
  EXPECT_FALSE(valid_utf8("a\xC3"));             // truncated at the end
  EXPECT_FALSE(valid_utf8("\x80"));              // lone continuation byte
  EXPECT_FALSE(valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(valid_utf8("\xE0\x80\xAF"));      // overlong, 3 bytes
  EXPECT_FALSE(valid_utf8("\xF0\x80\x80\xAF"));  // overlong, 4 bytes
  EXPECT_FALSE(valid_utf8("\xED\xA0\x80"));      // surrogate U+D800
  EXPECT_FALSE(valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(valid_utf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(valid_utf8("\xE2\x82"));      // truncated 3-byte
  EXPECT_FALSE(valid_utf8("\xE2\x28\xA1"));  // bad continuation
}

TEST(Utf8, TextRefusesControlCharacters) {
  EXPECT_TRUE(valid_utf8_text("São Paulo"));
  EXPECT_FALSE(valid_utf8_text(std::string("a\0b", 3)));
  EXPECT_FALSE(valid_utf8_text("line\nbreak"));
  EXPECT_FALSE(valid_utf8_text("del\x7f"));
  EXPECT_FALSE(valid_utf8_text("\xFF"));
}
