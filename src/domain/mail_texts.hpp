#pragma once
// The e-mails Painel sends (issue #16): an invitation or a password-reset link, and the
// operator's test message, in Brazilian Portuguese (the default) or English. Pure text;
// mail/mailer.hpp turns it into an RFC 5322 message and sends it.
#include <string>
#include <string_view>

namespace painel::domain {

enum class MailLanguage { PtBr, En };

// The rule: English when the first language the caller's Accept-Language names is English
// ("en", "en-US", …); Brazilian Portuguese otherwise, and when there is no header.
MailLanguage mail_language(std::string_view accept_language);
// "pt-BR" → PtBr, "en" → En (the CLI's --lang); anything else is refused by the caller.
bool parse_mail_language(std::string_view tag, MailLanguage& out);

enum class LinkPurpose { Invite, Reset };

struct MailText {
  std::string subject;  // UTF-8, one line
  std::string body;     // UTF-8, lines ending in \n
};

// `expires_at` is RFC 3339 (as the API answers it); the text shows it as
// "2026-12-08 12:00 UTC". `name` greets the person; an empty name greets nobody in particular.
MailText link_mail(LinkPurpose purpose, MailLanguage lang, std::string_view name,
                   std::string_view url, std::string_view expires_at);
// `painel mail test`: proves the SMTP settings work.
MailText test_mail(MailLanguage lang);

}  // namespace painel::domain
