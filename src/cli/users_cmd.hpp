#pragma once
// `painel users create|list|disable|enable|set-group|reset-password`: accounts from the
// command line, through the same validation, refusals, revocation and audit rows as
// /internal/users (api/user_writes). Exit 0 done; 2 bad arguments; 1 refused by the store
// (e-mail in use, tenant limit, unknown id).
#include <functional>
#include <optional>
#include <string>

namespace CLI {
class App;
}

namespace painel::cli {

class UsersCli {
 public:
  // Registers the subcommands; `database_opt` adds --database to each.
  UsersCli(CLI::App& app, const std::function<void(CLI::App*)>& database_opt);
  // The exit code when `painel users …` was parsed, else nullopt.
  std::optional<int> run(const std::string& database) const;

 private:
  int create(const std::string& database) const;
  int list(const std::string& database) const;
  int patch(const std::string& database, const std::string& body) const;
  int reset_password(const std::string& database) const;
  std::string public_url() const;
  void check_mail_settings() const;  // before any write: bad settings are exit 2
  // With --smtp-url: sends the link to the user now; false (and one line on stderr) when
  // the server refused it — the link is printed all the same.
  bool email_link(bool invite, const std::string& to, const std::string& name,
                  const std::string& url, const std::string& expires_at) const;

  CLI::App *create_ = nullptr, *list_ = nullptr, *disable_ = nullptr, *enable_ = nullptr,
           *set_group_ = nullptr, *reset_ = nullptr;
  std::string email_, name_, group_, tenant_, status_ = "all", id_, public_url_;
  std::string smtp_url_, smtp_from_, lang_ = "pt-BR";
  bool password_stdin_ = false, if_missing_ = false, fast_hash_ = false, json_ = false;
};

}  // namespace painel::cli
