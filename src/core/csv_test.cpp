#include "core/csv.hpp"

#include <gtest/gtest.h>

#include <string>

namespace painel {

TEST(Csv, PlainTextIsWrittenAsIs) {
  EXPECT_EQ(csv_text_cell("Transportadora Primavera", ','), "Transportadora Primavera");
  EXPECT_EQ(csv_text_cell("São João — Logística", ','), "São João — Logística");
  EXPECT_EQ(csv_text_cell("", ','), "");
}

TEST(Csv, QuotesSeparatorsQuotesAndLineBreaks) {
  EXPECT_EQ(csv_text_cell("a,b", ','), "\"a,b\"");
  EXPECT_EQ(csv_text_cell("a,b", ';'), "a,b");
  EXPECT_EQ(csv_text_cell("a;b", ';'), "\"a;b\"");
  EXPECT_EQ(csv_text_cell("say \"hi\"", ','), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_text_cell("line1\nline2", ','), "\"line1\nline2\"");
  EXPECT_EQ(csv_text_cell("x\ry", ','), "\"x\ry\"");
}

TEST(Csv, PrefixesCellsASpreadsheetWouldRunAsFormulas) {
  EXPECT_EQ(csv_text_cell("=1+2", ','), "'=1+2");
  EXPECT_EQ(csv_text_cell("+55 11", ','), "'+55 11");
  EXPECT_EQ(csv_text_cell("-2", ','), "'-2");
  EXPECT_EQ(csv_text_cell("@SUM(A1)", ','), "'@SUM(A1)");
  EXPECT_EQ(csv_text_cell("\tx", ','), "'\tx");
  EXPECT_EQ(csv_text_cell("\rx", ','), "\"'\rx\"");
  EXPECT_EQ(csv_text_cell("=HYPERLINK(\"http://x\",\"y\")", ','),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  EXPECT_EQ(csv_text_cell("a=b", ','), "a=b");  // only the first character counts
}

TEST(Csv, WritesRowsWithTheSeparatorAndCrlf) {
  std::string out;
  CsvWriter w(out, ',');
  w.text("a").num(-3).fixed1(99.5).money(1234).text(std::optional<std::string>{}).end_row();
  w.text("b").num(0).fixed1(0.04).money(-50).text("x").end_row();
  EXPECT_EQ(out, "a,-3,99.5,12.34,\r\nb,0,0.0,-0.50,x\r\n");
}

TEST(Csv, SemicolonSeparatorWritesDecimalCommas) {
  std::string out;
  CsvWriter w(out, ';');
  w.text("1.5").fixed1(0.5).money(1999).num(7).end_row();
  EXPECT_EQ(out, "1.5;0,5;19,99;7\r\n");
}

}  // namespace painel
