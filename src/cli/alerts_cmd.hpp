#pragma once
// The built-in alerts on the command line: the rules `painel serve` runs (the shipped ones
// with --alerts FILE over them) and `painel alerts webhook-secret`.
#include <string>
#include <vector>

#include "core/config.hpp"
#include "domain/alerts.hpp"

namespace painel::cli {

// The shipped rules, with `path`'s over them when given. Throws std::invalid_argument with
// one line (the file, the rule, the field) for an unreadable or invalid file: exit 2.
std::vector<domain::AlertRule> load_alert_rules(const std::string& path);

// Prints the webhook signing secret serve uses: --alert-webhook-secret when set, else the
// one derived from the master key.
int cmd_alerts_webhook_secret(const Config& cfg);

}  // namespace painel::cli
