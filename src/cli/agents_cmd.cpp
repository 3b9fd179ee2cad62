#include "cli/agents_cmd.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

#include "api/catalog_writes.hpp"
#include "api/params.hpp"
#include "cli/api_refusals.hpp"
#include "cli/subcommands.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "store/catalog.hpp"

namespace painel::cli {
namespace {

const api::CatalogActor kCli{"cli", "system", std::nullopt, std::nullopt};

}  // namespace

AgentsCli::AgentsCli(CLI::App& app, const std::function<void(CLI::App*)>& database_opt) {
  auto* agents = app.add_subcommand("agents", "the agent catalog");
  agents->require_subcommand(1);
  create_ = agents->add_subcommand("create", "add an agent to the catalog; prints its id");
  database_opt(create_);
  create_->add_option("--name", name_, "agent name (unique without case or accents)")->required();
  create_->add_option("--segment", segment_, "business segment")->required();
  create_->add_option("--subnucleus", subnucleus_, "nigredo|hermes|sophia|atlas|oracle")
      ->required();
  create_->add_option("--description", description_, "what the agent does");
  create_->add_option("--price", price_, "monthly price in BRL, e.g. 199.90");
  create_->add_flag("--json", json_, "print the agent as JSON");
  list_ = agents->add_subcommand("list", "list the catalog (name, then id)");
  database_opt(list_);
  list_->add_option("--status", status_, "active|retired|all")->capture_default_str();
  list_->add_flag("--json", json_, "print {\"agents\":[…],\"total\"} as JSON");
  retire_ = agents->add_subcommand("retire", "retire an agent: no new contracts");
  database_opt(retire_);
  retire_->add_option("id", id_, "agent id")->required();
  retire_->add_flag("--json", json_, "print the agent as JSON");
}

std::optional<int> AgentsCli::run(const std::string& database) const {
  if (*create_) return create(database);
  if (*list_) return list(database);
  if (*retire_) return retire(database);
  return std::nullopt;
}

int AgentsCli::create(const std::string& database) const {
  JsonOut body;
  body.begin_object().kv("name", name_).kv("segment", segment_).kv("subnucleus", subnucleus_);
  if (!description_.empty()) body.kv("description", description_);
  if (!price_.empty()) body.kv("price_monthly", price_);
  body.end_object();
  auto doc = parse_json_object(body.view());
  auto s = open_migrated(database);
  SystemClock clock;
  auto a = through_api([&] { return api::catalog_create(*s, clock, doc, kCli); });
  std::cout << (json_ ? api::catalog_agent_json(a) : a.id) << "\n";
  return 0;
}

int AgentsCli::list(const std::string& database) const {
  if (status_ != "active" && status_ != "retired" && status_ != "all")
    throw UsageError("--status must be active, retired or all");
  auto s = open_migrated(database);
  store::CatalogQuery q;
  if (status_ != "all") q.status = status_;
  q.page = {1'000'000, 0};
  auto page = store::list_catalog(s->conn(), q);
  if (json_) {
    std::string out = "{\"agents\":[";
    for (size_t i = 0; i < page.items.size(); ++i)
      out += (i ? "," : "") + api::catalog_agent_json(page.items[i]);
    std::cout << out << "],\"total\":" << page.total << "}\n";
    return 0;
  }
  for (auto& a : page.items)
    std::cout << a.id << "\t" << a.name << "\t" << a.segment << "\t" << a.subnucleus << "\t"
              << a.status << "\t" << money_text(a.monthly_price_cents) << "\t" << a.deployed_count
              << "\n";
  return 0;
}

int AgentsCli::retire(const std::string& database) const {
  auto id = through_api([&] { return api::require_uuid(id_, "agent id"); });
  auto s = open_migrated(database);
  SystemClock clock;
  rapidjson::Document body = parse_json_object("{\"status\":\"retired\"}");
  auto a = through_api([&] { return api::catalog_update(*s, clock, id, body, kCli, nullptr); });
  std::cout << (json_ ? api::catalog_agent_json(a) : a.id) << "\n";
  return 0;
}

}  // namespace painel::cli
