// `painel incidents open|resolve|list`: the /internal/incidents writes for scripts, through
// the same audited write functions (api/incident_writes.hpp), with actor "cli". A running
// server's cached tenant answers expire on their own (this process has no handle on them).
#include "domain/incidents.hpp"

#include <cctype>
#include <iostream>

#include "api/incident_writes.hpp"
#include "api/render_rows.hpp"
#include "cli/subcommands.hpp"
#include "core/error.hpp"
#include "core/ids.hpp"
#include "core/json.hpp"
#include "core/time.hpp"
#include "store/incidents.hpp"
#include "store/row_locks.hpp"
#include "store/store.hpp"

namespace painel::cli {
namespace {

const api::IncidentActor kCli{"cli", "system", std::nullopt, std::nullopt};

void print(const store::StaffIncident& i, bool json) {
  if (!json) {
    std::cout << i.id << "\n";
    return;
  }
  JsonOut j;
  api::render_staff_incident(j, i);
  std::cout << j.take() << "\n";
}

std::string checked_uuid(const std::string& v, const char* flag) {
  if (!is_uuid(v)) throw UsageError(std::string(flag) + " must be a UUID");
  std::string out = v;
  for (auto& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

}  // namespace

int cmd_incidents_open(const std::string& database, const std::string& severity,
                       const std::string& title, const std::string& description,
                       const std::string& tenant, bool json) {
  if (!domain::is_incident_severity(severity))
    throw UsageError(std::string("--severity must be one of: ") + domain::incident_severity_list());
  if (title.empty() || title.size() > 200) throw UsageError("--title must be 1..200 characters");
  if (description.size() > 4000) throw UsageError("--description must be at most 4000 characters");
  store::NewIncident n{std::nullopt, severity, title, description, "manual"};
  if (!tenant.empty()) n.tenant_id = checked_uuid(tenant, "--tenant");
  auto s = open_migrated(database);
  // An unknown tenant is an ApiError (404) of the shared write path: exit 1 (cli.cpp).
  auto i = s->write(
      [&](store::Conn& c) { return api::open_incident_audited(c, n, kCli, wall_now_ms()); });
  print(i, json);
  return 0;
}

int cmd_incidents_resolve(const std::string& database, const std::string& id, bool json) {
  auto iid = checked_uuid(id, "ID");
  auto s = open_migrated(database);
  auto out = s->write([&](store::Conn& c) {
    store::lock_row(c, store::LockedTable::Incident, iid);  // as the route's edit
    auto before = store::get_incident(c, iid);
    if (!before) throw not_found("no such incident: " + iid);
    api::IncidentEdit e;
    e.status = "resolved";
    return api::edit_incident_audited(c, *before, e, kCli, wall_now_ms());
  });
  print(out.incident, json);
  return 0;
}

int cmd_incidents_list(const std::string& database, const std::string& status,
                       const std::string& tenant, int64_t limit, bool json) {
  store::IncidentFilter f;
  if (status != "all") {
    if (!domain::is_incident_status(status))
      throw UsageError("--status must be open, resolved or all");
    f.status = status;
  }
  if (!tenant.empty()) f.tenant_id = checked_uuid(tenant, "--tenant");
  if (limit < 1 || limit > 10000) throw UsageError("--limit must be 1..10000");
  auto s = open_migrated(database);
  auto page = store::list_staff_incidents(s->conn(), f, {limit, 0});
  if (json) {
    JsonOut j;
    j.begin_object().key("incidents").begin_array();
    for (auto& i : page.items) api::render_staff_incident(j, i);
    j.end_array().kv("total", page.total).end_object();
    std::cout << j.take() << "\n";
    return 0;
  }
  for (auto& i : page.items)
    std::cout << i.id << "  " << i.created_at << "  " << i.status << "  " << i.severity << "  "
              << i.tenant_name.value_or("(global)") << "  " << i.title << "\n";
  return 0;
}

}  // namespace painel::cli
