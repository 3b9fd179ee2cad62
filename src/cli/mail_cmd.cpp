// `painel mail test --to ADDRESS`: sends one test message with the SMTP settings serve
// would use (--smtp-url / --smtp-from, or PAINEL_SMTP_URL / PAINEL_SMTP_FROM), on this
// thread, and says whether the server took it. Exit 0 sent, 1 not sent (why on stderr),
// 2 bad arguments.
#include <iostream>

#include "cli/subcommands.hpp"
#include "core/json.hpp"
#include "domain/mail_texts.hpp"
#include "mail/mailer.hpp"

namespace painel::cli {

int cmd_mail_test(const std::string& smtp_url, const std::string& smtp_from, const std::string& to,
                  const std::string& lang, bool json) {
  if (smtp_url.empty()) throw UsageError("--smtp-url (or PAINEL_SMTP_URL) is required");
  mail::SmtpSettings s{smtp_url, smtp_from};
  mail::validate_settings(s);  // std::invalid_argument → exit 2
  if (!mail::valid_address(to)) throw UsageError("--to must be an e-mail address");
  domain::MailLanguage language;
  if (!domain::parse_mail_language(lang, language)) throw UsageError("--lang must be pt-BR or en");
  auto text = domain::test_mail(language);
  auto err = mail::send_smtp(s, {to, "", text.subject, text.body});
  if (err) {
    std::cerr << "painel: mail not sent: " << *err << "\n";
    return 1;
  }
  if (json)
    std::cout << "{\"to\":" << json_escape(to) << ",\"sent\":true}\n";
  else
    std::cout << "sent\n";
  return 0;
}

}  // namespace painel::cli
