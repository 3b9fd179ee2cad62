#include "domain/mail_texts.hpp"

#include <cctype>

namespace painel::domain {

MailLanguage mail_language(std::string_view h) {
  size_t i = 0;
  while (i < h.size() && (h[i] == ' ' || h[i] == '\t')) ++i;
  std::string primary;
  while (i < h.size() && std::isalpha(static_cast<unsigned char>(h[i])))
    primary += static_cast<char>(std::tolower(static_cast<unsigned char>(h[i++])));
  return primary == "en" ? MailLanguage::En : MailLanguage::PtBr;
}

bool parse_mail_language(std::string_view tag, MailLanguage& out) {
  if (tag == "pt-BR") {
    out = MailLanguage::PtBr;
    return true;
  }
  if (tag == "en") {
    out = MailLanguage::En;
    return true;
  }
  return false;
}

namespace {

// 2026-12-08T12:00:00.000Z → 2026-12-08 12:00 UTC; anything else is shown as given.
std::string readable_instant(std::string_view rfc3339) {
  if (rfc3339.size() >= 16 && rfc3339[10] == 'T' && rfc3339.back() == 'Z')
    return std::string(rfc3339.substr(0, 10)) + " " + std::string(rfc3339.substr(11, 5)) + " UTC";
  return std::string(rfc3339);
}

std::string greeting(MailLanguage lang, std::string_view name) {
  std::string g = lang == MailLanguage::En ? "Hello" : "Olá";
  if (!name.empty()) g += ", " + std::string(name);
  return g + ",\n\n";
}

// One link mail's words: subject, what the link is for, and the closing advice.
struct LinkWords {
  const char* subject;
  const char* intro;   // followed by " (<valid once, until X>):" and the link
  const char* ignore;  // last paragraph
};

LinkWords link_words(LinkPurpose purpose, MailLanguage lang) {
  const bool en = lang == MailLanguage::En;
  if (purpose == LinkPurpose::Invite)
    return en ? LinkWords{"Your invitation to Painel",
                          "You have been invited to Painel. Open this link to choose your "
                          "password and sign in",
                          "If you did not expect this invitation, ignore this message."}
              : LinkWords{"Seu convite para o Painel",
                          "Você foi convidado(a) para o Painel. Abra este link para escolher "
                          "sua senha e entrar",
                          "Se você não esperava este convite, ignore esta mensagem."};
  return en ? LinkWords{"Painel password reset",
                        "A password reset was requested for your Painel account. Open this "
                        "link to choose a new password",
                        "If you did not ask for it, ignore this message: your password stays "
                        "as it is."}
            : LinkWords{"Redefinição de senha do Painel",
                        "Foi pedida a redefinição da senha da sua conta no Painel. Abra este "
                        "link para escolher uma nova senha",
                        "Se não foi você quem pediu, ignore esta mensagem: sua senha continua "
                        "a mesma."};
}

}  // namespace

MailText link_mail(LinkPurpose purpose, MailLanguage lang, std::string_view name,
                   std::string_view url, std::string_view expires_at) {
  const LinkWords w = link_words(purpose, lang);
  const std::string until = readable_instant(expires_at);
  MailText t;
  t.subject = w.subject;
  t.body = greeting(lang, name) + w.intro +
           (lang == MailLanguage::En ? " (it works once, until " : " (ele vale uma vez, até ") +
           until + "):\n\n    " + std::string(url) + "\n\n" + w.ignore + "\n\n— Painel\n";
  return t;
}

MailText test_mail(MailLanguage lang) {
  if (lang == MailLanguage::En)
    return {"Painel: test message",
            "This is a test message from Painel: its SMTP settings work.\n\n— Painel\n"};
  return {"Painel: mensagem de teste — configuração de e-mail",
          "Esta é uma mensagem de teste do Painel: as configurações de SMTP funcionam.\n\n"
          "— Painel\n"};
}

}  // namespace painel::domain
