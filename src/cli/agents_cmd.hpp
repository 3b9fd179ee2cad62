#pragma once
// `painel agents create|list|retire`: the agent catalog from the command line, through
// the same validation, refusals and audit rows as /internal/agents (api/catalog_writes).
// Exit 0 done; 2 bad arguments; 1 refused by the store (same name, unknown id).
#include <functional>
#include <optional>
#include <string>

namespace CLI {
class App;
}

namespace painel::cli {

class AgentsCli {
 public:
  // Registers the subcommands; `database_opt` adds --database to each.
  AgentsCli(CLI::App& app, const std::function<void(CLI::App*)>& database_opt);
  // The exit code when `painel agents …` was parsed, else nullopt.
  std::optional<int> run(const std::string& database) const;

 private:
  int create(const std::string& database) const;
  int list(const std::string& database) const;
  int retire(const std::string& database) const;

  CLI::App *create_ = nullptr, *list_ = nullptr, *retire_ = nullptr;
  std::string name_, segment_, subnucleus_, description_, price_, status_ = "active", id_;
  bool json_ = false;
};

}  // namespace painel::cli
