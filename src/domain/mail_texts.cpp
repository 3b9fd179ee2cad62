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

}  // namespace

MailText link_mail(LinkPurpose purpose, MailLanguage lang, std::string_view name,
                   std::string_view url, std::string_view expires_at) {
  const std::string until = readable_instant(expires_at);
  const std::string link = "\n\n    " + std::string(url) + "\n\n";
  MailText t;
  t.body = greeting(lang, name);
  if (lang == MailLanguage::En) {
    if (purpose == LinkPurpose::Invite) {
      t.subject = "Your invitation to Painel";
      t.body += "You have been invited to Painel. Open this link to choose your password "
                "and sign in (it works once, until " + until + "):" + link +
                "If you did not expect this invitation, ignore this message.\n";
    } else {
      t.subject = "Painel password reset";
      t.body += "A password reset was requested for your Painel account. Open this link to "
                "choose a new password (it works once, until " + until + "):" + link +
                "If you did not ask for it, ignore this message: your password stays as it "
                "is.\n";
    }
  } else {
    if (purpose == LinkPurpose::Invite) {
      t.subject = "Seu convite para o Painel";
      t.body += "Você foi convidado(a) para o Painel. Abra este link para escolher sua senha "
                "e entrar (ele vale uma vez, até " + until + "):" + link +
                "Se você não esperava este convite, ignore esta mensagem.\n";
    } else {
      t.subject = "Redefinição de senha do Painel";
      t.body += "Foi pedida a redefinição da senha da sua conta no Painel. Abra este link "
                "para escolher uma nova senha (ele vale uma vez, até " + until + "):" + link +
                "Se não foi você quem pediu, ignore esta mensagem: sua senha continua a "
                "mesma.\n";
    }
  }
  t.body += "\n— Painel\n";
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
