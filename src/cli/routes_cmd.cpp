// `painel routes`: the route table and its policy, as JSON or as the Markdown matrix of
// docs/permissions.md (a test checks that file against this output).
#include <spdlog/spdlog.h>

#include <iostream>

#include "api/app.hpp"
#include "api/routes.hpp"
#include "cli/subcommands.hpp"
#include "cli/services.hpp"
#include "core/json.hpp"

namespace painel::cli {
namespace {
const char* access_name(http::Access a) {
  switch (a) {
    case http::Access::Public:
      return "public";
    case http::Access::IngestKey:
      return "ingest_key";
    case http::Access::User:
      return "user";
  }
  return "?";
}
const char* cache_scope_name(http::CacheScope c) {
  switch (c) {
    case http::CacheScope::None:
      return "none";
    case http::CacheScope::Tenant:
      return "tenant";
    case http::CacheScope::CrossTenant:
      return "cross_tenant";
  }
  return "?";
}
}  // namespace

int cmd_routes(bool markdown) {
  Config cfg;
  cfg.database = "sqlite::memory:";
  cfg.master_key = "routes-listing-only";
  cfg.log_level = "off";
  spdlog::set_level(spdlog::level::off);
  Services svc(cfg);
  const auth::Group groups[] = {auth::kInternalAdmin, auth::kInternalSupport, auth::kTenantAdmin,
                                auth::kTenantUser};
  if (!markdown) {
    JsonOut j;
    j.begin_array();
    for (auto& r : svc.app->routes()) {
      j.begin_object()
          .kv("method", r.method)
          .kv("path", r.pattern)
          .kv("access", access_name(r.access));
      j.key("groups").begin_array();
      if (r.access == http::Access::User)
        for (auto g : groups)
          if (r.groups & g) j.str(auth::group_name(g));
      j.end_array().kv("body_limit", r.body_limit);
      j.kv("json_body", r.flags.json_body)
          .kv("cache", cache_scope_name(r.flags.cache))
          .kv("may_inline", r.flags.may_inline)
          .end_object();
    }
    j.end_array();
    std::cout << j.view() << "\n";
    return 0;
  }
  std::cout
      << "| method | route | INTERNAL_ADMIN | INTERNAL_SUPPORT | TENANT_ADMIN | TENANT_USER |\n"
         "|---|---|---|---|---|---|\n";
  for (auto& r : svc.app->routes()) {
    std::cout << "| " << r.method << " | `" << r.pattern << "` |";
    for (auto g : groups) {
      const char* cell = r.access == http::Access::Public      ? " public |"
                         : r.access == http::Access::IngestKey ? " ingest key |"
                         : (r.groups & g)                      ? " ✔ |"
                                                               : " — |";
      std::cout << cell;
    }
    std::cout << "\n";
  }
  return 0;
}

}  // namespace painel::cli
