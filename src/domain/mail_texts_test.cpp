#include "domain/mail_texts.hpp"

#include <gtest/gtest.h>

namespace painel::domain {
namespace {

TEST(MailTexts, LanguageRuleIsPortugueseUnlessEnglishComesFirst) {
  EXPECT_EQ(mail_language(""), MailLanguage::PtBr);
  EXPECT_EQ(mail_language("pt-BR,pt;q=0.9,en;q=0.8"), MailLanguage::PtBr);
  EXPECT_EQ(mail_language("en-US,en;q=0.9"), MailLanguage::En);
  EXPECT_EQ(mail_language(" EN"), MailLanguage::En);
  EXPECT_EQ(mail_language("es"), MailLanguage::PtBr);
  EXPECT_EQ(mail_language("eng"), MailLanguage::PtBr);
  MailLanguage l;
  EXPECT_TRUE(parse_mail_language("en", l));
  EXPECT_EQ(l, MailLanguage::En);
  EXPECT_TRUE(parse_mail_language("pt-BR", l));
  EXPECT_EQ(l, MailLanguage::PtBr);
  EXPECT_FALSE(parse_mail_language("fr", l));
}

TEST(MailTexts, LinkMailsCarryTheLinkAndTheExpiry) {
  const std::string url = "https://painel.example/app/reset-password?token=abc_DEF-123";
  for (auto p : {LinkPurpose::Invite, LinkPurpose::Reset})
    for (auto l : {MailLanguage::PtBr, MailLanguage::En}) {
      auto t = link_mail(p, l, "Ana Sá", url, "2026-12-08T12:00:00.000Z");
      EXPECT_NE(t.body.find(url), std::string::npos);
      EXPECT_NE(t.body.find("2026-12-08 12:00 UTC"), std::string::npos);
      EXPECT_NE(t.body.find("Ana Sá"), std::string::npos);
      EXPECT_EQ(t.subject.find('\n'), std::string::npos);
    }
  EXPECT_EQ(link_mail(LinkPurpose::Invite, MailLanguage::PtBr, "", url, "x").subject,
            "Seu convite para o Painel");
  EXPECT_EQ(link_mail(LinkPurpose::Reset, MailLanguage::En, "", url, "x").subject,
            "Painel password reset");
  EXPECT_EQ(link_mail(LinkPurpose::Reset, MailLanguage::En, "", url, "x").body.rfind("Hello,", 0),
            0u);
}

}  // namespace
}  // namespace painel::domain
