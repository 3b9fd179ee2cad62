#include "cli/users_cmd.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "api/params.hpp"
#include "api/user_writes.hpp"
#include "auth/password.hpp"
#include "auth/password_policy.hpp"
#include "cli/api_refusals.hpp"
#include "cli/subcommands.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "domain/mail_texts.hpp"
#include "domain/users.hpp"
#include "mail/mailer.hpp"
#include "store/users.hpp"

namespace painel::cli {
namespace {

const api::UserActor kCli{"cli",        "system",     domain::kInternalAdmin,
                          std::nullopt, std::nullopt, std::nullopt};
constexpr const char* kGroups = "INTERNAL_ADMIN|INTERNAL_SUPPORT|TENANT_ADMIN|TENANT_USER";

}  // namespace

UsersCli::UsersCli(CLI::App& app, const std::function<void(CLI::App*)>& database_opt) {
  auto* users = app.add_subcommand("users", "user accounts");
  users->require_subcommand(1);
  auto url_opt = [this](CLI::App* c) {
    c->add_option("--public-url", public_url_,
                  "address people reach Painel at, for the link (default http:// + "
                  "PAINEL_LISTEN)")
        ->envname("PAINEL_PUBLIC_URL");
    c->add_option("--smtp-url", smtp_url_, "also e-mail the link through this SMTP server")
        ->envname("PAINEL_SMTP_URL");
    c->add_option("--smtp-from", smtp_from_, "the e-mail's sender: ADDRESS or \"NAME <ADDRESS>\"")
        ->envname("PAINEL_SMTP_FROM");
    c->add_option("--lang", lang_, "the e-mail's language: pt-BR|en")->capture_default_str();
  };
  create_ = users->add_subcommand(
      "create", "create a user; prints its id and, without --password-stdin, the invitation link");
  database_opt(create_);
  create_->add_option("--email", email_, "e-mail (login)")->required();
  create_->add_option("--name", name_, "full name")->required();
  create_->add_option("--group", group_, kGroups)->required();
  create_->add_option("--tenant", tenant_, "tenant id (required for TENANT_* groups)");
  create_->add_flag("--password-stdin", password_stdin_,
                    "read the password from standard input instead of printing an invitation");
  create_->add_flag("--if-missing", if_missing_,
                    "an existing e-mail is not an error: print that user's id");
  create_->add_flag("--fast-hash", fast_hash_, "cheap argon2id parameters (tests only)");
  create_->add_flag("--json", json_,
                    "print {\"user\":{…},\"invite\":{…}|null,\"emailed\"} as JSON");
  url_opt(create_);
  list_ = users->add_subcommand("list", "list users (by e-mail, then id)");
  database_opt(list_);
  list_->add_option("--tenant", tenant_, "only this tenant's users");
  list_->add_option("--group", group_, kGroups);
  list_->add_option("--status", status_, "active|disabled|all")->capture_default_str();
  list_->add_flag("--json", json_, "print {\"users\":[…],\"total\"} as JSON");
  disable_ = users->add_subcommand("disable", "disable a user: every session and token ends");
  enable_ = users->add_subcommand("enable", "enable a disabled user");
  set_group_ = users->add_subcommand("set-group", "move a user to another group of its kind");
  reset_ = users->add_subcommand("reset-password", "print a new password link (72 h)");
  for (auto* c : {disable_, enable_, set_group_, reset_}) {
    database_opt(c);
    c->add_option("id", id_, "user id")->required();
    c->add_flag("--json", json_,
                c == reset_ ? "print {\"url\",\"expires_at\",\"emailed\"}" : "print the user");
  }
  set_group_->add_option("group", group_, kGroups)->required();
  url_opt(reset_);
}

std::optional<int> UsersCli::run(const std::string& database) const {
  if (*create_) return create(database);
  if (*list_) return list(database);
  if (*disable_) return patch(database, "{\"status\":\"disabled\"}");
  if (*enable_) return patch(database, "{\"status\":\"active\"}");
  if (*set_group_) {
    JsonOut b;
    b.begin_object().kv("group", group_).end_object();
    return patch(database, b.take());
  }
  if (*reset_) return reset_password(database);
  return std::nullopt;
}

std::string UsersCli::public_url() const {
  Config cfg;
  if (const char* l = std::getenv("PAINEL_LISTEN")) cfg.listen = l;
  cfg.public_url = public_url_;
  cfg.validate();  // std::invalid_argument → exit 2
  return cfg.public_base_url();
}

void UsersCli::check_mail_settings() const {
  mail::validate_settings({smtp_url_, smtp_from_});  // std::invalid_argument → exit 2
  domain::MailLanguage lang;
  if (!domain::parse_mail_language(lang_, lang)) throw UsageError("--lang must be pt-BR or en");
}

bool UsersCli::email_link(bool invite, const std::string& to, const std::string& name,
                          const std::string& url, const std::string& expires_at) const {
  if (smtp_url_.empty()) return false;
  domain::MailLanguage lang = domain::MailLanguage::PtBr;
  domain::parse_mail_language(lang_, lang);
  auto purpose = invite ? domain::LinkPurpose::Invite : domain::LinkPurpose::Reset;
  auto err = mail::send_smtp({smtp_url_, smtp_from_},
                             mail::link_message(purpose, lang, to, name, url, expires_at));
  if (err) std::cerr << "painel: mail not sent (the link is below): " << *err << "\n";
  return !err;
}

int UsersCli::create(const std::string& database) const {
  JsonOut body;
  body.begin_object().kv("email", email_).kv("name", name_).kv("group", group_);
  if (!tenant_.empty()) body.kv("tenant_id", tenant_);
  body.end_object();
  auto doc = parse_json_object(body.view());
  std::string url = public_url();
  check_mail_settings();
  auto s = open_migrated(database);
  if (if_missing_) {
    auto email = domain::normalize_email(email_);
    if (auto u = email ? store::find_user_by_email(s->conn(), *email) : std::nullopt) {
      std::cout << (json_
                        ? "{\"user\":" + api::user_json(*u) + ",\"invite\":null,\"emailed\":false}"
                        : u->id)
                << "\n";
      return 0;
    }
  }
  std::optional<std::string> hash;
  if (password_stdin_) {
    std::string password;
    if (isatty(STDIN_FILENO)) std::cerr << "password: " << std::flush;
    std::getline(std::cin, password);
    if (!password.empty() && password.back() == '\r') password.pop_back();
    if (auto why = auth::password_policy_violation(password, email_)) throw UsageError(*why);
    hash = auth::hash_password(
        password, fast_hash_ ? auth::PasswordCost::Fast : auth::PasswordCost::Interactive);
  }
  auto made =
      through_api([&] { return api::user_create(*s, SystemClock{}, doc, kCli, url, hash); });
  bool emailed = made.invite && email_link(true, made.user.email, made.user.full_name,
                                           made.invite->url, made.invite->expires_at);
  if (json_) {
    std::cout << "{\"user\":" << api::user_json(made.user)
              << ",\"invite\":" << (made.invite ? api::link_json(*made.invite) : "null")
              << ",\"emailed\":" << (emailed ? "true" : "false") << "}\n";
    return 0;
  }
  std::cout << made.user.id << "\n";
  if (made.invite) {
    std::cerr << "invitation link (valid until " << made.invite->expires_at << "):\n";
    std::cout << made.invite->url << "\n";
  }
  return 0;
}

int UsersCli::list(const std::string& database) const {
  store::UserQuery q;
  if (!tenant_.empty())
    q.tenant_id = through_api([&] { return api::require_uuid(tenant_, "--tenant"); });
  if (!group_.empty()) {
    if (!domain::group_from_name(group_))
      throw UsageError(std::string("--group must be ") + kGroups);
    q.group = group_;
  }
  if (status_ != "active" && status_ != "disabled" && status_ != "all")
    throw UsageError("--status must be active, disabled or all");
  if (status_ != "all") q.disabled = status_ == "disabled";
  q.page = {1'000'000, 0};
  auto s = open_migrated(database);
  auto page = store::list_users(s->conn(), q);
  if (json_) {
    std::string out = "{\"users\":[";
    for (size_t i = 0; i < page.items.size(); ++i)
      out += (i ? "," : "") + api::user_json(page.items[i]);
    std::cout << out << "],\"total\":" << page.total << "}\n";
    return 0;
  }
  for (auto& u : page.items) {
    auto g = domain::effective_group(u.groups);
    std::cout << u.id << "\t" << u.email << "\t" << (g ? domain::group_name(*g) : "") << "\t"
              << u.tenant_id.value_or("-") << "\t" << domain::user_status(u.disabled) << "\n";
  }
  return 0;
}

int UsersCli::patch(const std::string& database, const std::string& body) const {
  auto doc = parse_json_object(body);
  auto s = open_migrated(database);
  auto u =
      through_api([&] { return api::user_update(*s, SystemClock{}, id_, doc, kCli, nullptr); });
  std::cout << (json_ ? api::user_json(u) : u.id) << "\n";
  return 0;
}

int UsersCli::reset_password(const std::string& database) const {
  std::string url = public_url();
  check_mail_settings();
  auto s = open_migrated(database);
  auto link = through_api([&] { return api::user_issue_reset(*s, SystemClock{}, id_, kCli, url); });
  auto u = through_api([&] { return api::user_visible(s->conn(), id_, kCli); });
  bool emailed = email_link(false, u.email, u.full_name, link.url, link.expires_at);
  if (json_) {
    std::cout << api::reset_link_json(link, emailed) << "\n";
  } else {
    std::cout << link.url << "\n";
  }
  return 0;
}

}  // namespace painel::cli
