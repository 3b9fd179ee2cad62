#include "cli/alerts_cmd.hpp"

#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "auth/master_key.hpp"
#include "jobs/alert_webhooks.hpp"
#include "obs/metric_catalog.hpp"

namespace painel::cli {

std::vector<domain::AlertRule> load_alert_rules(const std::string& path) {
  if (path.empty()) return domain::default_alert_rules();
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::invalid_argument("--alerts: cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  auto is_counter = [](std::string_view name) {
    const auto* f = obs::find_family(name);
    return f && f->type == obs::MetricType::Counter;
  };
  try {
    return domain::parse_alert_rules(text.str(), is_counter);
  } catch (const std::invalid_argument& e) {
    std::string why = e.what();
    // "--alerts: rule ...: ..." → "--alerts FILE: rule ...: ..."
    if (why.rfind("--alerts: ", 0) == 0) why = "--alerts " + path + ": " + why.substr(10);
    throw std::invalid_argument(why);
  }
}

int cmd_alerts_webhook_secret(const Config& cfg) {
  if (!cfg.alert_webhook_secret.empty())
    std::cout << cfg.alert_webhook_secret << "\n";
  else
    std::cout << jobs::derived_webhook_secret(auth::resolve_master_key(cfg)) << "\n";
  return 0;
}

}  // namespace painel::cli
