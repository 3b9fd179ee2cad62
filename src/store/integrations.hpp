#pragma once
// A tenant's integrations (tenant_integrations).
#include <optional>
#include <string>
#include <vector>

#include "store/db.hpp"
#include "store/tenant_scope.hpp"

namespace painel::store {

struct Integration {
  std::string id, type, name, status;
  std::optional<std::string> last_sync_at, last_error;
};

// The tenant's integrations by type, name, id.
std::vector<Integration> tenant_integrations(Conn& c, const TenantScope& s);

}  // namespace painel::store
